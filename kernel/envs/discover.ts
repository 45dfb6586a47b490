// The comm's `discover`: a breadth-first walk under some roots that finds venvs (pyvenv.cfg) and conda
// environments (conda-meta), bounded in depth and in time, safe against symlink loops, and describing each
// environment as a switch to it would.
import * as fs from 'fs';
import * as path from 'path';

import { EnvInfo, majorMinorOf } from './env-info';
import { EnvDirKind, envKindOfListing } from './layout';
import { resolveEnvDir } from './resolver';
import { expandPath } from './user-path';

export type DiscoveredEnv = EnvInfo & { compatible: boolean };

export interface DiscoverOptions {
  depth?: number; // directory levels below each root, DEFAULT_DEPTH unless given, at most MAX_DEPTH
  timeoutMs?: number; // the walk stops and reports what it found by then
  majorMinor: string; // the kernel's: decides `compatible`
  cwd: string; // what relative roots are relative to
}

export const DEFAULT_DEPTH = 5;
export const MAX_DEPTH = 10;
const DEFAULT_TIMEOUT_MS = 5000;
const CONCURRENCY = 16; // directories read at once: keeps the libuv pool available to the rest of the kernel
// Never hold environments, and can be huge.
const SKIP = new Set(['node_modules', '.git', '__pycache__', 'site-packages']);
// Inside a conda installation, environments live here.
const CONDA_ENVS = 'envs';

interface Dir {
  path: string;
  level: number;
}

interface Listing {
  kind: EnvDirKind | null;
  children: { path: string; id: string }[]; // subdirectories to walk, with their dev:ino
}

async function directoryId(dir: string): Promise<string | null> {
  try {
    const stat = await fs.promises.stat(dir); // follows symlinks: a symlinked venv is found by its link
    return stat.isDirectory() ? `${stat.dev}:${stat.ino}` : null;
  } catch {
    return null;
  }
}

async function list(dir: Dir, depth: number): Promise<Listing> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir.path, { withFileTypes: true });
  } catch {
    return { kind: null, children: [] }; // unreadable or gone: skipped
  }
  const kind = envKindOfListing(entries);
  const names = entries.filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !SKIP.has(e.name))
    .map((e) => e.name).sort();
  // A recognised environment is not walked into, except a conda installation's envs/.
  const walked = kind === 'venv' || dir.level >= depth ? []
    : kind === 'conda' ? names.filter((name) => name === CONDA_ENVS) : names;
  const children = await Promise.all(walked.map(async (name) => {
    const child = path.join(dir.path, name);
    const id = await directoryId(child);
    return id ? { path: child, id } : null;
  }));
  return { kind, children: children.filter((c): c is { path: string; id: string } => c !== null) };
}

async function describe(root: string, kind: EnvDirKind, majorMinor: string): Promise<DiscoveredEnv | null> {
  try {
    const { env } = await resolveEnvDir(root, kind);
    return { ...env, compatible: majorMinorOf(env.version) === majorMinor };
  } catch {
    return null; // a broken environment is not offered (a switch to it would fail with broken_env)
  }
}

export async function discover(roots: string[], opts: DiscoverOptions): Promise<DiscoveredEnv[]> {
  const depth = Math.max(0, Math.min(opts.depth ?? DEFAULT_DEPTH, MAX_DEPTH));
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  });
  const seen = new Set<string>(); // dev:ino of every directory queued: no loops, no env found twice
  const found: Promise<DiscoveredEnv | null>[] = [];
  let level: Dir[] = [];
  for (const root of roots) {
    const dir = expandPath(root, opts.cwd);
    const id = await directoryId(dir);
    if (id && !seen.has(id)) {
      seen.add(id);
      level.push({ path: dir, level: 0 });
    }
  }
  walk: while (level.length > 0) {
    const next: Dir[] = [];
    for (let i = 0; i < level.length; i += CONCURRENCY) {
      const chunk = level.slice(i, i + CONCURRENCY);
      const listings = await Promise.race([Promise.all(chunk.map((dir) => list(dir, depth))), expired]);
      if (listings === 'expired') break walk;
      listings.forEach((listing, j) => {
        if (listing.kind) found.push(describe(chunk[j].path, listing.kind, opts.majorMinor));
        for (const child of listing.children) {
          if (seen.has(child.id)) continue;
          seen.add(child.id);
          next.push({ path: child.path, level: chunk[j].level + 1 });
        }
      });
    }
    level = next;
  }
  const described = await Promise.all(found.map((env) => Promise.race([env, expired.then(() => null)])));
  clearTimeout(timer);
  return described.filter((env): env is DiscoveredEnv => env !== null);
}
