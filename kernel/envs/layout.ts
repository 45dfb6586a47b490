// Where things are in an environment on disk: the markers that make a directory an environment, the
// interpreter inside one, and the standard-library landmark of a base installation. Every look goes
// through a DiskReader (asynchronous, bounded, never opening what is not a regular file).
import * as path from 'path';

import { DiskReader } from './disk-reader';
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

// pyvenv.cfg wins over conda-meta: a venv made from a conda Python is a venv.
export async function envKindOf(disk: DiskReader, dir: string): Promise<EnvDirKind | null> {
  if (await disk.isFile(path.join(dir, PYVENV_CFG))) return 'venv';
  if (await disk.isDirectory(path.join(dir, CONDA_META))) return 'conda';
  return null;
}

// The environment an interpreter file belongs to: <root>/bin/python* (or Scripts/) under a marked root.
export async function envOfInterpreter(disk: DiskReader, file: string): Promise<{ root: string; kind: EnvDirKind } | null> {
  const binDir = path.dirname(file);
  if (!BIN_DIRS.has(path.basename(binDir))) return null;
  const root = path.dirname(binDir);
  const kind = await envKindOf(disk, root);
  return kind ? { root, kind } : null;
}

// The environment's interpreter as a path that exists as a name (lstat): it may still be a dangling link,
// which the caller reports as a broken environment rather than a missing one.
export async function interpreterOf(disk: DiskReader, root: string): Promise<string | null> {
  for (const relative of INTERPRETERS) {
    const candidate = path.join(root, relative);
    if (await disk.existsAsName(candidate)) return candidate;
  }
  return null;
}

export function stdlibLandmark(prefix: string, majorMinor: string): string {
  return path.join(prefix, 'lib', `python${majorMinor}`, 'os.py');
}

export function hasStdlib(disk: DiskReader, prefix: string, majorMinor: string): Promise<boolean> {
  return disk.isFile(stdlibLandmark(prefix, majorMinor));
}

// The base installation whose interpreter lives in `binDir`, found as CPython's getpath finds a prefix:
// the first ancestor holding lib/pythonX.Y/os.py. Null when there is none.
export async function prefixAbove(disk: DiskReader, binDir: string, majorMinor: string): Promise<string | null> {
  for (let dir = binDir; ; dir = path.dirname(dir)) {
    if (await hasStdlib(disk, dir, majorMinor)) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

// conda records each installed package as conda-meta/<name>-<version>-<build>.json.
export async function condaPythonVersion(disk: DiskReader, root: string): Promise<string | null> {
  for (const entry of await disk.listDirectory(path.join(root, CONDA_META))) {
    const match = /^python-(\d+\.\d+\.\d+)-.*\.json$/.exec(entry.name);
    if (match && entry.kind !== 'directory') return match[1];
  }
  return null;
}
