// The comm's `discover`: a breadth-first walk under some roots that finds venvs (pyvenv.cfg) and conda
// environments (conda-meta), bounded in depth, time and concurrent disk operations (disk-reader.ts), safe
// against symlink loops, and describing each environment from its files alone (read-env.ts): nothing
// found is ever run. Real directories are walked before symlinked ones, so an environment reached both
// ways is listed by its real path; one reached only through a link keeps the linked path.
import * as path from 'path';

import { Entry, discoveryDisk as disk } from './disk-reader';
import { CONDA_META, EnvDirKind } from './layout';
import { PYVENV_CFG } from './pyvenv-cfg';
import type { DiscoveredEnv } from '../protocol/env-messages';
import { readEnv } from './read-env';
import { expandPath } from './user-path';

export type { DiscoveredEnv } from '../protocol/env-messages';

export interface DiscoverOptions {
  depth?: number; // directory levels below each root, DEFAULT_DEPTH unless given, at most MAX_DEPTH
  timeoutMs?: number; // the walk stops and reports what it found by then
  majorMinor: string; // the kernel's: decides `compatible`
  cwd: string; // what relative roots are relative to
}

export const DEFAULT_DEPTH = 5;
export const MAX_DEPTH = 10;
const DEFAULT_TIMEOUT_MS = 5000;
const MAX_ENVS = 1000; // a reply stays a reasonable message
// Never hold environments, and can be huge.
const SKIP = new Set(['node_modules', '.git', '__pycache__', 'site-packages']);
// Inside a conda installation, environments live here.
const CONDA_ENVS = 'envs';

interface Dir {
  path: string;
  level: number;
  linked: boolean; // reached through a symlink
}

// pyvenv.cfg wins over conda-meta: a venv made from a conda Python is a venv.
function envKindOf(entries: Entry[]): EnvDirKind | null {
  if (entries.some((e) => e.name === PYVENV_CFG && e.kind !== 'directory')) return 'venv';
  if (entries.some((e) => e.name === CONDA_META && e.kind !== 'file')) return 'conda';
  return null;
}

interface Child extends Dir {
  id: string;
}

class Walk {
  private readonly seen = new Set<string>(); // dev:ino of every directory walked: no loops, no env twice
  readonly found: Promise<DiscoveredEnv | null>[] = [];
  stopped = false;

  constructor(private readonly depth: number, private readonly majorMinor: string) {}

  // Level by level, the real directories first; then, from the symlinks met on the way, what they lead
  // to that was not walked yet.
  async run(roots: Dir[]): Promise<void> {
    const links: Child[] = [];
    let level = this.unseen(await this.identify(roots));
    while (level.length > 0 && !this.stopped) {
      const children = (await Promise.all(level.map((dir) => this.visit(dir)))).flat();
      links.push(...children.filter((c) => c.linked));
      level = this.unseen(children.filter((c) => !c.linked));
    }
    level = this.unseen(links);
    while (level.length > 0 && !this.stopped) level = this.unseen((await Promise.all(level.map((dir) => this.visit(dir)))).flat());
  }

  private async identify(dirs: Dir[]): Promise<Child[]> {
    const stats = await Promise.all(dirs.map((dir) => disk.statOf(dir.path)));
    return dirs.flatMap((dir, i) => {
      const stat = stats[i];
      return stat?.kind === 'directory' ? [{ ...dir, id: stat.id }] : [];
    });
  }

  // In order, the directories not walked yet, now marked as walked.
  private unseen(dirs: Child[]): Child[] {
    return dirs.filter((dir) => !this.seen.has(dir.id) && this.seen.add(dir.id) !== undefined);
  }

  // Lists one directory: notes the environment it is, and returns the subdirectories to walk.
  private async visit(dir: Dir): Promise<Child[]> {
    if (this.stopped) return [];
    const entries = await disk.listDirectory(dir.path);
    const kind = envKindOf(entries);
    if (kind && this.found.length < MAX_ENVS) this.found.push(readEnv(dir.path, kind, this.majorMinor).catch(() => null));
    // A recognised environment is not walked into, except a conda installation's envs/.
    if (kind === 'venv' || dir.level >= this.depth) return [];
    const walked = entries.filter((e) => e.kind !== 'file' && !SKIP.has(e.name) && (kind !== 'conda' || e.name === CONDA_ENVS))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    return this.identify(walked.map((entry) => ({
      path: path.join(dir.path, entry.name), level: dir.level + 1, linked: dir.linked || entry.kind === 'symlink',
    })));
  }
}

export async function discover(roots: string[], opts: DiscoverOptions): Promise<DiscoveredEnv[]> {
  const depth = Math.max(0, Math.min(opts.depth ?? DEFAULT_DEPTH, MAX_DEPTH));
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  });
  const walk = new Walk(depth, opts.majorMinor);
  const walked = walk.run(roots.map((root) => ({ path: expandPath(root, opts.cwd), level: 0, linked: false })));
  walked.catch(() => undefined); // past the deadline nobody waits for it
  await Promise.race([walked, expired]);
  walk.stopped = true;
  const described = await Promise.all(walk.found.map((env) => Promise.race([env, expired.then(() => null)])));
  clearTimeout(timer);
  return described.filter((env): env is DiscoveredEnv => env !== null);
}
