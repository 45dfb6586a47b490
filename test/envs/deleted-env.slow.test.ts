/// <reference types="jest" />
// The environment the kernel runs in is deleted under it (a venv removed or rebuilt while the kernel
// runs): `current` and a switch away from it are still answered, and the kernel goes on serving.
import * as path from 'path';

import { EnvComm } from '../../kernel/client/env-comm';
import { requestSwitch } from '../helpers/env-switch';
import { useKernel } from '../helpers/kernel';
import { stdoutOf } from '../helpers/messages';
import { testNeeding } from '../helpers/pythons';
import { PY311, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py311);

jest.setTimeout(120_000);

const dir = tempTree('deleted-env');
const at = (...parts: string[]): string => path.join(dir, ...parts);
const kernel = useKernel({ PYSWITCH_IPYTHON: '0' });
let comm: EnvComm;

beforeAll(async () => {
  await Promise.all(['gone', 'next'].map((name) => makeVenv(PY311, at(name))));
  comm = new EnvComm(kernel.client);
  await comm.open();
  // In the new image the environment is known only from its files, which are about to go.
  expect((await requestSwitch(comm, at('gone'), 're-exec')).reply).toMatchObject({ ok: true });
  removeTree(at('gone'));
});
afterAll(() => removeTree(dir));

test('current is answered from what the running interpreter said at its start', kernel.test(async () => {
  const { reply } = await comm.request({ request: 'current' });
  expect(reply).toMatchObject({ reply: 'current', env: { kind: 'venv', root: at('gone'), version: expect.stringMatching(/^3\.11\./) } });
}));

test('a switch away from it is answered, and the kernel goes on in the new environment', kernel.test(async (client) => {
  const { reply } = await requestSwitch(comm, at('next'));
  expect(reply).toMatchObject({ reply: 'switch', ok: true, env: { root: at('next') }, previous: { root: at('gone') } });
  expect(await stdoutOf(client, 'import sys; print(sys.prefix)')).toBe(`${at('next')}\n`);
}));
