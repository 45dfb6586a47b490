/// <reference types="jest" />
// `pyswitch install --env ENV`: a kernelspec whose kernel starts in that environment, and for which
// "system" still means the interpreter it was installed with.
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

import { testNeeding } from '../helpers/pythons';
import { PY311, PYENV311_PREFIX, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py311);

const run = promisify(execFile);
const PYSWITCH = path.resolve(__dirname, '..', '..', 'bin', 'pyswitch.js');

jest.setTimeout(120_000);

let dir: string;
beforeAll(async () => {
  dir = tempTree('install-env');
  await makeVenv(PY311, path.join(dir, 'venv'));
});
afterAll(() => removeTree(dir));

test('the kernel starts in the environment and switches back to the system interpreter', async () => {
  const env = { ...process.env, JUPYTER_PATH: path.join(dir, 'share', 'jupyter'), JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime') };
  await run(process.execPath, [PYSWITCH, 'install', '--prefix', dir, '--name', 'in-venv', '--python', PY311, '--env', path.join(dir, 'venv')], { env });
  const console = run(process.execPath, [PYSWITCH, 'console', '--kernel', 'in-venv'], { env });
  console.child.stdin?.end('import sys; print(sys.prefix)\n:switch system\nimport sys; print(sys.prefix)\n');
  const { stdout } = await console;
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toBe(path.join(dir, 'venv'));
  expect(lines[1]).toMatch(/^switched to system /);
  expect(lines[2]).toBe(PYENV311_PREFIX);
});

test('an environment that cannot be resolved is refused at install time', async () => {
  await expect(run(process.execPath, [PYSWITCH, 'install', '--prefix', dir, '--env', path.join(dir, 'missing')]))
    .rejects.toMatchObject({ stderr: expect.stringContaining('does not exist') });
});
