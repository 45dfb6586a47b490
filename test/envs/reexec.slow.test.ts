/// <reference types="jest" />
// Switches by re-exec (issue 5) on a real kernel started on pyenv's 3.11.7: where an in-process switch
// cannot be safe (numpy loaded: fact 6; another installation of 3.11: fact 8) or where a request asks for
// it. The process (PID), the comm, the counter and every request in flight must come through.
import * as fs from 'fs';
import * as path from 'path';

import { EnvComm, EnvData } from '../../kernel/client/env-comm';
import { KernelClient } from '../../kernel/client/kernel-client';
import { requestSwitch, switchRequest } from '../helpers/env-switch';
import { useKernel } from '../helpers/kernel';
import { parentId, stdoutOf, streamText } from '../helpers/messages';
import { pidInCell } from '../helpers/process-health';
import { testNeeding } from '../helpers/pythons';
import { DEBIAN311, PY311, PYTHONS, makeVenv, removeTree, sysVersion, tempTree } from './fixtures';
import { expectStateOf } from './interpreter-state';

const test = testNeeding(PYTHONS.py311, PYTHONS.debian311);

jest.setTimeout(180_000);
const REPLY_MS = 60_000; // a re-exec restarts Node and Python: far more than a cell's usual 10 s
// numpy's first import on a fresh CI machine may byte-compile it (2.8 s here with no __pycache__, idle);
// on a loaded machine that passed 10 s once. A hang still fails, at 60 s.
const NUMPY_MS = REPLY_MS;

// Read by Node's start-up only (common/node-startup-environ.ts): set for the kernel, whether this machine has it or not.
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const kernel = useKernel({ NODE_EXTRA_CA_CERTS: CA_BUNDLE });
const DEBIAN_NUMPY = '/usr/lib/python3/dist-packages/numpy';
let dir: string;
let comm: EnvComm;
const at = (...parts: string[]): string => path.join(dir, ...parts);
const python = (env: string): string => at(env, 'bin', 'python');

beforeAll(async () => {
  dir = tempTree('reexec');
  // Debian's venvs see its dist-packages, where python3-numpy lives; pyenv's 3.11.7 has no numpy.
  await Promise.all([
    makeVenv(DEBIAN311, at('deb-a'), '--system-site-packages'), makeVenv(DEBIAN311, at('deb-b'), '--system-site-packages'),
    makeVenv(PY311, at('pyenv-a')), makeVenv(PY311, at('pyenv-b')), makeVenv(DEBIAN311, at('deb-own')),
  ]);
  // numpy in the venv's own site-packages, where pip puts it: a copy of Debian's python3-numpy.
  fs.cpSync(DEBIAN_NUMPY, at('deb-own', 'lib', 'python3.11', 'site-packages', 'numpy'), { recursive: true });
  comm = new EnvComm(kernel.client);
  await comm.open();
});
afterAll(() => removeTree(dir));

async function executionCount(client: KernelClient): Promise<number> {
  return (await client.execute('pass')).reply.content.execution_count as number;
}

// A re-exec switch that worked: the reply, env_changed on the same (never reopened) comm, nothing but the
// variables lost, the same kernel process (os.getpid() in a cell before and after), and the counter going
// on where it was.
async function expectReexec(client: KernelClient, target: string, strategy?: 're-exec'): Promise<EnvData> {
  const pid = await pidInCell(client);
  const countBefore = await executionCount(client);
  const { reply, messages } = await requestSwitch(comm, target, strategy);
  expect(reply).toMatchObject({ reply: 'switch', ok: true, strategy: 're-exec', env: { root: target, executable: python(path.basename(target)) },
    lost: { variables: true, comms: 0 } });
  expect(typeof reply.elapsed_ms).toBe('number');
  expect(messages).toContainEqual({ event: 'env_changed', env: reply.env });
  expect(await pidInCell(client)).toBe(pid);
  expect(await executionCount(client)).toBe(countBefore + 2);
  return reply;
}

test('numpy imported: switches between two Debian venvs re-exec, and numpy imports after each', kernel.test(async (client) => {
  const pid = await pidInCell(client);
  // pyenv → Debian venv: another installation, so a re-exec even before numpy is there.
  await expectReexec(client, at('deb-a'));
  let previous = at('deb-a');
  for (const name of ['deb-b', 'deb-a', 'deb-b']) {
    expect(await stdoutOf(client, 'import numpy; print(numpy.arange(3).sum())', NUMPY_MS)).toBe('3\n');
    const reply = await expectReexec(client, at(name));
    expect(reply.previous).toMatchObject({ root: previous });
    expect(await stdoutOf(client, 'import sys; print("numpy" in sys.modules)')).toBe('False\n');
    expect(await stdoutOf(client, 'import numpy, sys; print(numpy.arange(3).sum(), sys.prefix)', NUMPY_MS)).toBe(`3 ${at(name)}\n`);
    previous = at(name);
  }
  expect(await pidInCell(client)).toBe(pid);
  expect((await comm.request({ request: 'current' })).reply.env).toMatchObject({ root: at('deb-b') });
}));

// A venv's platstdlib (sysconfig) is its own lib/python3.11, which holds its site-packages: numpy there once
// passed for the standard library's, the switch went in-process, and numpy's next import ended the kernel.
test('numpy in a venv\'s own site-packages, or deleted from sys.modules: the switch away re-execs, and numpy imports after', kernel.test(async (client) => {
  await expectReexec(client, at('deb-own'));
  expect(await stdoutOf(client, 'import numpy; print(numpy.__file__)', NUMPY_MS))
    .toBe(`${at('deb-own', 'lib', 'python3.11', 'site-packages', 'numpy', '__init__.py')}\n`);
  await expectReexec(client, at('deb-b'));
  // The new image never had numpy loaded: back in-process, where numpy's first import is safe.
  expect((await requestSwitch(comm, at('deb-own'))).reply).toMatchObject({ ok: true, strategy: 'in-process' });
  expect(await stdoutOf(client, 'import numpy; print(numpy.arange(3).sum())', NUMPY_MS)).toBe('3\n');
  // Gone from sys.modules, numpy's libraries are still in the process, and so is their C state.
  await stdoutOf(client, 'import sys\nfor name in [m for m in sys.modules if m.split(".")[0] == "numpy"]: del sys.modules[name]');
  const { reply } = await requestSwitch(comm, at('deb-b'));
  expect(reply).toMatchObject({ ok: true, strategy: 're-exec' });
  expect(await stdoutOf(client, 'import numpy; print(numpy.arange(3).sum())', NUMPY_MS)).toBe('3\n');
}));

test('pyenv 3.11.7 venv ↔ Debian 3.11.2 venv, both ways: each interpreter is the env\'s own', kernel.test(async (client) => {
  for (const name of ['pyenv-a', 'deb-a', 'pyenv-a']) {
    await expectReexec(client, at(name));
    const state = await expectStateOf(client, at(name), python(name));
    expect(state.prefix).toBe(at(name));
    const version = sysVersion(python(name));
    expect(await stdoutOf(client, 'import sys; print(sys.version)')).toBe(`${version}\n`);
    const info = await client.request('shell', 'kernel_info_request');
    expect((info.content.language_info as { version: string }).version).toBe(version.split(' ')[0]);
  }
}));

test('a request may ask for a re-exec where an in-process switch would do', kernel.test(async (client) => {
  await expectReexec(client, at('pyenv-b'), 're-exec');
  await expectStateOf(client, at('pyenv-b'), python('pyenv-b'));
  // The same pair without a strategy: the kernel's own choice is the fast one.
  expect((await requestSwitch(comm, at('pyenv-a'))).reply).toMatchObject({ ok: true, strategy: 'in-process', env: { root: at('pyenv-a') } });
}));

test('the new image\'s Node starts with NODE_EXTRA_CA_CERTS empty, and the cells see it as before', kernel.test(async (client) => {
  // /proc/self/environ is what execve gave the process; os.environ is what the interpreter has now.
  const atExec = "print(repr(dict(e.split(b'=', 1) for e in open('/proc/self/environ', 'rb').read().split(b'\\0') if b'=' in e).get(b'NODE_EXTRA_CA_CERTS')))";
  const inCells = "import os; print(os.environ.get('NODE_EXTRA_CA_CERTS'), 'PYSWITCH_NODE_EXTRA_CA_CERTS' in os.environ)";
  await expectReexec(client, at('pyenv-a'), 're-exec');
  expect(await stdoutOf(client, atExec)).toBe("b''\n");
  expect(await stdoutOf(client, inCells)).toBe(`${CA_BUNDLE} False\n`);
}));

test('requests sent during the gap are all answered after it, in order, in the new environment', kernel.test(async (client) => {
  const pid = await pidInCell(client);
  const replyOrder: string[] = [];
  const stop = client.observe((traffic) => {
    if (traffic.kind === 'received' && traffic.channel === 'shell' && traffic.message.header.msg_type === 'execute_reply') {
      replyOrder.push(parentId(traffic.message) ?? '?');
    }
  });
  try {
    const switched = await client.send('shell', 'comm_msg', { comm_id: comm.commId, data: { ...switchRequest(at('pyenv-b'), 're-exec'), id: 'gap' } });
    // Not awaited one by one: all three are on the wire while the kernel replaces its image.
    const cells = [0, 1, 2].map((i) => client.execute(`import sys; print(${i}, sys.prefix)`, { timeoutMs: REPLY_MS }));
    let switchIopub;
    try {
      switchIopub = await switched.untilIdle(REPLY_MS);
    } finally {
      switched.dispose();
    }
    const results = await Promise.all(cells);
    const reply = switchIopub.map((m) => m.content.data as EnvData | undefined).find((d) => d?.id === 'gap');
    expect(reply).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at('pyenv-b') } });
    results.forEach(({ reply: cellReply, iopub }, i) => {
      expect(cellReply.content.status).toBe('ok');
      expect(streamText(iopub, 'stdout')).toBe(`${i} ${at('pyenv-b')}\n`);
    });
    const counts = results.map((r) => r.reply.content.execution_count as number);
    expect(counts).toEqual([counts[0], counts[0] + 1, counts[0] + 2]);
    expect(replyOrder).toEqual(results.map((r) => parentId(r.reply)));
  } finally {
    stop();
  }
  expect(await pidInCell(client)).toBe(pid);
}));

test('comm_info still lists the comm opened before the first re-exec', kernel.test(async (client) => {
  const reply = await client.request('shell', 'comm_info_request', { target_name: 'pyswitch.env' });
  expect(reply.content.comms).toEqual({ [comm.commId]: { target_name: 'pyswitch.env' } });
}));
