/// <reference types="jest" />
// Environment switches through the `pyswitch.env` comm on a real kernel, over real environments: what the
// interpreter looks like afterwards is compared with what the environment's own python reports, and every
// refusal must leave the user's variables where they were.
import * as fs from 'fs';
import * as path from 'path';

import { KernelClient, executeContent } from '../../kernel/client/kernel-client';
import { EnvComm, EnvData } from '../../kernel/client/env-comm';
import { useKernel } from '../helpers/kernel';
import { plainText, stdoutOf, streamText } from '../helpers/messages';
import { testNeeding } from '../helpers/pythons';
import {
  DEBIAN311, PY311, PY312, PYENV311_PREFIX, PYTHONS, makeCopiedConda, makeOrphanVenv, makeShellScript,
  makeVenv, removeTree, tempTree
} from './fixtures';
import { expectStateOf } from './interpreter-state';

const test = testNeeding(PYTHONS.py311, PYTHONS.py312, PYTHONS.debian311);

jest.setTimeout(120_000);

const kernel = useKernel();
let dir: string;
let comm: EnvComm;
const at = (...parts: string[]): string => path.join(dir, ...parts);

beforeAll(async () => {
  dir = tempTree('switch');
  await Promise.all([
    makeVenv(PY311, at('a')), makeVenv(PY311, at('b')), makeVenv(PY311, at('with-system'), '--system-site-packages'),
    makeVenv(PY312, at('py312')), makeVenv(DEBIAN311, at('debian')), makeOrphanVenv(at('orphan')),
  ]);
  fs.writeFileSync(at('a', 'lib', 'python3.11', 'site-packages', 'only_in_a.py'), 'WHERE = "a"\n');
  fs.symlinkSync(at('a'), at('linked-a'));
  makeCopiedConda(at('conda'));
  makeShellScript(at('script', 'python'));
  fs.mkdirSync(at('plain'));
  comm = new EnvComm(kernel.client);
  await comm.open();
});

afterAll(() => removeTree(dir));

async function evaluate(client: KernelClient, expression: string): Promise<unknown> {
  const { iopub } = await client.execute(expression);
  const result = iopub.find((m) => m.header.msg_type === 'execute_result');
  return result ? plainText(result) : undefined;
}

async function expectRefused(client: KernelClient, target: string, code: string): Promise<EnvData> {
  await stdoutOf(client, 'kept = 42');
  const reply = await comm.switch(target);
  expect(reply).toMatchObject({ reply: 'switch', ok: false, restored: true, error: { code } });
  expect((reply.error as { message: string }).message.length).toBeGreaterThan(10);
  expect(await evaluate(client, 'kept')).toBe('42');
  return reply;
}

describe('pyswitch.env comm', () => {
  test('current names the interpreter the kernel started with', kernel.test(async () => {
    const { reply } = await comm.request({ request: 'current' });
    expect(reply.env).toMatchObject({ kind: 'system', root: PYENV311_PREFIX, version: expect.stringMatching(/^3\.11\./) });
  }));

  test('a switch to a venv: its packages, its sys state, env_changed, variables dropped, the counter goes on', kernel.test(async (client) => {
    await stdoutOf(client, 'dropped = 1');
    const before = await client.execute('pass');
    const { reply, messages } = await comm.request({ request: 'switch', target: at('a') });
    expect(reply).toMatchObject({ ok: true, strategy: 'in-process', env: { kind: 'venv', root: at('a'), executable: at('a', 'bin', 'python') },
      previous: { kind: 'system', root: PYENV311_PREFIX } });
    expect(typeof reply.elapsed_ms).toBe('number');
    expect(messages).toContainEqual({ event: 'env_changed', env: reply.env });
    expect(await stdoutOf(client, 'import only_in_a; print(only_in_a.WHERE)')).toBe('a\n');
    expect(await stdoutOf(client, "print('dropped' in dir())")).toBe('False\n');
    const state = await expectStateOf(client, at('a'), at('a', 'bin', 'python'));
    expect((state.PATH as string).split(path.delimiter)[0]).toBe(at('a', 'bin'));
    const after = await client.execute('pass');
    // The kernel's counter survived the switch: 3 cells ran between these two, and none restarted it.
    expect(after.reply.content.execution_count).toBe((before.reply.content.execution_count as number) + 4);
    const info = await client.request('shell', 'kernel_info_request');
    expect((info.content.language_info as { version: string }).version).toBe(reply.env && (reply.env as { version: string }).version);
  }));

  test('another venv does not see the first one\'s packages', kernel.test(async (client) => {
    expect(await comm.switch(at('b'))).toMatchObject({ ok: true, env: { root: at('b') } });
    expect(await stdoutOf(client, 'import importlib.util; print(importlib.util.find_spec("only_in_a"))')).toBe('None\n');
    await expectStateOf(client, at('b'), at('b', 'bin', 'python'));
  }));

  test('a venv with the system site-packages', kernel.test(async (client) => {
    expect(await comm.switch(at('with-system'))).toMatchObject({ ok: true, env: { include_system_site_packages: true } });
    await expectStateOf(client, at('with-system'), at('with-system', 'bin', 'python'));
  }));

  test('a symlinked venv stays the symlink', kernel.test(async (client) => {
    expect(await comm.switch(at('linked-a') + '/')).toMatchObject({ ok: true, env: { root: at('linked-a') } });
    await expectStateOf(client, at('linked-a'), at('linked-a', 'bin', 'python'));
    expect(await stdoutOf(client, 'import only_in_a; print(only_in_a.WHERE)')).toBe('a\n');
  }));

  test('a conda-style environment', kernel.test(async (client) => {
    expect(await comm.switch(at('conda'))).toMatchObject({ ok: true, env: { kind: 'conda', root: at('conda') } });
    expect(await stdoutOf(client, 'import sys, math; print(sys.prefix)')).toBe(`${at('conda')}\n`);
  }));

  test('"system" comes back to the interpreter the kernel started with', kernel.test(async (client) => {
    expect(await comm.switch('system')).toMatchObject({ ok: true, env: { kind: 'system', root: PYENV311_PREFIX } });
    await expectStateOf(client, PYENV311_PREFIX, `${PYENV311_PREFIX}/bin/python3`);
  }));

  test('the interpreter\'s own comms are closed towards the frontend when it goes', kernel.test(async (client) => {
    const opened = await client.execute('from pyswitch import comm\nwidget = comm.create_comm(target_name="some.widget")\nprint(widget.comm_id)');
    const commId = streamText(opened.iopub, 'stdout').trim();
    const { reply, iopub } = await comm.request({ request: 'switch', target: at('b') });
    expect(reply).toMatchObject({ ok: true });
    expect(iopub.filter((m) => m.header.msg_type === 'comm_close').map((m) => m.content.comm_id)).toEqual([commId]);
  }));

  test('refusals keep the interpreter and the variables', kernel.test(async (client) => {
    expect((await expectRefused(client, at('py312'), 'version_mismatch')).error).toMatchObject({ message: expect.stringContaining('3.12') });
    await expectRefused(client, at('missing'), 'not_found');
    await expectRefused(client, at('plain'), 'not_python');
    await expectRefused(client, at('script', 'python'), 'not_python');
    await expectRefused(client, at('orphan'), 'broken_env');
  }));

  // Another installation of 3.11 cannot share this process's libpython (docs/runtime-facts.md, fact 8): the
  // kernel re-execs there and back, and a cell sees each environment as its own python does.
  test('a venv of another 3.11 installation is reached by re-exec, and left the same way', kernel.test(async (client) => {
    expect(await comm.switch(at('debian'))).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at('debian') } });
    await expectStateOf(client, at('debian'), at('debian', 'bin', 'python'));
    expect(await comm.switch(at('a'))).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at('a') } });
    await expectStateOf(client, at('a'), at('a', 'bin', 'python'));
  }));

  test('a loaded third-party extension module makes the switch a re-exec; a running thread refuses it', kernel.test(async (client) => {
    // A copy of a stdlib extension loaded from outside the stdlib stands for numpy and its kin (fact 6).
    await stdoutOf(client, [
      'import importlib.util, shutil, sys, tempfile, _json',
      'copy = shutil.copy(_json.__file__, tempfile.mkdtemp())',
      'spec = importlib.util.spec_from_file_location("_json", copy)',
      'sys.modules["third_party_ext"] = importlib.util.module_from_spec(spec)',
    ].join('\n'));
    expect(await comm.switch(at('b'))).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at('b') } });
    expect(await stdoutOf(client, 'import sys; print("third_party_ext" in sys.modules, "copy" in dir())')).toBe('False False\n');
    await stdoutOf(client, 'import threading\nrelease = threading.Event()\n' +
      'worker = threading.Thread(target=release.wait, name="worker"); worker.start()');
    expect((await expectRefused(client, at('a'), 'busy')).error).toMatchObject({ message: expect.stringContaining('worker') });
    await stdoutOf(client, 'release.set(); worker.join()');
    expect(await comm.switch(at('a'))).toMatchObject({ ok: true });
  }));

  test('malformed requests get a bad_request reply', kernel.test(async () => {
    expect((await comm.request({ request: 'teleport' })).reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await comm.request({ request: 'switch' })).reply).toMatchObject({ reply: 'switch', ok: false, error: { code: 'bad_request' } });
  }));

  test('discover lists the environments under a root, each with compatible', kernel.test(async () => {
    const { reply } = await comm.request({ request: 'discover', roots: [dir], depth: 2 });
    const envs = reply.envs as { root: string; compatible: boolean }[];
    expect(envs).toContainEqual(expect.objectContaining({ root: at('a'), compatible: true }));
    expect(envs).toContainEqual(expect.objectContaining({ root: at('py312'), compatible: false }));
    expect(envs.map((e) => e.root)).not.toContain(at('orphan'));
  }));

  test('comm_info lists the open pyswitch.env comm', kernel.test(async (client) => {
    const reply = await client.request('shell', 'comm_info_request', { target_name: 'pyswitch.env' });
    expect(reply.content.comms).toEqual({ [comm.commId]: { target_name: 'pyswitch.env' } });
  }));
});

describe('the pyswitch module in cells', () => {
  test('current(), discover() and switch() after the cell, with the outcome in the cell output', kernel.test(async (client) => {
    expect(await stdoutOf(client, 'import pyswitch; print(pyswitch.current()["kind"])')).toBe('venv\n');
    expect(await stdoutOf(client, `import pyswitch; print(sorted(e["root"] for e in pyswitch.discover(${JSON.stringify(dir)}, depth=1) if e["compatible"])[:2])`))
      .toBe(`['${at('a')}', '${at('b')}']\n`);
    const { reply, iopub } = await client.execute(`import pyswitch; pyswitch.switch(${JSON.stringify(at('b'))}); print("still in the old one")`);
    expect(reply.content.status).toBe('ok');
    expect(streamText(iopub, 'stdout')).toMatch(new RegExp(`^still in the old one\\npyswitch: switched to venv ${at('b')} .*variables start afresh\\n$`));
    expect(await stdoutOf(client, 'import sys; print(sys.prefix)')).toBe(`${at('b')}\n`);
  }));

  test('a refused switch raises SwitchError in the cell, which fails there; variables stay', kernel.test(async (client) => {
    await stdoutOf(client, 'kept = 7');
    const refused = await client.execute(`import pyswitch; pyswitch.switch(${JSON.stringify(at('py312'))}); after = 1`);
    expect(refused.reply.content).toMatchObject({ status: 'error', ename: 'SwitchError' });
    expect(refused.reply.content.evalue).toMatch(/^version_mismatch: .*3\.12/);
    expect(await evaluate(client, 'kept')).toBe('7');
    expect(await evaluate(client, "'after' in dir()")).toBe('False');
    expect(await stdoutOf(client, `try:\n    pyswitch.switch(${JSON.stringify(at('missing'))})\nexcept pyswitch.SwitchError as e:\n    print(e.code)`))
      .toBe('not_found\n');
  }));

  test('threads of the cell refuse an in-process switch at once (busy)', kernel.test(async (client) => {
    const code = 'import threading, pyswitch\nheld = threading.Event()\nthreading.Thread(target=held.wait, name="holder").start()\n' +
      `try:\n    pyswitch.switch(${JSON.stringify(at('b'))})\nexcept pyswitch.SwitchError as e:\n    print(e.code, "holder" in str(e))\nfinally:\n    held.set()`;
    expect(await stdoutOf(client, code)).toBe('busy True\n');
  }));

  test('a cell queued behind a switching cell runs in the new environment, not started early in the old', kernel.test(async (client) => {
    const before = await stdoutOf(client, 'import sys; print(sys.prefix)');
    const target = before === `${at('a')}\n` ? at('b') : at('a');
    const switching = await client.send('shell', 'execute_request', executeContent(`import pyswitch; pyswitch.switch(${JSON.stringify(target)})`));
    const queued = await client.send('shell', 'execute_request', executeContent('import sys; print(sys.prefix)'));
    expect((await switching.reply(30_000)).content.status).toBe('ok');
    expect((await queued.reply(30_000)).content.status).toBe('ok');
    expect(streamText(await queued.untilIdle(30_000), 'stdout')).toBe(`${target}\n`);
  }));
});
