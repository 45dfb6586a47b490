/// <reference types="jest" />
// discover over a temp tree: nested environments, conda's envs/, skipped folders, a symlink loop, a broken
// venv, depth limits, a time bound, and a 3.12 venv reported as not compatible; then hostile trees: nothing
// found is run, a FIFO is never opened, and a real environment wins over a symlink to it.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { DiscoveredEnv, discover, resolveTarget } from '../../kernel/envs';
import { testNeeding } from '../helpers/pythons';
import {
  PY311, PY312, PYENV311_PREFIX, PYTHONS, makeLinkedConda, makeOrphanVenv, makeVenv, removeTree, tempTree
} from './fixtures';

const test = testNeeding(PYTHONS.py311, PYTHONS.py312);

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

// Discovery reads, never runs: each of these would have run a program, or blocked on the disk, before.
describe('from files alone', () => {
  let hostile: string;
  const marker = (): string => path.join(hostile, 'ran');
  const under = (...parts: string[]): string => path.join(hostile, ...parts);

  // An executable bin/python that leaves a mark if anything runs it.
  function plantInterpreter(root: string): void {
    fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(root, 'bin', 'python'), `#!/bin/sh\necho ran >> ${marker()}\n`, { mode: 0o755 });
  }

  beforeAll(async () => {
    hostile = tempTree('discover-hostile');
    fs.mkdirSync(under('empty-cfg'));
    fs.writeFileSync(under('empty-cfg', 'pyvenv.cfg'), '');
    plantInterpreter(under('empty-cfg'));
    fs.mkdirSync(under('conda-only', 'conda-meta'), { recursive: true });
    plantInterpreter(under('conda-only'));
    fs.mkdirSync(under('fifo-cfg'));
    execFileSync('mkfifo', [under('fifo-cfg', 'pyvenv.cfg')]);
    plantInterpreter(under('fifo-cfg'));
    await makeVenv(PY311, under('no-version'));
    fs.writeFileSync(under('no-version', 'pyvenv.cfg'), fs.readFileSync(under('no-version', 'pyvenv.cfg'), 'utf8')
      .replace(/^version.*$/m, ''));
    for (let i = 0; i < 200; i += 1) {
      fs.mkdirSync(under('many', `v${i}`), { recursive: true });
      fs.writeFileSync(under('many', `v${i}`, 'pyvenv.cfg'), '');
      plantInterpreter(under('many', `v${i}`));
    }
    // A real venv deep down and a link to it near the top: the real one is listed.
    await makeVenv(PY311, under('projects', 'app', 'env'));
    fs.symlinkSync(under('projects', 'app', 'env'), under('.app-env'));
  });

  afterAll(() => removeTree(hostile));

  test('runs nothing it finds, and lists what it cannot date with version and compatible null', async () => {
    const envs = await discover([hostile], OPTS);
    const byRoot = new Map(envs.map((env) => [env.root, env]));
    for (const root of [under('empty-cfg'), under('conda-only'), under('many', 'v7')]) {
      expect(byRoot.get(root)).toMatchObject({ version: null, compatible: null, base_prefix: null, executable: path.join(root, 'bin', 'python') });
    }
    expect(envs.filter((env) => env.root.startsWith(under('many')))).toHaveLength(200);
    expect(byRoot.has(under('fifo-cfg'))).toBe(false); // a pyvenv.cfg that is no regular file makes no venv
    expect(fs.existsSync(marker())).toBe(false);
  });

  test('a version the files do not declare comes from the names and the base installation', async () => {
    const [env] = await discover([under('no-version')], OPTS);
    expect(env).toMatchObject({ kind: 'venv', version: '3.11.7', compatible: true, base_prefix: PYENV311_PREFIX });
  });

  test('keeps the real environment when a symlink to it is also found', async () => {
    const envs = await discover([hostile], OPTS);
    const roots = envs.map((env) => env.root);
    expect(roots).toContain(under('projects', 'app', 'env'));
    expect(roots).not.toContain(under('.app-env'));
  });
});
