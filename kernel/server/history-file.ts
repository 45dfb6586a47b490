// The history file, so a restarted kernel still has its inputs: JSON lines shared by every pyswitch
// kernel of the user, $PYSWITCH_HISTORY_FILE or <Jupyter data dir>/pyswitch/history.jsonl.
//   {"session":3}                          session 3 began (reserves the number before any input)
//   {"session":3,"line":7,"input":"x = 1"}  an input of session 3
// Each kernel process is a new session. Numbers are handed out under a lock file, so kernels that
// start together never share one; inputs are appended without it (one O_APPEND write per line).
// The file is bounded: past MAX_BYTES (at a kernel's start, or as a long session appends) it is rewritten
// with the newest KEEP_BYTES of inputs. Lines a concurrent kernel appends during that rewrite
// (milliseconds, rare) can be lost.
import * as fs from 'fs';
import * as path from 'path';
import { userDataDir } from '../common/jupyter-paths';
import { log } from '../common/log';

export type StoredInput = [session: number, line: number, input: string];

const MAX_BYTES = 4 * 1024 * 1024;
const KEEP_BYTES = 2 * 1024 * 1024;
const TAIL_BYTES = 64 * 1024; // where the newest session's number is looked for first
const LOCK_RETRY_MS = 10;
const LOCK_WAIT_MS = 2000;
const LOCK_STALE_MS = 10_000; // a kernel holds the lock for milliseconds; older means it died holding it

// What a session keeps of its own inputs in memory: as much as the file keeps at most. Past sessions stay
// in the file, read when a history_request asks (docs/performance.md, "Past sessions stay on disk").
export const MEMORY_BYTES = MAX_BYTES;

export function historyFilePath(): string {
  return process.env.PYSWITCH_HISTORY_FILE || path.join(userDataDir(), 'pyswitch', 'history.jsonl');
}

export interface OpenedHistory {
  session: number;
  file: HistoryFile | null; // null: the file cannot be used, history stays in memory
}

export class HistoryFile {
  private failed = false;
  private compacting = false;

  // `bytes`: the file's size as this kernel knows it (what it read, and what it appended since).
  private constructor(private readonly file: string, private bytes: number) {}

  // Never rejects: a history file that cannot be read or written costs persistence, not the kernel.
  static async open(file: string): Promise<OpenedHistory> {
    try {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      const release = await lock(`${file}.lock`);
      try {
        const bytes = await sizeIfExists(file);
        let lastSession: number;
        let kept = bytes;
        if (bytes > MAX_BYTES) {
          const parsed = parse(await readIfExists(file));
          lastSession = parsed.lastSession;
          kept = await rewrite(file, newest(parsed.past, KEEP_BYTES), lastSession);
        } else {
          lastSession = await lastSessionOf(file, bytes);
        }
        const session = lastSession + 1;
        const opening = `${JSON.stringify({ session })}\n`;
        await fs.promises.appendFile(file, opening);
        return { session, file: new HistoryFile(file, kept + opening.length) };
      } finally {
        await release();
      }
    } catch (error) {
      log(`history stays in memory: ${file}: ${String(error)}`);
      return { session: 1, file: null };
    }
  }

  // Every stored input, ordered by session and line; none when the file cannot be read now.
  async read(): Promise<StoredInput[]> {
    try {
      return parse(await readIfExists(this.file)).past;
    } catch (error) {
      log(`history: ${this.file} could not be read: ${String(error)}`);
      return [];
    }
  }

  // Synchronous: the input is on disk before its cell runs, even if the kernel is killed during it.
  append([session, line, input]: StoredInput): void {
    if (this.failed) return;
    const text = `${JSON.stringify({ session, line, input })}\n`;
    try {
      fs.appendFileSync(this.file, text);
    } catch (error) {
      this.failed = true;
      log(`history is no longer saved: ${this.file}: ${String(error)}`);
      return;
    }
    this.bytes += Buffer.byteLength(text);
    if (this.bytes > MAX_BYTES && !this.compacting) void this.compact();
  }

  // Within a long session too: what this kernel and the others sharing the file wrote, cut to the newest.
  private async compact(): Promise<void> {
    this.compacting = true;
    try {
      const release = await lock(`${this.file}.lock`);
      try {
        const { past, lastSession } = parse(await readIfExists(this.file));
        this.bytes = await rewrite(this.file, newest(past, KEEP_BYTES), lastSession);
      } finally {
        await release();
      }
    } catch (error) {
      log(`history: ${this.file} could not be cut to its newest inputs: ${String(error)}`);
    } finally {
      this.compacting = false;
    }
  }
}

async function sizeIfExists(file: string): Promise<number> {
  try {
    return (await fs.promises.stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

async function readIfExists(file: string): Promise<string> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

// The highest session number the file has handed out, from its end: sessions are numbered under the
// lock and their opening lines appended in order, so the last opening line holds it (lines of older
// sessions may follow). Reading the whole file for it left its few MB in the heap of every kernel.
async function lastSessionOf(file: string, bytes: number): Promise<number> {
  if (bytes === 0) return 0;
  const handle = await fs.promises.open(file, 'r');
  try {
    for (let window = TAIL_BYTES; ; window *= 4) {
      const start = Math.max(0, bytes - window);
      const chunk = Buffer.alloc(bytes - start);
      await handle.read(chunk, 0, chunk.length, start);
      // A window that starts inside a line drops that line: its number may be cut.
      const text = chunk.toString('utf8').slice(start === 0 ? 0 : chunk.indexOf(0x0a) + 1);
      let last = 0;
      let opened = false;
      for (const match of text.matchAll(/^\{\s*"session"\s*:\s*(\d+)\s*(\}?)/gm)) {
        last = Math.max(last, Number(match[1]));
        opened ||= match[2] === '}';
      }
      if (opened || start === 0) return last;
    }
  } finally {
    await handle.close();
  }
}

// Lines that are not what this module writes (a torn write, another program) are skipped.
function parse(text: string): { past: StoredInput[]; lastSession: number; bytes: number } {
  const past: StoredInput[] = [];
  let lastSession = 0;
  for (const line of text.split('\n')) {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof record !== 'object' || record === null) continue;
    const { session, line: number, input } = record as Record<string, unknown>;
    if (!Number.isInteger(session)) continue;
    lastSession = Math.max(lastSession, session as number);
    if (Number.isInteger(number) && typeof input === 'string') past.push([session as number, number as number, input]);
  }
  past.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { past, lastSession, bytes: Buffer.byteLength(text) };
}

function newest(past: StoredInput[], budget: number): StoredInput[] {
  let start = past.length;
  for (let used = 0; start > 0; start -= 1) {
    used += Buffer.byteLength(past[start - 1][2]) + 40;
    if (used > budget) break;
  }
  return past.slice(start);
}

// Written aside and renamed over, so a crash leaves the old file or the new one, never half of one.
// Returns the new file's size.
async function rewrite(file: string, kept: StoredInput[], lastSession: number): Promise<number> {
  const lines = [{ session: lastSession }, ...kept.map(([session, line, input]) => ({ session, line, input }))];
  const temporary = `${file}.${process.pid}.tmp`;
  const text = lines.map((record) => `${JSON.stringify(record)}\n`).join('');
  await fs.promises.writeFile(temporary, text);
  await fs.promises.rename(temporary, file);
  return Buffer.byteLength(text);
}

// An exclusive-create lock file. Waits up to LOCK_WAIT_MS, then goes on without it: numbering may then
// clash with a kernel starting at the same moment, which beats a kernel that does not start.
async function lock(lockFile: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await (await fs.promises.open(lockFile, 'wx')).close();
      return () => fs.promises.rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockFile)) await fs.promises.rm(lockFile, { force: true });
    else if (Date.now() > deadline) {
      log(`history: ${lockFile} is held; numbering this session without it`);
      return () => Promise.resolve();
    } else await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}

async function isStale(lockFile: string): Promise<boolean> {
  try {
    return Date.now() - (await fs.promises.stat(lockFile)).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false; // released meanwhile: the next attempt takes it
  }
}
