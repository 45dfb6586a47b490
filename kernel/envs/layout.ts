// Where things are in an environment on disk: the markers that make a directory an environment, the
// interpreter inside one, and the standard-library landmark of a base installation.
import * as fs from 'fs';
import * as path from 'path';

import { PYVENV_CFG } from './pyvenv-cfg';

export type EnvDirKind = 'venv' | 'conda';

export const CONDA_META = 'conda-meta';

// Interpreter names inside an environment, in the order we pick them (Scripts/ is the Windows layout).
const INTERPRETERS = ['bin/python', 'bin/python3', 'Scripts/python.exe'];
const BIN_DIRS = new Set(['bin', 'Scripts']);
const INTERPRETER_NAME = /^python(\d+(\.\d+)?)?(\.exe)?$/;

export function looksLikeInterpreter(file: string): boolean {
  return INTERPRETER_NAME.test(path.basename(file));
}

function isFile(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDir(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

// pyvenv.cfg wins over conda-meta: a venv made from a conda Python is a venv.
export function envKindOf(dir: string): EnvDirKind | null {
  if (isFile(path.join(dir, PYVENV_CFG))) return 'venv';
  if (isDir(path.join(dir, CONDA_META))) return 'conda';
  return null;
}

// The same decision from a directory listing, for the walk of discover() (no extra stat per directory).
export function envKindOfListing(entries: fs.Dirent[]): EnvDirKind | null {
  if (entries.some((e) => e.name === PYVENV_CFG && !e.isDirectory())) return 'venv';
  if (entries.some((e) => e.name === CONDA_META && (e.isDirectory() || e.isSymbolicLink()))) return 'conda';
  return null;
}

// The environment an interpreter file belongs to: <root>/bin/python* (or Scripts/) under a marked root.
export function envOfInterpreter(file: string): { root: string; kind: EnvDirKind } | null {
  const binDir = path.dirname(file);
  if (!BIN_DIRS.has(path.basename(binDir))) return null;
  const root = path.dirname(binDir);
  const kind = envKindOf(root);
  return kind ? { root, kind } : null;
}

// The environment's interpreter as a path that exists as a name (lstat): it may still be a dangling link,
// which the caller reports as a broken environment rather than a missing one.
export function interpreterOf(root: string): string | null {
  for (const relative of INTERPRETERS) {
    const candidate = path.join(root, relative);
    if (fs.lstatSync(candidate, { throwIfNoEntry: false })) return candidate;
  }
  return null;
}

export function stdlibLandmark(prefix: string, majorMinor: string): string {
  return path.join(prefix, 'lib', `python${majorMinor}`, 'os.py');
}

export function hasStdlib(prefix: string, majorMinor: string): boolean {
  return isFile(stdlibLandmark(prefix, majorMinor));
}

// The base installation whose interpreter lives in `binDir`, found as CPython's getpath finds a prefix:
// the first ancestor holding lib/pythonX.Y/os.py. Null when there is none.
export function prefixAbove(binDir: string, majorMinor: string): string | null {
  for (let dir = binDir; ; dir = path.dirname(dir)) {
    if (hasStdlib(dir, majorMinor)) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}
