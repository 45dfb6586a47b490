// Real environments in a temp directory for the envs tests: venvs made by the pyenv and Debian Pythons
// (`--without-pip`, offline, ~100 ms each), conda-style layouts, and broken ones.
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

import { pyenvPython, systemPython } from '../helpers/pythons';

const run = promisify(execFile);

// The Pythons these tests use (test/helpers/pythons.ts finds them); a file gates its tests on the ones
// it needs with testNeeding(), so a missing one skips them and says so.
export const PYTHONS = {
  py37: pyenvPython('3.7'), py38: pyenvPython('3.8'), py311: pyenvPython('3.11'), py312: pyenvPython('3.12'),
  py313: pyenvPython('3.13'), debian311: systemPython('3.11'),
};
export const PY37 = PYTHONS.py37.executable;
export const PY38 = PYTHONS.py38.executable;
export const PY311 = PYTHONS.py311.executable;
export const PY312 = PYTHONS.py312.executable;
export const PY313 = PYTHONS.py313.executable;
export const DEBIAN311 = PYTHONS.debian311.executable;
export const PYENV311_PREFIX = PYTHONS.py311.prefix;
export const PYENV311_LIBPYTHON = `${PYENV311_PREFIX}/lib/libpython3.11.so.1.0`;

// A temp tree that also holds python-info's cache, so tests never write to the home directory.
export function tempTree(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pyswitch-${name}-`));
  process.env.XDG_CACHE_HOME = path.join(dir, '.cache');
  return dir;
}

export function removeTree(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export async function makeVenv(python: string, dir: string, ...flags: string[]): Promise<string> {
  await run(python, ['-m', 'venv', '--without-pip', ...flags, dir]);
  return dir;
}

// conda-meta/ plus bin/python linked to pyenv's 3.11 binary: Python follows the link to find its prefix,
// so this layout reports pyenv's installation as prefix and base_prefix.
export function makeLinkedConda(dir: string): string {
  fs.mkdirSync(path.join(dir, 'conda-meta'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.symlinkSync(`${PYENV311_PREFIX}/bin/python3.11`, path.join(dir, 'bin', 'python'));
  return dir;
}

// A conda layout closer to the real thing: its own copy of the binary (which still loads pyenv's
// libpython through its RUNPATH), its own lib/python3.11 (a link to pyenv's stdlib), and conda's record of
// the python package. Python finds the stdlib next to its binary, so prefix = base_prefix = the root.
export function makeCopiedConda(dir: string): string {
  fs.mkdirSync(path.join(dir, 'conda-meta'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'conda-meta', 'python-3.11.7-h955ad1f_0.json'), '{}');
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync(`${PYENV311_PREFIX}/bin/python3.11`, path.join(dir, 'bin', 'python3.11'));
  fs.chmodSync(path.join(dir, 'bin', 'python3.11'), 0o755);
  fs.symlinkSync('python3.11', path.join(dir, 'bin', 'python'));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.symlinkSync(`${PYENV311_PREFIX}/lib/python3.11`, path.join(dir, 'lib', 'python3.11'));
  return dir;
}

// A venv whose files do not say its version: its own copy of the interpreter as bin/python (a name
// without X.Y), no lib/pythonX.Y, and a pyvenv.cfg with `home` only. Discovery, which runs nothing it
// finds, lists it with version and compatible null; the interpreter itself finds its stdlib through
// `home`, so a switch to it works (preflight asks the interpreter).
export function makeUndatedVenv(python: string, dir: string): string {
  const real = fs.realpathSync(python);
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.copyFileSync(real, path.join(dir, 'bin', 'python'));
  fs.chmodSync(path.join(dir, 'bin', 'python'), 0o755);
  fs.writeFileSync(path.join(dir, 'pyvenv.cfg'), `home = ${path.dirname(real)}\ninclude-system-site-packages = false\n`);
  return dir;
}

// A venv whose base installation is gone: home names a missing directory, bin/python3 dangles.
export async function makeOrphanVenv(dir: string): Promise<string> {
  await makeVenv(PY311, dir);
  const gone = path.join(path.dirname(dir), 'removed-python', 'bin');
  editPyvenvCfg(dir, 'home', gone);
  fs.rmSync(path.join(dir, 'bin', 'python3'));
  fs.symlinkSync(path.join(gone, 'python3'), path.join(dir, 'bin', 'python3'));
  return dir;
}

export function editPyvenvCfg(dir: string, key: string, value: string): void {
  const file = path.join(dir, 'pyvenv.cfg');
  const text = fs.readFileSync(file, 'utf8').replace(new RegExp(`^${key} = .*$`, 'm'), `${key} = ${value}`);
  fs.writeFileSync(file, text);
}

export function makeShellScript(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\necho "not a python"\n', { mode: 0o755 });
  return file;
}

export interface PythonReport {
  prefix: string;
  exec_prefix: string;
  base_prefix: string;
  executable: string;
  sys_path: string[];
}

// What an interpreter itself reports, run the ordinary way (site enabled), without the -c script entry.
export function reportOf(executable: string): PythonReport {
  const env = { ...process.env };
  delete env.PYTHONHOME;
  delete env.PYTHONPATH;
  const out = execFileSync(executable, ['-c', 'import sys, json; print(json.dumps({"prefix": sys.prefix, ' +
    '"exec_prefix": sys.exec_prefix, "base_prefix": sys.base_prefix, "executable": sys.executable, ' +
    '"sys_path": sys.path[1:]}))'], { env, cwd: '/' });
  return JSON.parse(out.toString()) as PythonReport;
}

// sys.version as the interpreter itself reports it: tells two builds of one version number apart.
export function sysVersion(executable: string): string {
  return execFileSync(executable, ['-c', 'import sys; print(sys.version)'], { encoding: 'utf8' }).trim();
}
