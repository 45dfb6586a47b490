/// <reference types="jest" />
// A kernel on Python 3.7 switches through the legacy init API (no PyConfig), where Py_SetPath(NULL) must
// come before each re-init or the first path configuration sticks (docs/runtime-facts.md, fact 9).
import * as fs from 'fs';
import * as path from 'path';

import { EnvComm } from '../../kernel/client/env-comm';
import { useKernel } from '../helpers/kernel';
import { stdoutOf } from '../helpers/messages';
import { nativeBuildFor, testNeeding } from '../helpers/pythons';
import { PY37, PYTHONS, makeVenv, removeTree, reportOf, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py37, nativeBuildFor(PYTHONS.py37, '3.7'));

jest.setTimeout(180_000);

const kernel = useKernel({ PYSWITCH_PYTHON: PY37 });
let dir: string;
let comm: EnvComm;

beforeAll(async () => {
  dir = tempTree('legacy');
  await Promise.all([makeVenv(PY37, path.join(dir, 'a')), makeVenv(PY37, path.join(dir, 'b'))]);
  fs.writeFileSync(path.join(dir, 'a', 'lib', 'python3.7', 'site-packages', 'only_in_a.py'), 'WHERE = "a"\n');
  comm = new EnvComm(kernel.client);
  await comm.open();
});
afterAll(() => removeTree(dir));

test('switches between two 3.7 venvs and back, each time with its own paths', kernel.test(async (client) => {
  expect(await stdoutOf(client, 'import sys; print(sys.version_info[:2])')).toBe('(3, 7)\n');
  for (const name of ['a', 'b', 'a']) {
    const root = path.join(dir, name);
    expect(await comm.switch(root)).toMatchObject({ ok: true, env: { kind: 'venv', root, version: expect.stringMatching(/^3\.7\./) } });
    const { prefix, base_prefix, sys_path } = reportOf(path.join(root, 'bin', 'python'));
    const state = JSON.parse(await stdoutOf(client, 'import sys, os, json; print(json.dumps([sys.prefix, sys.base_prefix, ' +
      '[p for p in sys.path if p and not p.endswith(os.path.join("kernel", "lang"))]]))')) as unknown;
    expect(state).toEqual([prefix, base_prefix, sys_path]);
    expect(await stdoutOf(client, 'import importlib.util; print(importlib.util.find_spec("only_in_a") is not None)'))
      .toBe(name === 'a' ? 'True\n' : 'False\n');
  }
  expect(await comm.switch('system')).toMatchObject({ ok: true, env: { kind: 'system' } });
  expect(await stdoutOf(client, 'import json, math, decimal, ctypes; print("extensions load")')).toBe('extensions load\n');
}));
