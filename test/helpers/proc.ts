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

// A socket as /proc/net lists it (this network namespace's tables).
interface SocketEntry {
  kind: string; // "tcp", "tcp6", "udp", "udp6", "unix", "netlink"
  local: string;
  remote: string;
  state: string;
}

const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT',
  '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING',
};

function readTable(name: string): string[][] {
  try {
    return fs.readFileSync(`/proc/net/${name}`, 'utf8').split('\n').slice(1).map((line) => line.trim().split(/\s+/)).filter((row) => row.length > 1);
  } catch {
    return []; // a table this kernel does not have (no IPv6)
  }
}

// "0100007F:15B3" -> "127.0.0.1:5555" (IPv4; IPv6 addresses stay in /proc's hex).
function inetAddress(hex: string): string {
  const [address, port] = hex.split(':');
  const ip = address.length === 8 ? (address.match(/../g) ?? []).map((byte) => parseInt(byte, 16)).reverse().join('.') : address;
  return `${ip}:${parseInt(port, 16)}`;
}

// Every socket of the namespace by inode.
function socketTable(): Map<string, SocketEntry> {
  const table = new Map<string, SocketEntry>();
  for (const kind of ['tcp', 'tcp6', 'udp', 'udp6']) {
    for (const row of readTable(kind)) {
      table.set(row[9], { kind, local: inetAddress(row[1]), remote: inetAddress(row[2]), state: kind.startsWith('tcp') ? TCP_STATES[row[3]] ?? row[3] : row[3] });
    }
  }
  for (const row of readTable('unix')) {
    // Num RefCount Protocol Flags Type St Inode [Path]; type 0001 stream, 0002 dgram, 0005 seqpacket
    table.set(row[6], { kind: 'unix', local: row[7] ?? '(unnamed)', remote: '', state: `type ${row[4]} state ${row[5]}` });
  }
  for (const row of readTable('netlink')) table.set(row[9], { kind: 'netlink', local: `protocol ${row[1]}`, remote: '', state: '' });
  return table;
}

// Which processes hold the socket `inode` ("pid 123 (node)").
function holdersOf(inode: string): string[] {
  const target = `socket:[${inode}]`;
  const holders: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === target;
        } catch {
          return false;
        }
      })) holders.push(`pid ${pid} (${fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()})`);
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return holders;
}

// The socket descriptors of pid, each with its /proc/net entry (none for a tcp socket bound but not
// listening: a standby, native/listeners.cc).
function socketsOf(pid: number, table: Map<string, SocketEntry>): { fd: string; inode: string; entry: SocketEntry | undefined }[] {
  const sockets = [];
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let link: string;
    try {
      link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed while read
    }
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode !== undefined) sockets.push({ fd, inode, entry: table.get(inode) });
  }
  return sockets;
}

// The local ports of pid's established tcp connections.
export function establishedPorts(pid: number): Set<string> {
  return new Set(socketsOf(pid, socketTable()).flatMap(({ entry }) =>
    entry?.kind.startsWith('tcp') && entry.state === 'ESTABLISHED' ? [entry.local.slice(entry.local.lastIndexOf(':') + 1)] : []));
}

// Each socket descriptor of pid, named: "fd 42: tcp 127.0.0.1:5555 to 127.0.0.1:40000 ESTABLISHED, peer pid 9
// (node)". For telling which socket a descriptor check found too many of.
export function describeSockets(pid: number): string[] {
  const table = socketTable();
  const byEnds = new Map([...table].filter(([, entry]) => entry.kind.startsWith('tcp')).map(([inode, entry]) => [`${entry.local}>${entry.remote}`, inode]));
  return socketsOf(pid, table).map(({ fd, inode, entry }) => {
    if (!entry) return `fd ${fd}: socket ${inode}, in no /proc/net table (a tcp socket bound but not listening?)`;
    const peerInode = entry.kind.startsWith('tcp') && entry.state !== 'LISTEN' ? byEnds.get(`${entry.remote}>${entry.local}`) : undefined;
    const peer = peerInode ? `, peer ${holdersOf(peerInode).join(', ') || 'not found'}` : '';
    return `fd ${fd}: ${entry.kind} ${entry.local}${entry.remote ? ` to ${entry.remote}` : ''} ${entry.state}${peer}`;
  });
}
