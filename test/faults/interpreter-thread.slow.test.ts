/// <reference types="jest" />
// The interpreter's thread (README, "The interpreter's thread"; issue 8, item 12), each with a kernel of its
// own: the Python thread ending under a cell, and the fresh interpreter after it (within a bound, which a
// crash loop reaches); and the stdin rule, which keeps a stray input_reply from answering the interpreter.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { EnvComm } from '../../kernel/client/env-comm';
import { ExecuteResult } from '../../kernel/client/kernel-client';
import { delay, withTimeout } from '../../kernel/client/waiting';
import { Session } from '../../kernel/protocol/session';
import { Message } from '../../kernel/protocol/wire';
import { MAX_RECOVERIES, RECOVERY_WINDOW_MS } from '../../kernel/server/recovery';
import { DEBIAN311, PY311, PYTHONS, makeVenv } from '../envs/fixtures';
import { requestSwitch } from '../helpers/env-switch';
import { TestKernel } from '../helpers/kernel';
import { streamText } from '../helpers/messages';
import { childrenOf } from '../helpers/proc';
import { testNeeding } from '../helpers/pythons';
import { baselineOf, expectHealthy, startFaultKernel } from './health';

const WAIT_MS = 20_000;
const RECOVERY_MS = 60_000; // the re-exec's new image starts an interpreter (PYSWITCH_START_TIMEOUT_MS's default)

// Kills the Python thread from inside a cell: pthread_exit unwinds it out from under the interpreter.
const KILL_THE_THREAD = 'import ctypes\nctypes.CDLL(None).pthread_exit(None)';

// Both modes: IPython mode runs on Debian's Python, where IPython is.
describe.each([
  ['plain mode', { PYSWITCH_IPYTHON: '0' }, []],
  ['IPython mode', { PYSWITCH_PYTHON: DEBIAN311 }, [PYTHONS.debian311]],
])('the Python thread ends under a cell (item 12), in %s', (_mode, env, needs) => {
  const test = testNeeding(...needs);
  let kernel: TestKernel;
  let tmp: string;
  const unparented: Message[] = []; // iopub messages of no request: what a (re)starting kernel says

  // A variable a switch would clear: the fresh interpreter is in the environment the kernel was in, as it was.
  let pythonPath: string;

  beforeAll(async () => {
    pythonPath = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-pythonpath-'));
    ({ kernel, tmp } = await startFaultKernel({ ...env, PYTHONPATH: pythonPath }));
    kernel.client.observe((traffic) => {
      if (traffic.kind === 'received' && traffic.channel === 'iopub' && Object.keys(traffic.message.parent_header).length === 0) {
        unparented.push(traffic.message);
      }
    });
  }, 60_000);

  afterAll(async () => {
    await kernel?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (pythonPath) fs.rmSync(pythonPath, { recursive: true, force: true });
  });

  // The cell that kills the thread, and one sent right behind it (it arrives while the thread is gone).
  // The killed cell's error reply would abort the cell behind (stop_on_error), if it is queued by then.
  async function killWithOneBehind(): Promise<{ killed: ExecuteResult; behind: ExecuteResult }> {
    const [killed, behind] = await Promise.all([
      kernel.client.execute(KILL_THE_THREAD, { timeoutMs: WAIT_MS, stopOnError: false }),
      kernel.client.execute("import os\nprint('survivor' in globals(), os.environ.get('PYTHONPATH'))", { timeoutMs: RECOVERY_MS }),
    ]);
    return { killed, behind };
  }

  test('the cell is answered with an error; a fresh interpreter in the same process serves what comes next', async () => {
    const baseline = await baselineOf(kernel, tmp);
    expect((await kernel.client.execute('survivor = 1')).reply.content.status).toBe('ok');
    const before = unparented.length;
    const { killed, behind } = await killWithOneBehind();
    expect(killed.reply.content).toMatchObject({ status: 'error', ename: 'KernelError' });
    expect(String(killed.reply.content.evalue)).toMatch(/the Python thread has ended.*pthread_exit/);
    expect(streamText(killed.iopub, 'stderr')).toMatch(/the Python thread has ended .*starts a fresh interpreter/);
    // Its reply carries the counter, as every execute_reply does (the spec).
    const killedCount = Number(killed.iopub.find((m) => m.header.msg_type === 'execute_input')?.content.execution_count);
    expect(killed.reply.content.execution_count).toBe(killedCount);
    // Served by the new image, in a fresh interpreter (the variable is gone), the counter going on.
    expect(behind.reply.content).toMatchObject({ status: 'ok', execution_count: killedCount + 1 });
    expect(streamText(behind.iopub, 'stdout')).toBe(`False ${pythonPath}\n`);
    // The new image starts as a restarted kernel does, and says where its interpreter runs.
    const said = unparented.slice(before);
    expect(said.some((m) => m.header.msg_type === 'status' && m.content.execution_state === 'starting')).toBe(true);
    expect(streamText(said, 'stderr')).toMatch(/after the Python thread ended, a fresh interpreter started in .*variables start afresh/);
    await expectHealthy(kernel, baseline);
  }, 120_000);

  test(`after ${MAX_RECOVERIES} fresh interpreters within ${RECOVERY_WINDOW_MS / 1000} s, the kernel answers errors instead of looping`, async () => {
    const baseline = await baselineOf(kernel, tmp);
    // The first test used one recovery of the window.
    for (let recovery = 2; recovery <= MAX_RECOVERIES; recovery++) {
      const { behind } = await killWithOneBehind();
      expect(behind.reply.content.status).toBe('ok');
    }
    const last = await kernel.client.execute(KILL_THE_THREAD, { timeoutMs: WAIT_MS });
    expect(last.reply.content).toMatchObject({ status: 'error', ename: 'KernelError' });
    expect(streamText(last.iopub, 'stderr')).toMatch(/does not start another interpreter/);
    const completion = await kernel.client.request('shell', 'complete_request', { code: 'pri', cursor_pos: 3 }, WAIT_MS);
    expect(completion.content).toMatchObject({ status: 'error', ename: 'KernelError' });
    await expectHealthy(kernel, baseline, 'error');
  }, 180_000);
});

// A crash loop: the thread ends as IPython mode starts, in every image (a sitecustomize's import hook
// kills it at IPython's first submodule). Each death brings a fresh interpreter until the bound; then
// the kernel stays, answering errors, instead of re-executing for ever.
describe('a Python thread that ends at every start of IPython mode', () => {
  const test = testNeeding(PYTHONS.debian311);
  let kernel: TestKernel;
  let tmp: string;
  let site: string;
  const said: Message[] = [];

  beforeAll(async () => {
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-crash-site-'));
    fs.writeFileSync(path.join(site, 'sitecustomize.py'), 'import ctypes, sys\n\n' +
      'class _EndTheThread:\n' +
      '    def find_spec(self, name, path=None, target=None):\n' +
      '        if name.startswith("IPython."):\n' +
      '            ctypes.CDLL(None).pthread_exit(None)\n\n' +
      'sys.meta_path.insert(0, _EndTheThread())\n');
    ({ kernel, tmp } = await startFaultKernel({ PYSWITCH_PYTHON: DEBIAN311, PYTHONPATH: site }));
    kernel.client.observe((traffic) => {
      if (traffic.kind === 'received' && traffic.channel === 'iopub') said.push(traffic.message);
    });
  }, 60_000);

  afterAll(async () => {
    await kernel?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (site) fs.rmSync(site, { recursive: true, force: true });
  });

  test(`stops after ${MAX_RECOVERIES} fresh interpreters, and the kernel goes on answering`, async () => {
    const ended = (): string => kernel.output(1_000_000);
    await withTimeout((async () => {
      while (!ended().includes('does not start another interpreter')) await delay(50); // the kernel's log: the event
    })(), (MAX_RECOVERIES + 1) * RECOVERY_MS, 'the end of the crash loop').catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- kernel output ---\n${kernel.output()}`);
    });
    expect(ended().match(/the kernel starts a fresh interpreter in the same process/g)).toHaveLength(MAX_RECOVERIES);
    const info = await kernel.client.request('control', 'kernel_info_request', {}, WAIT_MS);
    expect(info.content.status).toBe('ok');
    const { reply } = await kernel.client.execute('print(6 * 7)', { timeoutMs: WAIT_MS });
    expect(reply.content).toMatchObject({ status: 'error', ename: 'KernelError' });
    // With no request in flight, iopub said it as a restart's notice: to no request in particular.
    expect(streamText(said.filter((m) => Object.keys(m.parent_header).length === 0), 'stderr'))
      .toMatch(/does not start another interpreter/);
    expect(kernel.running.process.running).toBe(true);
    expect(childrenOf(kernel.pid)).toEqual([]);
    expect(fs.readdirSync(path.join(tmp, 'tmp'))).toEqual([]); // nothing left in its temp dir
  }, (MAX_RECOVERIES + 2) * RECOVERY_MS);
});

// The stdin rule (kernel.ts, onStdin): an input_reply that answers no input_request is dropped. The
// interpreter waits for the kernel's answer to its own questions the way it waits for input(), so a stray
// reply that came while a cell waited on the kernel would otherwise be taken as the kernel's answer.
describe('a stray input_reply while a cell waits on the kernel', () => {
  let kernel: TestKernel;
  let tmp: string;

  beforeAll(async () => {
    ({ kernel, tmp } = await startFaultKernel());
  }, 60_000);

  afterAll(async () => {
    await kernel?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  // Until `check` holds; each look is at an event the test waits for (a file, a log line).
  async function until(check: () => boolean, what: string): Promise<void> {
    await withTimeout((async () => {
      while (!check()) await delay(20);
    })(), WAIT_MS, what);
  }

  testNeeding(PYTHONS.py311)('is dropped: the cell gets the kernel\'s answer, and a later input() its own reply', async () => {
    const baseline = await baselineOf(kernel, tmp);
    // A switch target whose interpreter, probed by the switch's check, waits until the test lets it go,
    // then fails: the cell's pyswitch.switch() waits on the kernel all that time, with no input_request out.
    const venv = path.join(tmp, 'held');
    await makeVenv(PY311, venv);
    const [probed, release] = [path.join(tmp, 'probed'), path.join(tmp, 'release')];
    fs.rmSync(path.join(venv, 'bin', 'python'));
    fs.writeFileSync(path.join(venv, 'bin', 'python'),
      `#!/bin/bash\ntouch ${probed}\nwhile [ ! -e ${release} ]; do sleep 0.02; done\necho "let go" >&2\nexit 1\n`, { mode: 0o755 });
    const cell = kernel.client.execute(`import pyswitch\npyswitch.switch(${JSON.stringify(venv)})`, { timeoutMs: WAIT_MS });
    await until(() => fs.existsSync(probed), 'the probe of the target');

    // The stray reply, then a message the kernel logs: stdin is read in order, so once the log has the
    // second, the kernel has dealt with the first.
    const session = new Session(kernel.running.process.connection.key, kernel.running.process.connection.signature_scheme);
    await kernel.client.sendFrames('stdin', session.frames('input_reply', { value: 'stray' }));
    await kernel.client.sendFrames('stdin', session.frames('stray_marker', {}));
    await until(() => kernel.output(1_000_000).includes('dropped a stdin message of type "stray_marker"'), 'the marker in the log');
    fs.writeFileSync(release, '');

    const { reply } = await cell;
    expect(reply.content).toMatchObject({ status: 'error', ename: 'SwitchError' });
    expect(kernel.output(1_000_000)).toContain('dropped an input_reply that answers no input_request');

    kernel.client.onInputRequest(() => Promise.resolve('real'));
    try {
      const { reply: asked, iopub } = await kernel.client.execute("print(input('? '))", { timeoutMs: WAIT_MS });
      expect(asked.content.status).toBe('ok');
      expect(streamText(iopub, 'stdout')).toBe('real\n');
    } finally {
      kernel.client.onInputRequest(undefined);
    }
    await expectHealthy(kernel, baseline);
  }, 120_000);
});

// The thread ends in the middle of an in-process switch: an atexit handler ends it while the interpreter
// is finalized. The switch is still answered (its target never started: init_failed), and the kernel
// comes back in the environment it was in, in a fresh interpreter of the same process.
describe('the Python thread ends during an in-process switch', () => {
  const test = testNeeding(PYTHONS.py311);
  let kernel: TestKernel;
  let tmp: string;

  beforeAll(async () => {
    ({ kernel, tmp } = await startFaultKernel({ PYSWITCH_IPYTHON: '0' }));
  }, 60_000);

  afterAll(async () => {
    await kernel?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the switch is answered, and the previous environment comes back in a fresh interpreter', async () => {
    const venv = await makeVenv(PY311, path.join(tmp, 'venv'));
    const comm = new EnvComm(kernel.client);
    await comm.open();
    const before = (await comm.request({ request: 'current' })).reply.env as { root: string };
    const baseline = await baselineOf(kernel, tmp);
    const armed = await kernel.client.execute('import atexit, ctypes\natexit.register(lambda: ctypes.CDLL(None).pthread_exit(None))\nsurvivor = 1');
    expect(armed.reply.content.status).toBe('ok');
    const { reply } = await withTimeout(requestSwitch(comm, venv), RECOVERY_MS, 'the switch reply');
    expect(reply).toMatchObject({ reply: 'switch', ok: false, restored: true, error: { code: 'init_failed' }, env: { root: before.root } });
    expect((reply.error as { message: string }).message).toMatch(/the Python thread has ended/);
    const { reply: cell, iopub } = await kernel.client.execute("import sys\nprint(sys.prefix, 'survivor' in globals())", { timeoutMs: RECOVERY_MS });
    expect(cell.content.status).toBe('ok');
    expect(streamText(iopub, 'stdout')).toBe(`${before.root} False\n`);
    await expectHealthy(kernel, baseline);
  }, 120_000);
});
