/// <reference types="jest" />
// Which interpreter a restarted kernel starts in, over real environments: the one it was in, checked as a
// switch would be, with that environment's variables; else the kernelspec's Python and a notice saying why.
import * as fs from 'fs';
import * as path from 'path';

import type { EnvInfo } from '../../kernel/envs';
import { PythonInfo, pythonInfo } from '../../kernel/interpreter/python-info';
import { restartIn } from '../../kernel/server/restart-environment';
import { testNeeding } from '../helpers/pythons';
import { PY311, PY312, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

jest.setTimeout(60_000);
const test = testNeeding(PYTHONS.py311, PYTHONS.py312);

let tree: string;
let kernelspec: PythonInfo;
const at = (...parts: string[]): string => path.join(tree, ...parts);
const saved = { ...process.env };

beforeAll(async () => {
  tree = tempTree('restart');
  await Promise.all([makeVenv(PY311, at('a')), makeVenv(PY312, at('py312'))]);
  kernelspec = await pythonInfo(PY311);
});

afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

afterAll(() => removeTree(tree));

const venv = (root: string): EnvInfo => ({ kind: 'venv', root, executable: path.join(root, 'bin', 'python'),
  version: '3.11.7', base_prefix: '', include_system_site_packages: false });

test('the environment the kernel was in, with its variables; PATH before them is the baseline', async () => {
  const baseline = process.env.PATH;
  const restarted = await restartIn(venv(at('a')), kernelspec, PY311);
  expect(restarted.notice).toBeNull();
  expect(restarted.info.sysExecutable).toBe(at('a', 'bin', 'python'));
  expect(restarted.baselinePath).toBe(baseline);
  expect(process.env.VIRTUAL_ENV).toBe(at('a'));
  expect(process.env.PATH?.split(path.delimiter)[0]).toBe(at('a', 'bin'));
});

test('the kernelspec\'s own interpreter: a plain start', async () => {
  const restarted = await restartIn({ ...venv(''), kind: 'system', root: kernelspec.prefix, executable: kernelspec.sysExecutable },
    kernelspec, PY311);
  expect(restarted).toEqual({ info: kernelspec, baselinePath: process.env.PATH, notice: null });
  expect(process.env).toEqual(saved);
});

test.each([
  ['gone', () => venv(at('gone')), 'not_found'],
  ['of another minor (the kernelspec changed)', () => ({ ...venv(at('py312')), version: '3.12.1' }), 'version_mismatch'],
])('an environment %s: the kernelspec\'s Python, and a notice', async (_, previous, code) => {
  const env = previous();
  const restarted = await restartIn(env, kernelspec, PY311);
  expect(restarted.info).toBe(kernelspec);
  expect(restarted.notice).toMatch(new RegExp(`^pyswitch: .*${env.root}.*\\(${code}: .*kernelspec's Python, ${kernelspec.sysExecutable}`));
  expect(process.env.VIRTUAL_ENV).toBe(saved.VIRTUAL_ENV);
});

test('a broken one (its interpreter a dangling link)', async () => {
  const root = await makeVenv(PY311, at('broken'));
  fs.unlinkSync(path.join(root, 'bin', 'python'));
  fs.symlinkSync(at('removed', 'python3'), path.join(root, 'bin', 'python'));
  expect((await restartIn(venv(root), kernelspec, PY311)).notice).toMatch(/\(broken_env: /);
});
