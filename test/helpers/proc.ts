// What a process holds, read from /proc: for checks that repeated re-execs leak no descriptors, sockets
// or child processes (Linux only, as the kernel's re-exec is).
import * as fs from 'fs';

// What each open descriptor points to: a path, or a kind ("socket:", "pipe:", "anon_inode:[eventfd]").
// Socket and pipe inode numbers are left out: they change whenever the kernel re-creates its sockets, and a
// leak shows as more of a kind, not as other numbers.
export function openFds(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  return fs.readdirSync(dir).map((fd) => {
    try {
      return fs.readlinkSync(`${dir}/${fd}`).replace(/^(socket|pipe):\[\d+\]$/, '$1:');
    } catch {
      return '(closed while read)'; // the process closed it between the listing and this read
    }
  });
}

export interface ChildProcessState {
  pid: number;
  state: string; // as ps shows it: R, S, Z (a zombie: exited, never waited for) …
  command: string;
}

// The direct children of pid, from each process's stat line ("pid (comm) state ppid …"; comm may hold
// spaces and parentheses, so the fields are read after its last ")").
export function childrenOf(pid: number): ChildProcessState[] {
  const children: ChildProcessState[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(')');
    const [state, ppid] = stat.slice(close + 2).split(' ');
    if (Number(ppid) === pid) children.push({ pid: Number(entry), state, command: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return children;
}
