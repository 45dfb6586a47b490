/// <reference types="jest" />
// A switch whose new interpreter fails to initialise past the point of no return
// (docs/runtime-facts.md, fact 7), injected with PYSWITCH_FAULT_INIT: in-process (after the finalize) or
// by re-exec (in the new image), the kernel must come back in the previous environment, fresh, in the
// same process, and say so.
import * as path from 'path';

import { EnvComm } from '../../kernel/client/env-comm';
import { KernelClient } from '../../kernel/client/kernel-client';
import { Strategy, requestSwitch } from '../helpers/env-switch';
import { useKernel } from '../helpers/kernel';
import { stdoutOf } from '../helpers/messages';
import { pidInCell } from '../helpers/process-health';
import { testNeeding } from '../helpers/pythons';
import { PY311, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py311);

jest.setTimeout(180_000);

// The path must be known when the kernel starts; the venv behind it is made before the first switch.
const dir = tempTree('reexec-fault');
const at = (...parts: string[]): string => path.join(dir, ...parts);
const kernel = useKernel({ PYSWITCH_FAULT_INIT: at('failing', 'bin', 'python') });
let comm: EnvComm;

beforeAll(async () => {
  await Promise.all([makeVenv(PY311, at('good')), makeVenv(PY311, at('failing')), makeVenv(PY311, at('other'))]);
  comm = new EnvComm(kernel.client);
  await comm.open();
  expect((await requestSwitch(comm, at('good'))).reply).toMatchObject({ ok: true });
});
afterAll(() => removeTree(dir));

async function expectRestored(client: KernelClient, strategy: Strategy | undefined): Promise<void> {
  const pid = await pidInCell(client);
  await stdoutOf(client, 'gone = 1');
  const { reply } = await requestSwitch(comm, at('failing'), strategy);
  expect(reply).toMatchObject({ reply: 'switch', ok: false, restored: true, env: { root: at('good') }, error: { code: 'init_failed' } });
  expect((reply.error as { message: string }).message.length).toBeGreaterThan(10);
  // Back in the previous environment, in a fresh interpreter: what the user had went with the old one.
  expect(await stdoutOf(client, 'import os, sys; print(sys.prefix, "gone" in dir(), os.getpid())')).toBe(`${at('good')} False ${pid}\n`);
  expect((await comm.request({ request: 'current' })).reply.env).toMatchObject({ root: at('good') });
}

test('an init that fails after the finalize of an in-process switch comes back in the previous env', kernel.test(async (client) => {
  await expectRestored(client, undefined);
}));

test('an init that fails in the re-exec\'d image comes back in the previous env', kernel.test(async (client) => {
  await expectRestored(client, 're-exec');
}));

test('after both failures the kernel still switches where it can', kernel.test(async (client) => {
  expect((await requestSwitch(comm, at('other'))).reply).toMatchObject({ ok: true, env: { root: at('other') } });
  expect(await stdoutOf(client, 'import sys; print(sys.prefix)')).toBe(`${at('other')}\n`);
}));
