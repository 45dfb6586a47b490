// The file-system access of the environment layer: asynchronous, at most a few operations at once, and
// only ever regular files and directories. A FIFO, a socket or a device is never opened
// (opening a FIFO blocks until a writer comes), and a file is opened non-blocking and checked again
// through its descriptor, so nothing swapped in between the check and the open can block either
// (docs/reliability-facts.md, fact 3). A
// hung mount can still hold an operation: the limits keep it from taking every thread of libuv's pool
// (which the rest of the kernel shares), and discover()'s deadline answers without it.
import { constants } from 'fs';
import * as fs from 'fs/promises';

import { Limiter } from '../common/limiter';

const MAX_SMALL_FILE_BYTES = 64 * 1024; // pyvenv.cfg, patchlevel.h: a few hundred bytes

export type EntryKind = 'file' | 'directory';

export interface Entry {
  name: string;
  kind: EntryKind | 'symlink'; // a symlink is resolved with statOf() by whoever follows it
}

// One pool of disk operations: at most `concurrency` at once.
export class DiskReader {
  private readonly limiter: Limiter;

  constructor(concurrency: number) {
    this.limiter = new Limiter(concurrency);
  }

  private limited<T>(operation: () => Promise<T>): Promise<T> {
    return this.limiter.run(operation);
  }

  // What a path is once symlinks are followed, with its identity; null for anything else or nothing.
  statOf(file: string): Promise<{ kind: EntryKind; id: string } | null> {
    return this.limited(async () => {
      try {
        const stat = await fs.stat(file);
        const kind = stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : null;
        return kind ? { kind, id: `${stat.dev}:${stat.ino}` } : null;
      } catch {
        return null;
      }
    });
  }

  async isFile(file: string): Promise<boolean> {
    return (await this.statOf(file))?.kind === 'file';
  }

  async isDirectory(file: string): Promise<boolean> {
    return (await this.statOf(file))?.kind === 'directory';
  }

  // Whether the name exists at all (a dangling link does): lstat.
  existsAsName(file: string): Promise<boolean> {
    return this.limited(() => fs.lstat(file).then(() => true, () => false));
  }

  async isSymlink(file: string): Promise<boolean> {
    return this.limited(() => fs.lstat(file).then((stat) => stat.isSymbolicLink(), () => false));
  }

  readLink(file: string): Promise<string | null> {
    return this.limited(() => fs.readlink(file).catch(() => null));
  }

  realPath(file: string): Promise<string | null> {
    return this.limited(() => fs.realpath(file).catch(() => null));
  }

  // The regular files, directories and symlinks of a directory; [] when it cannot be read.
  listDirectory(dir: string): Promise<Entry[]> {
    return this.limited(async () => {
      try {
        const entries = await fs.readdir(dir, { withFileTypes: true });
        const kept: Entry[] = [];
        for (const entry of entries) {
          const kind = entry.isFile() ? 'file' : entry.isDirectory() ? 'directory' : entry.isSymbolicLink() ? 'symlink' : null;
          if (kind) kept.push({ name: entry.name, kind });
        }
        return kept;
      } catch {
        return [];
      }
    });
  }

  // The text of a small regular file; null when it is anything else, missing, or larger than the bound.
  readSmallFile(file: string): Promise<string | null> {
    return this.limited(async () => {
      let handle: fs.FileHandle | undefined;
      try {
        handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
        const stat = await handle.stat();
        if (!stat.isFile() || stat.size > MAX_SMALL_FILE_BYTES) return null;
        const buffer = Buffer.alloc(stat.size);
        const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
        return buffer.subarray(0, bytesRead).toString('utf8');
      } catch {
        return null;
      } finally {
        await handle?.close().catch(() => undefined);
      }
    });
  }
}

// libuv's pool has 4 threads, which the whole kernel shares. Discovery walks whatever it is pointed at and
// takes at most 2 of them; resolving a switch target has 2 of its own, so a discovery held by a hung
// mount does not hold up a switch.
export const discoveryDisk = new DiskReader(2);
export const targetDisk = new DiskReader(2);
