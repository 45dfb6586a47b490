/// <reference types="jest" />
// preflight over real environments: the plan of each good target against what the target's own
// interpreter reports, and each failure found before anything live would be touched.
import * as fs from 'fs';
import * as path from 'path';

import { EnvError } from '../../kernel/envs/env-error';
import { PreflightRules, SwitchPlan, preflight } from '../../kernel/envs/preflight';
import { resolveTarget } from '../../kernel/envs/resolver';
import { testNeeding } from '../helpers/pythons';
import {
  DEBIAN311, PY311, PY312, PY313, PY37, PY38, PYENV311_LIBPYTHON, PYENV311_PREFIX, PYTHONS, editPyvenvCfg,
  makeCopiedConda, makeLinkedConda, makeVenv, removeTree, reportOf, tempTree,
} from './fixtures';

const test = testNeeding(PYTHONS.py37, PYTHONS.py38, PYTHONS.py311, PYTHONS.py312, PYTHONS.py313, PYTHONS.debian311);

let tree: string;
const at = (...parts: string[]): string => path.join(tree, ...parts);
const BASELINE_PATH = '/usr/local/bin:/usr/bin:/bin';
const RULES: PreflightRules = { majorMinor: '3.11', baselinePath: BASELINE_PATH, loadedLibpython: PYENV311_LIBPYTHON };

async function plan(input: string, rules: Partial<PreflightRules> = {}): Promise<SwitchPlan> {
  return preflight(await resolveTarget(input, { cwd: tree, system: PY311 }), { ...RULES, ...rules });
}

async function refusal(input: string): Promise<EnvError> {
  const error = await plan(input).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(EnvError);
  return error as EnvError;
}

// What the re-init is told must be what the interpreter itself would compute and show.
function expectMatchesInterpreter(result: SwitchPlan): void {
  const own = reportOf(result.executable);
  expect(result.env.base_prefix).toBe(own.base_prefix);
  expect(result.home.split(':')[0]).toBe(own.base_prefix);
  expect(own.sys_path.slice(0, result.moduleSearchPaths.length)).toEqual(result.moduleSearchPaths);
}

beforeAll(async () => {
  tree = tempTree('preflight');
  await Promise.all([
    makeVenv(PY311, at('v311')),
    makeVenv(PY311, at('v311-system'), '--system-site-packages'),
    makeVenv(PY312, at('v312')),
    makeVenv(DEBIAN311, at('debian')),
    makeVenv(PY37, at('v37')),
    makeVenv(PY38, at('v38')),
    makeVenv(PY313, at('v313')),
    makeVenv(PY311, at('home-gone')),
    makeVenv(PY311, at('mixed')),
  ]);
  fs.symlinkSync(at('v311'), at('link'));
  makeLinkedConda(at('conda-linked'));
  makeCopiedConda(at('conda-copied'));
  // The binary is still there, but the base installation pyvenv.cfg names is not.
  editPyvenvCfg(at('home-gone'), 'home', at('removed-python', 'bin'));
  // pyenv's binary and libpython over Debian's stdlib: Debian builds math, _struct, _socket into its
  // libpython, so they are missing here (docs/runtime-facts.md, fact 8).
  editPyvenvCfg(at('mixed'), 'home', '/usr/bin');
});

afterAll(() => removeTree(tree));

describe('good targets', () => {
  test('a 3.11 venv: everything the re-init needs', async () => {
    const result = await plan(at('v311'));
    expect(result).toEqual({
      env: { kind: 'venv', root: at('v311'), executable: at('v311', 'bin', 'python'), version: '3.11.7',
        base_prefix: PYENV311_PREFIX, include_system_site_packages: false },
      executable: at('v311', 'bin', 'python'),
      baseExecutable: `${PYENV311_PREFIX}/bin/python3.11`,
      home: PYENV311_PREFIX,
      moduleSearchPaths: [`${PYENV311_PREFIX}/lib/python311.zip`, `${PYENV311_PREFIX}/lib/python3.11`,
        `${PYENV311_PREFIX}/lib/python3.11/lib-dynload`],
      libpython: PYENV311_LIBPYTHON,
      sameLibpython: true,
      environ: { set: { VIRTUAL_ENV: at('v311'), PATH: `${at('v311', 'bin')}:${BASELINE_PATH}` },
        unset: ['PYTHONHOME', 'PYTHONPATH', 'CONDA_PREFIX'] },
    });
    expect(reportOf(result.executable)).toEqual({ prefix: at('v311'), exec_prefix: at('v311'), base_prefix: PYENV311_PREFIX,
      executable: at('v311', 'bin', 'python'),
      sys_path: [`${PYENV311_PREFIX}/lib/python311.zip`, `${PYENV311_PREFIX}/lib/python3.11`,
        `${PYENV311_PREFIX}/lib/python3.11/lib-dynload`, at('v311', 'lib', 'python3.11', 'site-packages')] });
    expectMatchesInterpreter(result);
  });

  test('--system-site-packages: site adds the base site-packages after the venv\'s', async () => {
    const result = await plan(at('v311-system'));
    expect(result.env.include_system_site_packages).toBe(true);
    expect(reportOf(result.executable).sys_path.slice(-2)).toEqual([at('v311-system', 'lib', 'python3.11', 'site-packages'),
      `${PYENV311_PREFIX}/lib/python3.11/site-packages`]);
    expectMatchesInterpreter(result);
  });

  test('a symlinked venv: the interpreter itself reports the symlinked prefix', async () => {
    const result = await plan(at('link'));
    expect(result.env).toMatchObject({ kind: 'venv', root: at('link'), executable: at('link', 'bin', 'python') });
    expect(reportOf(result.executable).prefix).toBe(at('link'));
    expect(result.environ.set).toEqual({ VIRTUAL_ENV: at('link'), PATH: `${at('link', 'bin')}:${BASELINE_PATH}` });
    expectMatchesInterpreter(result);
  });

  test('conda, bin/python linked into pyenv: prefix and paths are pyenv\'s', async () => {
    const result = await plan(at('conda-linked'));
    expect(result.env).toMatchObject({ kind: 'conda', root: at('conda-linked'), base_prefix: PYENV311_PREFIX });
    expect(result).toMatchObject({ home: PYENV311_PREFIX, sameLibpython: true });
    expect(reportOf(result.executable)).toMatchObject({ prefix: PYENV311_PREFIX, executable: at('conda-linked', 'bin', 'python') });
    expect(result.environ).toEqual({ set: { CONDA_PREFIX: at('conda-linked'),
      PATH: `${at('conda-linked', 'bin')}:${BASELINE_PATH}` }, unset: ['PYTHONHOME', 'PYTHONPATH', 'VIRTUAL_ENV'] });
    expectMatchesInterpreter(result);
  });

  test('conda with its own stdlib: it is its own prefix and home', async () => {
    const result = await plan(at('conda-copied'));
    expect(result).toMatchObject({ home: at('conda-copied'), sameLibpython: true,
      baseExecutable: at('conda-copied', 'bin', 'python'),
      moduleSearchPaths: [at('conda-copied', 'lib', 'python311.zip'), at('conda-copied', 'lib', 'python3.11'),
        at('conda-copied', 'lib', 'python3.11', 'lib-dynload')] });
    expect(reportOf(result.executable)).toMatchObject({ prefix: at('conda-copied'), base_prefix: at('conda-copied') });
    expectMatchesInterpreter(result);
  });

  test('the system interpreter: PATH is the baseline, no environment variables', async () => {
    const result = await plan('system');
    expect(result).toMatchObject({ env: { kind: 'system', root: PYENV311_PREFIX, executable: PY311 },
      home: PYENV311_PREFIX, baseExecutable: PY311, sameLibpython: true,
      environ: { set: { PATH: BASELINE_PATH }, unset: ['PYTHONHOME', 'PYTHONPATH', 'VIRTUAL_ENV', 'CONDA_PREFIX'] } });
    expectMatchesInterpreter(result);
  });

  test('a Debian-based venv passes, on another libpython (the switch decides: fact 8)', async () => {
    const result = await plan(at('debian'));
    expect(result).toMatchObject({ env: { version: '3.11.2', base_prefix: '/usr' }, home: '/usr',
      libpython: '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0', sameLibpython: false });
    expectMatchesInterpreter(result);
  });

  test('PATH is rebuilt from the baseline, never stacked', async () => {
    const first = await plan(at('v311'), { baselinePath: `${at('v311', 'bin')}:${BASELINE_PATH}` });
    expect(first.environ.set.PATH).toBe(`${at('v311', 'bin')}:${BASELINE_PATH}`);
    const again = await plan(at('v311'), { baselinePath: BASELINE_PATH });
    expect(again.environ.set.PATH).toBe(`${at('v311', 'bin')}:${BASELINE_PATH}`);
  });

  // Before 3.11 a venv's sys._base_executable is its own python; 3.7 has none.
  test.each([['3.7', 'v37', PYTHONS.py37, 'bin/python'], ['3.8', 'v38', PYTHONS.py38, 'bin/python'],
    ['3.13', 'v313', PYTHONS.py313, `${PYTHONS.py313.prefix}/bin/python3.13`]] as const)(
    'the probe runs on %s', async (majorMinor, venv, python, baseExecutable) => {
      const result = await plan(at(venv), { majorMinor, loadedLibpython: null });
      expect(result).toMatchObject({ env: { version: path.basename(python.prefix) }, home: python.prefix,
        baseExecutable: path.resolve(at(venv), baseExecutable), sameLibpython: false });
      expectMatchesInterpreter(result);
    });
});

describe('refusals', () => {
  test('another minor version, both versions named', async () => {
    const error = await refusal(at('v312'));
    expect(error.code).toBe('version_mismatch');
    expect(error.message).toMatch(/3\.12\.1.*3\.11/);
  });

  test('an installation root of another minor version', async () => {
    const root = path.dirname(path.dirname(PY312));
    const error = await refusal(root);
    expect(error.code).toBe('version_mismatch');
    expect(error.message).toMatch(/3\.12\.1.*3\.11/);
  });

  test('the base installation pyvenv.cfg names was removed', async () => {
    const error = await refusal(at('home-gone'));
    expect(error.code).toBe('broken_env');
    expect(error.message).toContain(at('removed-python', 'bin'));
  });

  test('a stdlib without math, _struct, _socket fails the probe, with the child\'s stderr', async () => {
    const error = await refusal(at('mixed'));
    expect(error.code).toBe('broken_env');
    expect(error.message).toContain("No module named 'math'");
  });
});
