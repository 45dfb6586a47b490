/// <reference types="jest" />
// The switch and re-exec faults of issue 8, each over real sockets on a real kernel, each ending with the
// kernel answering kernel_info and an execute, in the same process (os.getpid() in a cell), with no
// leaked descriptors or children. Items: 1 (daemon threads), 2 (non-daemon threads, a
// blocking atexit handler), 4 (interrupt during a re-exec), 5 (a new image that fails early, a deleted
// connection file), 6 (the ports stay bound through the gap), 11 (the replay guard survives a re-exec).
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

import { EnvComm } from '../../kernel/client/env-comm';
import { executeContent } from '../../kernel/client/kernel-client';
import { Session } from '../../kernel/protocol/session';
import { Header } from '../../kernel/protocol/header';
import { requestSwitch, switchRequest } from '../helpers/env-switch';
import { useKernel } from '../helpers/kernel';
import { parentId, stdoutOf } from '../helpers/messages';
import { Baseline, baseline, expectHealthy } from '../helpers/process-health';
import { testNeeding } from '../helpers/pythons';
import { PY311, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py311);

jest.setTimeout(180_000);
const REPLY_MS = 60_000;
const FINALIZE_MS = 1500;

const dir = tempTree('switch-faults');
const at = (...parts: string[]): string => path.join(dir, ...parts);
// Plain mode: faster images; a short finalize deadline keeps the atexit test quick; no python-info cache
// (see breakAfterPreflight).
const kernel = useKernel({ PYSWITCH_IPYTHON: '0', PYSWITCH_FINALIZE_TIMEOUT_MS: String(FINALIZE_MS), XDG_CACHE_HOME: '/dev/null/no-cache' });
let comm: EnvComm;
let before: Baseline;

// A venv whose python works for everyone but the kernel image that is to embed it: the target breaks
// between preflight (in the old image) and the new image's start, as one removed after preflight does.
// The kernel keeps no python-info cache (XDG_CACHE_HOME cannot be made), so every image probes again.
function breakAfterPreflight(venv: string): void {
  const python = path.join(venv, 'bin', 'python');
  const real = fs.realpathSync(python);
  fs.rmSync(python);
  fs.writeFileSync(python, '#!/bin/bash\n' +
    '# the image started for this environment names it in its argv\n' +
    `if tr '\\0' '\\n' < /proc/$PPID/cmdline | grep -qxF -- "$0"; then echo "gone after preflight" >&2; exit 1; fi\n` +
    `exec -a "$0" ${real} "$@"\n`, { mode: 0o755 });
}

beforeAll(async () => {
  await Promise.all(['a', 'b', 'broken'].map((name) => makeVenv(PY311, at(name))));
  breakAfterPreflight(at('broken'));
  comm = new EnvComm(kernel.client);
  await comm.open();
  // The first re-exec sets the steady state of descriptors every later check compares with.
  expect((await requestSwitch(comm, at('a'), 're-exec')).reply).toMatchObject({ ok: true });
  before = await baseline(kernel.client);
});
afterAll(() => removeTree(dir));

async function switchTo(target: string, strategy?: 're-exec' | 'in-process'): Promise<Record<string, unknown>> {
  return (await requestSwitch(comm, target, strategy)).reply;
}

test('1: daemon threads make a switch go by re-exec (or refuse in-process); the kernel outlives them', kernel.test(async (client) => {
  await stdoutOf(client, 'import threading, time\n' +
    'threading.Thread(target=lambda: (time.sleep(1), print("woke")), daemon=True, name="sleepy-daemon").start()');
  const refused = await switchTo(at('b'), 'in-process');
  expect(refused).toMatchObject({ ok: false, error: { code: 'busy' } });
  expect((refused.error as { message: string }).message).toContain('sleepy-daemon');
  expect(await switchTo(at('b'))).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at('b') } });
  // Past the moment the thread would have woken in a re-initialised interpreter.
  expect(await stdoutOf(client, 'import time; time.sleep(1.5); print("still here")')).toBe('still here\n');
  await expectHealthy(client, before);
}));

test('2: live non-daemon threads refuse both strategies with busy, naming them; variables survive', kernel.test(async (client) => {
  await stdoutOf(client, 'import threading\nkept = 7\nrelease = threading.Event()\n' +
    'threading.Thread(target=release.wait, name="waiting-worker").start()');
  for (const strategy of [undefined, 're-exec', 'in-process'] as const) {
    const reply = await switchTo(at('a'), strategy);
    expect(reply).toMatchObject({ ok: false, restored: true, error: { code: 'busy' } });
    expect((reply.error as { message: string }).message).toContain('waiting-worker');
  }
  expect(await stdoutOf(client, 'print(kept); release.set()')).toBe('7\n');
  expect(await stdoutOf(client, 'import threading\nfor t in threading.enumerate():\n  t is threading.main_thread() or t.join()')).toBe('');
  await expectHealthy(client, before);
}));

test('1: a daemon thread behind a blocked threading import refuses the switch, which cannot list it', kernel.test(async (client) => {
  await stdoutOf(client, 'import sys, threading\nkept = 7\nrelease = threading.Event()\n' +
    'threading.Thread(target=release.wait, daemon=True, name="hidden-daemon").start()\nsys.modules["threading"] = None');
  const reply = await switchTo(at('b'));
  expect(reply).toMatchObject({ ok: false, restored: true, error: { code: 'busy' } });
  expect((reply.error as { message: string }).message).toContain('import of threading halted');
  expect(await stdoutOf(client, 'del sys.modules["threading"]\nimport threading\nprint(kept); release.set()')).toBe('7\n');
  await expectHealthy(client, before);
}));

test('1: a thread started with _thread, which threading does not list, makes the switch a re-exec', kernel.test(async (client) => {
  await stdoutOf(client, 'import _thread, time\ndef spin():\n    while True: time.sleep(0.05)\n_thread.start_new_thread(spin, ())');
  const reply = await switchTo(at('b'));
  expect(reply).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at('b') } });
  // Past many of the thread's wake-ups: in a re-initialised interpreter the first one ended the process.
  expect(await stdoutOf(client, 'import time; time.sleep(0.5); print("still here")')).toBe('still here\n');
  await expectHealthy(client, before);
}));

test('2: an idle thread pool does not hold a switch back; a busy one refuses it', kernel.test(async (client) => {
  await stdoutOf(client, 'import concurrent.futures, threading\npool = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="pool")\n' +
    'started, release = threading.Event(), threading.Event()\ndef work():\n    started.set(); release.wait()\n' +
    'busy = pool.submit(work); started.wait()');
  const refused = await switchTo(at('a'));
  expect(refused).toMatchObject({ ok: false, restored: true, error: { code: 'busy' } });
  expect((refused.error as { message: string }).message).toContain('pool_0');
  // Done with its item, the worker waits for the next (a moment after the result is out): finalizing wakes
  // and joins it.
  await stdoutOf(client, 'import time\nfrom pyswitch import _switch\nrelease.set(); busy.result(); deadline = time.monotonic() + 10\n' +
    'while _switch.running_threads()[0] and time.monotonic() < deadline: time.sleep(0.001)');
  expect(await switchTo(at('a'))).toMatchObject({ ok: true, strategy: 'in-process', env: { root: at('a') } });
  expect(await stdoutOf(client, 'import threading; print([t.name for t in threading.enumerate()])')).toBe("['MainThread']\n");
  await expectHealthy(client, before);
}));

test('a timer a cell armed (signal.alarm) does not end the kernel after either switch', kernel.test(async (client) => {
  for (const strategy of ['in-process', 're-exec'] as const) {
    await stdoutOf(client, 'import signal\nsignal.signal(signal.SIGALRM, lambda *a: print("alarm"))\nsignal.setitimer(signal.ITIMER_REAL, 0.3)');
    expect(await switchTo(at(strategy === 'in-process' ? 'a' : 'b'), strategy)).toMatchObject({ ok: true, strategy });
    // Past the moment it would have gone off, where no handler of the cell's is left.
    expect(await stdoutOf(client, 'import time; time.sleep(0.6); print("still here")')).toBe('still here\n');
  }
  await expectHealthy(client, before);
}));

test('a NODE_OPTIONS a cell set, which Node cannot start with, does not reach a re-exec\'s new image', kernel.test(async (client) => {
  await stdoutOf(client, 'import os; os.environ["NODE_OPTIONS"] = "--require /nonexistent/pyswitch-test.js"');
  expect(await switchTo(at('a'), 're-exec')).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at('a') } });
  expect(await stdoutOf(client, 'import os; print(os.environ.get("NODE_OPTIONS"))')).toBe('None\n');
  await expectHealthy(client, before);
}));

test('environment requests are answered after a cell removed the working directory', kernel.test(async (client) => {
  // A relative target is relative to where the cells are, not to where the kernel started.
  await stdoutOf(client, `import os; os.chdir(${JSON.stringify(dir)})`);
  expect(await switchTo('a')).toMatchObject({ ok: true, env: { root: at('a') } });
  await stdoutOf(client, 'import os, tempfile\ngone = tempfile.mkdtemp()\nos.chdir(gone); os.rmdir(gone)');
  try {
    expect((await comm.request({ request: 'current' })).reply).toMatchObject({ reply: 'current', env: { root: at('a') } });
    const relative = await switchTo('b');
    expect(relative).toMatchObject({ ok: false, restored: true, error: { code: 'not_found' } });
    expect((relative.error as { message: string }).message).toContain('no longer exists');
    expect(await switchTo(at('b'))).toMatchObject({ ok: true, env: { root: at('b') } });
  } finally {
    await stdoutOf(client, `import os; os.chdir(${JSON.stringify(process.cwd())})`);
  }
  await expectHealthy(client, before);
}));

test('2: a blocking atexit handler cannot hang an in-process switch: the image is replaced anyway', kernel.test(async (client) => {
  await stdoutOf(client, 'import atexit, time; atexit.register(time.sleep, 3600)');
  const reply = await switchTo(at('a'));
  expect(reply).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at('a') } });
  expect(reply.elapsed_ms as number).toBeGreaterThanOrEqual(FINALIZE_MS);
  expect(await stdoutOf(client, 'import sys; print(sys.prefix)')).toBe(`${at('a')}\n`);
  await expectHealthy(client, before);
}));

test('4: interrupts during a re-exec are answered and harmless', kernel.test(async (client) => {
  const switched = await client.send('shell', 'comm_msg', { comm_id: comm.commId, data: { ...switchRequest(at('b'), 're-exec'), id: 'int' } });
  const interrupts = [client.request('control', 'interrupt_request', {}, REPLY_MS)];
  const cell = client.execute('print("after")', { timeoutMs: REPLY_MS });
  interrupts.push(client.request('control', 'interrupt_request', {}, REPLY_MS));
  try {
    const iopub = await switched.untilIdle(REPLY_MS);
    expect(iopub.map((m) => m.content.data as { id?: string } | undefined).find((d) => d?.id === 'int')).toMatchObject({ ok: true });
  } finally {
    switched.dispose();
  }
  for (const reply of await Promise.all(interrupts)) expect(reply.content.status).toBe('ok');
  const { reply } = await cell;
  expect(reply.content.status).toBe('ok'); // the queued cell was not interrupted
  await expectHealthy(client, before);
}));

test('5: a new image that fails before its interpreter is up goes back by a second re-exec', kernel.test(async (client) => {
  await stdoutOf(client, 'gone = 1');
  const current = (await comm.request({ request: 'current' })).reply.env as { root: string };
  const reply = await switchTo(at('broken'), 're-exec');
  expect(reply).toMatchObject({ ok: false, restored: true, env: { root: current.root }, error: { code: 'init_failed' } });
  expect((reply.error as { message: string }).message).toContain('gone after preflight');
  expect(await stdoutOf(client, 'import sys; print(sys.prefix, "gone" in dir())')).toBe(`${current.root} False\n`);
  await expectHealthy(client, before);
}));

test('5: a deleted connection file does not stop a re-exec (the connection goes across in memory)', kernel.test(async (client) => {
  const file = kernel.kernel.running.process.connectionFile;
  const aside = `${file}.aside`;
  fs.renameSync(file, aside);
  try {
    expect(await switchTo(at('a'), 're-exec')).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at('a') } });
  } finally {
    fs.renameSync(aside, file);
  }
  await expectHealthy(client, before);
}));

// Binds the port as another local process would; true when that worked.
function tryBind(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}

test('6: no other process can take the ports while the image is replaced', kernel.test(async (client) => {
  const { connection } = kernel.kernel.running.process;
  const ports = [connection.shell_port, connection.control_port, connection.iopub_port, connection.stdin_port, connection.hb_port];
  let done = false;
  let attempts = 0;
  const taken: number[] = [];
  const prober = (async () => {
    for (let i = 0; !done; i++, attempts++) {
      const port = ports[i % ports.length];
      if (await tryBind(connection.ip, port)) taken.push(port);
      await new Promise(setImmediate); // a refused listen() settles in nextTick: let I/O in between
    }
  })();
  try {
    expect(await switchTo(at('b'), 're-exec')).toMatchObject({ ok: true });
  } finally {
    done = true;
    await prober;
  }
  expect(attempts).toBeGreaterThan(ports.length);
  expect(taken).toEqual([]);
  await expectHealthy(client, before);
}));

test('11: signed frames captured before a re-exec are refused after it', kernel.test(async (client) => {
  const { connection } = kernel.kernel.running.process;
  const marker = at('replayed.txt');
  const forger = new Session(connection.key, connection.signature_scheme, 'replayer');
  const frames = forger.frames('execute_request', executeContent(`open(${JSON.stringify(marker)}, "a").write("x")`));
  const header = JSON.parse(frames[2].toString('utf8')) as Header;
  const replies: string[] = [];
  const stop = client.observe((traffic) => {
    if (traffic.kind === 'received' && traffic.message.header.msg_type === 'execute_reply') replies.push(parentId(traffic.message) ?? '?');
  });
  try {
    const first = client.track(header);
    await client.sendFrames('shell', frames);
    await first.reply(REPLY_MS);
    first.dispose();
    expect(await switchTo(at('a'), 're-exec')).toMatchObject({ ok: true });
    await client.sendFrames('shell', frames); // the same bytes again
    // Served in order on the same connection: once this cell has run, the replay would have too.
    expect(await stdoutOf(client, `print(open(${JSON.stringify(marker)}).read())`)).toBe('x\n');
  } finally {
    stop();
  }
  expect(replies.filter((id) => id === header.msg_id)).toHaveLength(1);
  await expectHealthy(client, before);
}));
