/// <reference types="jest" />
// Faults around the interpreter's life (issue 8, items 10 and 12), each with a kernel of its own: an
// input_reply before the interpreter is ready, output held while no frontend listens, and a connection
// file without a key. The Python thread's end is in interpreter-thread.slow.test.ts.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zmq from 'zeromq';

import { KernelClient, executeContent } from '../../kernel/client/kernel-client';
import { KernelProcess, launchKernel } from '../../kernel/client/launcher';
import { newConnectionInfo, writeConnectionFile } from '../../kernel/client/new-connection';
import { withTimeout } from '../../kernel/client/waiting';
import { Session } from '../../kernel/protocol/session';
import { endpoint } from '../../kernel/transport/connection-file';
import { kernelCommand } from '../helpers/kernel';
import { ofType, streamText } from '../helpers/messages';
import { lateIopubOf, nextMessage } from '../helpers/raw-sockets';

const WAIT_MS = 20_000;

// A kernel launched bare, with raw sockets of our own: what happens before any frontend is connected.
describe('before a frontend is fully there', () => {
  let dir: string;
  const kernels: KernelProcess[] = [];
  const sockets: zmq.Socket[] = [];
  const clients: KernelClient[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-fault-'));
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const socket of sockets) socket.close();
    for (const kernel of kernels) {
      await kernel.kill();
      kernel.removeConnectionFile();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function launch(name: string, env: Record<string, string> = {}): Promise<{ kernel: KernelProcess; log: string }> {
    const log = path.join(dir, `${name}.log`);
    const output = fs.openSync(log, 'w');
    try {
      const command = kernelCommand();
      const kernel = await launchKernel({ ...command, env: { ...command.env, PYSWITCH_HISTORY_FILE: path.join(dir, 'history.jsonl'), ...env } },
        { output, runtimeDir: dir });
      kernels.push(kernel);
      return { kernel, log };
    } finally {
      fs.closeSync(output);
    }
  }

  function dealer(kernel: KernelProcess, channel: 'shell' | 'stdin'): zmq.Dealer {
    const socket = new zmq.Dealer({ linger: 0 });
    sockets.push(socket);
    socket.connect(endpoint(kernel.connection, channel));
    return socket;
  }

  async function answersAnExecute(kernel: KernelProcess): Promise<void> {
    const client = await KernelClient.connect(kernel.connection, { timeoutMs: WAIT_MS });
    clients.push(client);
    const { reply, iopub } = await client.execute('print(6 * 7)', { timeoutMs: WAIT_MS });
    expect(reply.content.status).toBe('ok');
    expect(streamText(iopub, 'stdout')).toBe('42\n');
  }

  const EARLY_REPLIES = 50;

  test('a cell that takes the process down is in the history, one started early behind another too', async () => {
    const { kernel } = await launch('exit-in-cell', { PYSWITCH_HISTORY_FILE: path.join(dir, 'exit-history.jsonl') });
    const client = await KernelClient.connect(kernel.connection, { timeoutMs: WAIT_MS });
    clients.push(client);
    // The second waits in the shell queue behind the first, so it is handed over as the first ends.
    const first = await client.send('shell', 'execute_request', executeContent('import time; time.sleep(0.2)'));
    await client.send('shell', 'execute_request', executeContent('import os; os._exit(3)'));
    expect((await first.reply(WAIT_MS)).content.status).toBe('ok');
    expect(await kernel.waitExit(WAIT_MS)).toMatchObject({ code: 3 });
    const inputs = fs.readFileSync(path.join(dir, 'exit-history.jsonl'), 'utf8');
    expect(inputs).toContain('time.sleep(0.2)');
    expect(inputs).toContain('os._exit(3)');
  });

  test('input_replies that come before the interpreter is ready leave the stdin channel serving', async () => {
    // The interpreter's start takes a second and a half (a slow sitecustomize): the replies surely come first.
    const slow = path.join(dir, 'slow-site');
    fs.mkdirSync(slow);
    fs.writeFileSync(path.join(slow, 'sitecustomize.py'), 'import time\ntime.sleep(1.5)\n');
    const { kernel, log } = await launch('early-input', { PYTHONPATH: slow });
    const session = new Session(kernel.connection.key, kernel.connection.signature_scheme);
    const stdin = dealer(kernel, 'stdin');
    const shell = dealer(kernel, 'shell');
    await shell.send(session.frames('kernel_info_request', {}));
    const ready = withTimeout(nextMessage(shell, session), WAIT_MS, 'kernel_info_reply');
    // A few replies, well inside the interpreter's start (a flood until kernel_info_reply left thousands
    // queued, still being read when the cell below asked for input).
    for (let i = 0; i < EARLY_REPLIES; i++) await stdin.send(session.frames('input_reply', { value: 'too early' }));
    await ready;
    expect(fs.readFileSync(log, 'utf8')).toContain('dropped an input_reply that came before the interpreter was ready');

    const client = await KernelClient.connect(kernel.connection, { timeoutMs: WAIT_MS });
    clients.push(client);
    client.onInputRequest(() => Promise.resolve('in time'));
    const { reply, iopub } = await client.execute("print(input('? '))", { timeoutMs: WAIT_MS });
    expect(reply.content.status).toBe('ok');
    expect(streamText(iopub, 'stdout')).toBe('in time\n');
  });

  test('output held while nobody subscribes is bounded in bytes; a note says what was dropped', async () => {
    const { kernel } = await launch('held', { PYSWITCH_HELD_IOPUB_BYTES: String(1024 * 1024) });
    const session = new Session(kernel.connection.key, kernel.connection.signature_scheme);
    const shell = dealer(kernel, 'shell');
    const request = session.frames('execute_request', { code: "for i in range(64):\n    print('x' * 65536)\nprint('last')", silent: false });
    const requestId = (JSON.parse(request[2].toString()) as { msg_id: string }).msg_id;
    await shell.send(request);
    expect((await withTimeout(nextMessage(shell, session), WAIT_MS, 'execute_reply')).content.status).toBe('ok');

    const streams = ofType(await lateIopubOf(kernel.connection, session, requestId, sockets, WAIT_MS), 'stream');
    const stdout = streamText(streams, 'stdout');
    expect(stdout.length).toBeLessThan(1024 * 1024);
    expect(stdout.endsWith('last\n')).toBe(true);
    expect(streamText(streams, 'stderr')).toMatch(/^\[pyswitch: \d+ output messages? \(\d+ bytes\) dropped while no frontend was listening\]\n$/);
    await answersAnExecute(kernel);
  });

  // Two kernels handed the same ports (ports picked free, then bound later, can collide): the second
  // must not share the first's connections (it would answer some of its frontends' requests), but fail to
  // bind, as a kernel of any other kind does, so that its launcher can start it on other ports.
  test('a second kernel given the ports of a running one exits, unable to bind; the first serves every connection', async () => {
    const { kernel: first } = await launch('first');
    await answersAnExecute(first);
    const log = path.join(dir, 'second.log');
    const output = fs.openSync(log, 'w');
    const command = kernelCommand();
    const argv = command.argv.map((arg) => arg.replace('{connection_file}', first.connectionFile));
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', output, output], detached: true,
      env: { ...process.env, PYSWITCH_HISTORY_FILE: path.join(dir, 'history.jsonl') } });
    fs.closeSync(output);
    const second = new KernelProcess(child, first.connection, first.connectionFile);
    kernels.push(second);
    expect(await second.waitExit(WAIT_MS)).toMatchObject({ code: 1 });
    expect(fs.readFileSync(log, 'utf8')).toMatch(/cannot bind [\d.]+:\d+: Address already in use/);
    for (let i = 0; i < 10; i++) await answersAnExecute(first); // each a new connection on every channel
  });

  test('a connection file without a key over tcp is warned about, and the kernel serves', async () => {
    const connection = { ...(await newConnectionInfo()), key: '' };
    const file = writeConnectionFile(connection, dir);
    const log = path.join(dir, 'no-key.log');
    const output = fs.openSync(log, 'w');
    const command = kernelCommand();
    const argv = command.argv.map((arg) => arg.replace('{connection_file}', file));
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', output, output], detached: true,
      env: { ...process.env, PYSWITCH_HISTORY_FILE: path.join(dir, 'history.jsonl') } });
    fs.closeSync(output);
    const kernel = new KernelProcess(child, connection, file);
    kernels.push(kernel);
    await answersAnExecute(kernel);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/warning: the connection file has no key, so messages are not signed/);
  });
});
