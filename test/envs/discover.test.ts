/// <reference types="jest" />
// discover over a temp tree: nested environments, conda's envs/, skipped folders, a symlink loop, a broken
// venv, depth limits, a time bound, and a 3.12 venv reported as not compatible.
import * as fs from 'fs';
import * as path from 'path';

import { DiscoveredEnv, discover, resolveTarget } from '../../kernel/envs';
import { PY311, PY312, makeLinkedConda, makeOrphanVenv, makeVenv, removeTree, tempTree } from './fixtures';

let tree: string;
const at = (...parts: string[]): string => path.join(tree, ...parts);
const OPTS = { majorMinor: '3.11', cwd: '/' };

const roots = (envs: DiscoveredEnv[]): string[] => envs.map((env) => env.root).sort();

beforeAll(async () => {
  tree = tempTree('discover');
  await Promise.all([
    makeVenv(PY311, at('a', 'v311')),
    makeVenv(PY311, at('.venv')),
    makeVenv(PY312, at('v312')),
    makeVenv(PY311, at('b', 'c', 'd', 'deep')),
    makeVenv(PY311, at('node_modules', 'pkg', 'venv')),
    makeVenv(PY311, at('.git', 'venv')),
    makeOrphanVenv(at('orphan')),
  ]);
  await makeVenv(PY311, at('a', 'v311', 'nested')); // inside an environment: not looked for
  makeLinkedConda(at('conda'));
  makeLinkedConda(at('conda', 'envs', 'child'));
  await makeVenv(PY311, at('conda', 'pkgs', 'venv')); // inside conda but not under envs/: not looked for
  fs.mkdirSync(at('loop'));
  fs.symlinkSync('..', at('loop', 'up'));
  fs.symlinkSync('.', at('loop', 'self'));
  fs.mkdirSync(at('links'));
  fs.symlinkSync(at('a', 'v311'), at('links', 'v311'));
});

afterAll(() => removeTree(tree));

test('finds each environment once, each described as a switch would see it', async () => {
  const envs = await discover([tree], OPTS);
  expect(roots(envs)).toEqual([at('.venv'), at('a', 'v311'), at('b', 'c', 'd', 'deep'), at('conda'),
    at('conda', 'envs', 'child'), at('v312')].sort());
  for (const env of envs) {
    const { env: resolved } = await resolveTarget(env.root, { cwd: '/', system: PY311 });
    expect(env).toEqual({ ...resolved, compatible: resolved.version.startsWith('3.11.') });
  }
  expect(envs.find((env) => env.root === at('v312'))).toMatchObject({ version: '3.12.1', compatible: false });
  expect(envs.find((env) => env.root === at('conda', 'envs', 'child'))).toMatchObject({ kind: 'conda', compatible: true });
});

test('depth counts directory levels below the root', async () => {
  expect(roots(await discover([tree], { ...OPTS, depth: 3 }))).not.toContain(at('b', 'c', 'd', 'deep'));
  expect(roots(await discover([tree], { ...OPTS, depth: 4 }))).toContain(at('b', 'c', 'd', 'deep'));
  expect(roots(await discover([tree], { ...OPTS, depth: 1 }))).toEqual([at('.venv'), at('conda'), at('v312')]);
  expect(roots(await discover([at('a', 'v311')], { ...OPTS, depth: 0 }))).toEqual([at('a', 'v311')]);
});

test('a venv reached only through a symlink keeps the symlinked path', async () => {
  const [env] = await discover([at('links')], OPTS);
  expect(env).toMatchObject({ kind: 'venv', root: at('links', 'v311'), executable: at('links', 'v311', 'bin', 'python') });
});

test('relative roots, ~, and roots that overlap or do not exist', async () => {
  const homedir = jest.spyOn(require('os') as { homedir(): string }, 'homedir').mockReturnValue(at('b'));
  try {
    const envs = await discover(['.', '~', '~/c', 'missing'], { ...OPTS, cwd: at('a') });
    expect(roots(envs)).toEqual([at('a', 'v311'), at('b', 'c', 'd', 'deep')]);
  } finally {
    homedir.mockRestore();
  }
});

test('stops at the time bound with what it found', async () => {
  const started = Date.now();
  await discover(['/usr'], { ...OPTS, depth: 10, timeoutMs: 150 });
  expect(Date.now() - started).toBeLessThan(1000);
});
