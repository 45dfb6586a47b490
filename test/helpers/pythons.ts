/// <reference types="jest" />
// The Pythons the tests run on, found where they are installed rather than named by hard-coded paths:
// pyenv's builds ($PYENV_ROOT, else ~/.pyenv) and the distribution's (/usr/bin/pythonX.Y). A test file
// that needs one that is missing skips, and each skipped test's name says what is missing.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { buildCommandFor, nativeAddonPath } from '../../kernel/interpreter/native-build';

export const PYENV_ROOT = process.env.PYENV_ROOT || path.join(os.homedir(), '.pyenv');

// Something a test file needs from the machine, and whether it is there.
export interface Need {
  what: string; // "pyenv 3.11", "the system's python3.11", ...
  found: boolean;
}

// A Python a test may need, and where it is.
export interface Python extends Need {
  executable: string; // bin/python3, or '' when missing
  prefix: string; // its installation's prefix, or '' when missing
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// The newest pyenv build of `minor` ("3.11": 3.11.7 when that is the newest 3.11.x installed).
export function pyenvPython(minor: string): Python {
  const versions = path.join(PYENV_ROOT, 'versions');
  const pattern = new RegExp(`^${minor.replace('.', '\\.')}\\.\\d+$`);
  const found = (fs.existsSync(versions) ? fs.readdirSync(versions) : [])
    .filter((name) => pattern.test(name) && isExecutable(path.join(versions, name, 'bin', 'python3')))
    .sort(compareVersions)
    .pop();
  const prefix = found ? path.join(versions, found) : '';
  return { what: `pyenv ${minor}`, found: !!found, executable: found ? path.join(prefix, 'bin', 'python3') : '', prefix };
}

// The distribution's build of `minor` (Debian's /usr/bin/python3.11).
export function systemPython(minor: string): Python {
  const executable = `/usr/bin/python${minor}`;
  const here = isExecutable(executable);
  return { what: `the system's python${minor}`, found: here, executable: here ? executable : '', prefix: here ? '/usr' : '' };
}

// The kernel's native build for `python`'s major.minor, which `npm install` makes only for the default
// Python: tests never build it themselves.
export function nativeBuildFor(python: Python, minor: string): Need {
  return {
    what: `the native build for Python ${minor} (\`${buildCommandFor(python.executable || `<python${minor}>`)}\`)`,
    found: fs.existsSync(nativeAddonPath(minor, 'pyswitch_python')),
  };
}

// What is missing of `needs`, in words; null when every one is there.
export function missing(...needs: Need[]): string | null {
  const absent = needs.filter((need) => !need.found).map((need) => need.what);
  if (absent.length === 0) return null;
  return `needs ${absent.join(' and ')}, ${absent.length > 1 ? 'which are' : 'which is'} missing (pyenv's Pythons are looked for under ${PYENV_ROOT})`;
}

// `test` for a file whose tests need `needs`: jest's own when they are all there, else one that skips
// every test and names what is missing. Hooks of a file whose tests are all skipped do not run.
export function testNeeding(...needs: Need[]): jest.It {
  const reason = missing(...needs);
  if (reason === null) return test;
  // Jest lists no names of a file whose tests are all skipped: the reason goes to the output too.
  process.stderr.write(`${path.relative(process.cwd(), expect.getState().testPath ?? '')}: skipped, ${reason}\n`);
  const label = (name: string): string => `${name} [skipped: ${reason}]`;
  const skip = (name: string, fn?: jest.ProvidesCallback, timeout?: number): void => test.skip(label(name), fn, timeout);
  const each = (table: readonly unknown[]) => (name: string, fn: (...args: never[]) => unknown, timeout?: number): void =>
    test.skip.each(table as unknown[][])(label(name), fn as (...args: unknown[]) => unknown, timeout);
  return Object.assign(skip, { skip: test.skip, todo: test.todo, only: skip, failing: skip, concurrent: skip, each }) as unknown as jest.It;
}
