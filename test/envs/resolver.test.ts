/// <reference types="jest" />
// resolveTarget over real environments: every input form the README names, and each clear error.
import * as fs from 'fs';
import * as path from 'path';

import { EnvError } from '../../kernel/envs/env-error';
import { resolveTarget } from '../../kernel/envs/resolver';
import { testNeeding } from '../helpers/pythons';
import {
  DEBIAN311, PY311, PY312, PYENV311_PREFIX, PYTHONS, makeCopiedConda, makeLinkedConda, makeOrphanVenv,
  makeShellScript, makeVenv, removeTree, tempTree
} from './fixtures';

const test = testNeeding(PYTHONS.py311, PYTHONS.py312, PYTHONS.debian311);

let tree: string;
const at = (...parts: string[]): string => path.join(tree, ...parts);
const resolve = (input: string) => resolveTarget(input, { cwd: tree, system: PY311 });

async function refusal(input: string): Promise<EnvError> {
  const error = await resolve(input).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(EnvError);
  return error as EnvError;
}

beforeAll(async () => {
  tree = tempTree('resolve');
  await Promise.all([
    makeVenv(PY311, at('v311')),
    makeVenv(PY311, at('v311-system'), '--system-site-packages'),
    makeVenv(PY312, at('v312')),
    makeVenv(DEBIAN311, at('debian')),
    makeOrphanVenv(at('orphan')),
  ]);
  fs.symlinkSync(at('v311'), at('link'));
  makeLinkedConda(at('conda-linked'));
  makeCopiedConda(at('conda-copied'));
  fs.mkdirSync(at('plain'));
  makeShellScript(at('script', 'python'));
  fs.writeFileSync(at('notes.txt'), 'hello\n');
  fs.symlinkSync(at('nowhere', 'python3'), at('dangling-python3'));
});

afterAll(() => removeTree(tree));

const v311 = (root: string, executable = path.join(root, 'bin', 'python')) => ({
  kind: 'venv', root, executable, version: '3.11.7', base_prefix: PYENV311_PREFIX, include_system_site_packages: false,
});

describe('venv', () => {
  test('directory', async () => {
    const { env, cfg } = await resolve(at('v311'));
    expect(env).toEqual(v311(at('v311')));
    expect(cfg).toMatchObject({ home: `${PYENV311_PREFIX}/bin`, version: '3.11.7' });
  });

  test('relative path with a trailing slash', async () => {
    expect((await resolve('v311/')).env).toEqual(v311(at('v311')));
    expect((await resolve('./v311//')).env).toEqual(v311(at('v311')));
  });

  test('~ is the home directory', async () => {
    // The module object itself: `import * as os` gives a frozen copy that jest cannot spy on.
    const homedir = jest.spyOn(require('os') as { homedir(): string }, 'homedir').mockReturnValue(tree);
    try {
      expect((await resolve('~/v311')).env).toEqual(v311(at('v311')));
      homedir.mockReturnValue(at('v311'));
      expect((await resolve('~')).env).toEqual(v311(at('v311')));
    } finally {
      homedir.mockRestore();
    }
  });

  test('an interpreter inside it, kept as named', async () => {
    const executable = at('v311', 'bin', 'python3.11');
    expect((await resolve(executable)).env).toEqual(v311(at('v311'), executable));
  });

  test('--system-site-packages', async () => {
    expect((await resolve(at('v311-system'))).env.include_system_site_packages).toBe(true);
  });

  test('a symlinked venv stays a venv under its symlinked path', async () => {
    expect((await resolve(at('link'))).env).toEqual(v311(at('link')));
    expect((await resolve(at('link', 'bin', 'python'))).env).toEqual(v311(at('link')));
  });

  test('another minor version resolves (the version rule is preflight\'s)', async () => {
    expect((await resolve(at('v312'))).env).toMatchObject({ kind: 'venv', version: '3.12.1' });
  });

  test('made from Debian\'s Python', async () => {
    expect((await resolve(at('debian'))).env).toEqual({ kind: 'venv', root: at('debian'),
      executable: at('debian', 'bin', 'python'), version: '3.11.2', base_prefix: '/usr',
      include_system_site_packages: false });
  });
});

describe('conda', () => {
  test('bin/python linked into another installation takes that installation as base_prefix', async () => {
    expect((await resolve(at('conda-linked'))).env).toEqual({ kind: 'conda', root: at('conda-linked'),
      executable: at('conda-linked', 'bin', 'python'), version: '3.11.7', base_prefix: PYENV311_PREFIX,
      include_system_site_packages: false });
  });

  test('a layout with its own stdlib is its own base_prefix', async () => {
    const { env, cfg } = await resolve(at('conda-copied', 'bin', 'python3.11'));
    expect(env).toEqual({ kind: 'conda', root: at('conda-copied'), executable: at('conda-copied', 'bin', 'python3.11'),
      version: '3.11.7', base_prefix: at('conda-copied'), include_system_site_packages: false });
    expect(cfg).toBeNull();
  });
});

describe('system', () => {
  test.each(['', 'system'])('%j is the kernel\'s base interpreter', async (input) => {
    expect((await resolve(input)).env).toEqual({ kind: 'system', root: PYENV311_PREFIX, executable: PY311,
      version: '3.11.7', base_prefix: PYENV311_PREFIX, include_system_site_packages: false });
  });

  test('an interpreter outside any environment', async () => {
    expect((await resolve(DEBIAN311)).env).toMatchObject({ kind: 'system', root: '/usr', executable: DEBIAN311 });
  });

  test('an installation\'s root directory is its bin/python3', async () => {
    expect((await resolve(PYENV311_PREFIX)).env).toEqual({ kind: 'system', root: PYENV311_PREFIX,
      executable: `${PYENV311_PREFIX}/bin/python3`, version: '3.11.7', base_prefix: PYENV311_PREFIX,
      include_system_site_packages: false });
    expect((await resolve('/usr/')).env).toMatchObject({ kind: 'system', root: '/usr', executable: '/usr/bin/python3' });
  });

  test('an installation of another minor version resolves (the version rule is preflight\'s)', async () => {
    const root = path.dirname(path.dirname(PY312));
    expect((await resolve(root)).env).toMatchObject({ kind: 'system', root, executable: PY312 });
  });
});

describe('refusals', () => {
  test('a missing path', async () => {
    const error = await refusal('missing/venv');
    expect(error.code).toBe('not_found');
    expect(error.message).toContain(at('missing', 'venv'));
  });

  test('a dangling symlink outside any environment', async () => {
    const error = await refusal(at('dangling-python3'));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain(at('nowhere', 'python3'));
  });

  test('a plain directory', async () => {
    const error = await refusal(at('plain'));
    expect(error.code).toBe('not_python');
    expect(error.message).toMatch(/pyvenv\.cfg.*conda-meta.*bin\/python3/);
  });

  test('a shell script named python', async () => {
    const error = await refusal(at('script', 'python'));
    expect(error.code).toBe('not_python');
    expect(error.message).toContain(at('script', 'python'));
  });

  test('a file that is not named like an interpreter', async () => {
    expect((await refusal(at('notes.txt'))).code).toBe('not_python');
  });

  test('a venv whose base installation was removed', async () => {
    for (const input of [at('orphan'), at('orphan', 'bin', 'python3')]) {
      const error = await refusal(input);
      expect(error.code).toBe('broken_env');
      expect(error.message).toContain(at('removed-python', 'bin', 'python3'));
    }
  });
});
