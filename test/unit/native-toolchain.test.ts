/// <reference types="jest" />
// What a build from source needs, and the error when neither a prebuilt addon nor a build serves: each
// missing piece is named with what installs it. The CLI's `--version` and `build` run as a user would.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { PACKAGE_ROOT, PREBUILDS_DIR, SUPPORTED_MINORS, hasNativeAddons } from '../../kernel/interpreter/native-build';
import { loadNativeAddon, missingBuildTools, noNativeAddonError } from '../../kernel/interpreter/native-toolchain';
import { PythonInfo } from '../../kernel/interpreter/python-info';
import { pyenvPython, systemPython } from '../helpers/pythons';

const ENTRY = path.join(PACKAGE_ROOT, 'bin', 'pyswitch.js');
let dir: string;
const savedPath = process.env.PATH;
const savedCxx = process.env.CXX;

function python(overrides: Partial<PythonInfo> = {}): PythonInfo {
  const include = path.join(dir, 'include');
  return {
    executable: '/opt/py/bin/python3', sysExecutable: '/opt/py/bin/python3', version: '3.14.0', majorMinor: '3.14',
    prefix: '/opt/py', basePrefix: '/opt/py', includeDir: include, libpython: '/opt/py/lib/libpython3.14.so.1.0',
    baseExecutable: null, execPrefix: '/opt/py', preSite: { path: [], base_prefix: '/opt/py', base_exec_prefix: '/opt/py' }, sysPath: [],
    ...overrides,
  };
}

function tool(name: string): void {
  const file = path.join(dir, 'bin', name);
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ENTRY, ...args], { env, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-toolchain-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'include'));
  process.env.PATH = path.join(dir, 'bin');
  delete process.env.CXX;
});

afterEach(() => {
  process.env.PATH = savedPath;
  if (savedCxx === undefined) delete process.env.CXX;
  else process.env.CXX = savedCxx;
  fs.rmSync(dir, { recursive: true, force: true });
});

test('with no toolchain on PATH, every missing tool is named with its package', () => {
  const missing = missingBuildTools(python()).join('\n');
  expect(missing).toContain('cmake (apt-get install cmake)');
  expect(missing).toContain('a C++17 compiler (apt-get install g++)');
  expect(missing).toContain('make or ninja (apt-get install make)');
  expect(missing).toContain('apt-get install python3.14-dev');
});

test('what is there is not asked for: tools on PATH, headers, and the npm build tools of a clone', () => {
  for (const name of ['cmake', 'g++', 'ninja']) tool(name);
  fs.writeFileSync(path.join(dir, 'include', 'Python.h'), '');
  // In a clone, cmake-js and node-addon-api are installed devDependencies.
  expect(missingBuildTools(python())).toEqual([]);
});

test('$CXX names the compiler when set', () => {
  for (const name of ['cmake', 'make']) tool(name);
  fs.writeFileSync(path.join(dir, 'include', 'Python.h'), '');
  process.env.CXX = 'clang++-17';
  expect(missingBuildTools(python())).toEqual(['a C++17 compiler (apt-get install g++)']);
  tool('clang++-17');
  expect(missingBuildTools(python())).toEqual([]);
});

test('a Python outside 3.7-3.13 is told the supported range, and how a build would go', () => {
  const message = noNativeAddonError(python()).message;
  expect(message).toContain('no native addon for Python 3.14.0 (/opt/py/bin/python3)');
  expect(message).toContain(`pyswitch build --python /opt/py/bin/python3`);
  expect(message).toContain('cmake (apt-get install cmake)');
  // A clone has prebuilt addons only once `npm pack` has made them.
  expect(message).toContain(fs.existsSync(PREBUILDS_DIR) ? 'pyswitch supports Python 3.7 to 3.13'
    : 'this copy of pyswitch has no prebuilt addons');
});

test('an addon the dynamic linker refuses (a prebuilt one on too old a glibc) says how to get one that loads', () => {
  const broken = path.join(dir, 'pyswitch_python.node');
  fs.writeFileSync(broken, 'not an ELF file');
  expect(() => loadNativeAddon(python(), broken)).toThrow(
    new RegExp(`the native addon ${broken} does not load here \\(.*\\); building them with \`pyswitch build --python /opt/py/bin/python3\` needs`));
  // A missing file is not a linker failure, and keeps its own error.
  expect(() => loadNativeAddon(python(), path.join(dir, 'none.node'))).toThrow(/Cannot find module/);
});

test('pyswitch --version names the package version and the minors that have addons here', async () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  const ready = SUPPORTED_MINORS.filter((minor) => hasNativeAddons(minor));
  const { code, stdout } = await cli(['--version'], { ...process.env, PATH: savedPath });
  expect(code).toBe(0);
  expect(stdout).toContain(`pyswitch ${version}`);
  expect(stdout).toContain(`native addons for Python ${ready.join(', ')}`);
});

// Any Python with a shared libpython serves: the build stops at its checks, before cmake would run.
const A_PYTHON = [pyenvPython('3.11'), systemPython('3.11')].find((python) => python.found)?.executable;

(A_PYTHON ? test : test.skip)('pyswitch build with no toolchain fails before running anything, saying what to install', async () => {
  const { code, stderr } = await cli(['build', '--python', A_PYTHON as string],
    { ...process.env, PATH: path.join(dir, 'bin'), XDG_CACHE_HOME: path.join(dir, 'cache') });
  expect(code).toBe(1);
  expect(stderr).toMatch(/building the native addons for Python 3\.\d+ needs:/);
  expect(stderr).toContain('cmake (apt-get install cmake)');
  expect(stderr).toContain('make or ninja');
});
