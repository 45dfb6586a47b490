/// <reference types="jest" />
// The server layer against fakes (test/helpers/fake-kernel.ts): routing, busy/idle around each request,
// bad content, the shell queue, stop_on_error, the publisher's hold and the env requests, without a
// socket or an interpreter. test/protocol/ runs the same behaviour over real sockets.
import * as fs from 'fs';

import { ENV_COMM_TARGET } from '../../kernel/protocol/env-messages';
import { Message } from '../../kernel/protocol/wire';
import { FakeKernel, deferred, fakeKernel, idleAfter, replyTo } from '../helpers/fake-kernel';

let fake: FakeKernel;
afterEach(() => {
  fake.transport.close();
  fs.rmSync(fake.dir, { recursive: true, force: true });
});

const executeRequest = (code: string, extra: object = {}): object =>
  ({ code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...extra });

const failed = { status: 'error', ename: 'ValueError', evalue: 'no', traceback: ['ValueError: no'], user_expressions: {} };

describe('dispatch', () => {
  test('busy, the reply, idle: in that order, each with the request as parent', async () => {
    fake = await fakeKernel();
    fake.transport.subscribe();
    const request = fake.transport.deliver('shell', 'kernel_info_request', {});
    const reply = await fake.transport.next('shell', replyTo(request));
    await fake.transport.next('iopub', idleAfter(request));
    expect(reply.header.msg_type).toBe('kernel_info_reply');
    expect(reply.content).toMatchObject({ status: 'ok', implementation: 'pyswitch', banner: 'fake Python' });
    expect(reply.identities).toEqual([Buffer.from('frontend-1')]);
    expect(fake.transport.childrenOf(request)).toEqual(['iopub:status:busy', 'shell:kernel_info_reply', 'iopub:status:idle']);
  });

  test('an unknown msg_type is dropped, and the next request is served', async () => {
    fake = await fakeKernel();
    fake.transport.subscribe();
    const unknown = fake.transport.deliver('shell', 'constructor', {});
    const next = fake.transport.deliver('shell', 'kernel_info_request', {});
    await fake.transport.next('iopub', idleAfter(next));
    expect(fake.transport.childrenOf(unknown)).toEqual([]);
  });

  test('a bad field gets an error reply that names it, and nothing reaches the interpreter', async () => {
    fake = await fakeKernel();
    const request = fake.transport.deliver('shell', 'execute_request', { code: 42 });
    const reply = await fake.transport.next('shell', replyTo(request));
    expect(reply.content).toEqual({ status: 'error', ename: 'BadRequest', evalue: '"code" must be a string, not number', traceback: [] });
    expect(fake.python.methods()).toEqual([]);
  });

  test('control is served while a shell request is still running', async () => {
    const running = deferred<unknown>();
    fake = await fakeKernel({ execute: () => running.promise });
    const cell = fake.transport.deliver('shell', 'execute_request', executeRequest('while True: pass'));
    const interrupt = fake.transport.deliver('control', 'interrupt_request', {});
    expect((await fake.transport.next('control', replyTo(interrupt))).content).toEqual({ status: 'ok' });
    expect(fake.python.interrupts).toHaveLength(1);
    running.resolve({ status: 'ok', user_expressions: {} });
    expect((await fake.transport.next('shell', replyTo(cell))).content).toMatchObject({ status: 'ok' });
  });
});

describe('the debugger where the interpreter has no debugpy', () => {
  const request = (seq: number, command: string, args?: object): object =>
    ({ type: 'request', seq, command, ...(args ? { arguments: args } : {}) });

  test('kernel_info says so, debugInfo is answered, initialize is refused with the reason', async () => {
    fake = await fakeKernel();
    const info = fake.transport.deliver('shell', 'kernel_info_request', {});
    expect((await fake.transport.next('shell', replyTo(info))).content).toMatchObject({ debugger: false, supported_features: [] });
    const debugInfo = fake.transport.deliver('control', 'debug_request', request(0, 'debugInfo'));
    const answer = await fake.transport.next('control', replyTo(debugInfo));
    expect(answer.header.msg_type).toBe('debug_reply');
    expect(answer.content).toMatchObject({ type: 'response', request_seq: 0, command: 'debugInfo', success: true,
      body: { isStarted: false, hashMethod: 'Murmur2', breakpoints: [], stoppedThreads: [] } });
    const initialize = fake.transport.deliver('control', 'debug_request', request(1, 'initialize', { clientID: 'jupyterlab' }));
    expect((await fake.transport.next('control', replyTo(initialize))).content).toMatchObject({
      request_seq: 1, command: 'initialize', success: false, message: expect.stringContaining('cannot import debugpy') });
    expect(fake.python.methods()).toEqual([]); // nothing was started in the interpreter
  });

  test('a malformed debug_request still gets a debug_reply, and the kernel goes on', async () => {
    fake = await fakeKernel();
    const bad = fake.transport.deliver('control', 'debug_request', { seq: 'one', command: 'next' });
    expect((await fake.transport.next('control', replyTo(bad))).content).toMatchObject({
      success: false, command: 'next', message: '"seq" must be a number, not string' });
    const stepping = fake.transport.deliver('control', 'debug_request', request(2, 'next', { threadId: 1 }));
    expect((await fake.transport.next('control', replyTo(stepping))).content).toMatchObject({ request_seq: 2, success: false });
  });
});

describe('the shell queue', () => {
  test('one request at a time, in arrival order', async () => {
    const first = deferred<unknown>();
    const firstRuns = deferred<undefined>();
    const second = deferred<undefined>();
    fake = await fakeKernel({ execute: ({ code }) => {
      if (code !== 'first') {
        second.resolve(undefined);
        return { status: 'ok', user_expressions: {} };
      }
      firstRuns.resolve(undefined);
      return first.promise;
    } });
    fake.transport.subscribe();
    const a = fake.transport.deliver('shell', 'execute_request', executeRequest('first'));
    const b = fake.transport.deliver('shell', 'execute_request', executeRequest('second'));
    await firstRuns.promise;
    // While the first runs, the second only waits: it has reached neither the interpreter nor iopub.
    await fake.transport.next('control', replyTo(fake.transport.deliver('control', 'kernel_info_request', {})));
    expect(fake.python.requests.map((r) => r.payload.code)).toEqual(['first']);
    expect(fake.transport.childrenOf(b)).toEqual([]);
    first.resolve({ status: 'ok', user_expressions: {} });
    await second.promise;
    const replies = [await fake.transport.next('shell', replyTo(a)), await fake.transport.next('shell', replyTo(b))];
    expect(replies.map((r) => r.content.execution_count)).toEqual([1, 2]);
  });

  test('an execute reaches the interpreter before its busy is sent, and is released after its execute_input', async () => {
    const cell = deferred<unknown>();
    let sentWhenStarted: string[] | undefined;
    fake = await fakeKernel({ execute: () => {
      sentWhenStarted = fake.transport.childrenOf(request);
      return cell.promise;
    } });
    fake.transport.subscribe();
    const request = fake.transport.deliver('shell', 'execute_request', executeRequest('1'));
    await fake.transport.next('iopub', (m) => m.header.msg_type === 'execute_input');
    expect(sentWhenStarted).toEqual([]);
    expect(fake.python.requests.map((r) => r.released)).toEqual([true]);
    cell.resolve({ status: 'ok', user_expressions: {} });
    await fake.transport.next('iopub', idleAfter(request));
    expect(fake.transport.childrenOf(request)).toEqual(['iopub:status:busy', 'iopub:execute_input', 'shell:execute_reply', 'iopub:status:idle']);
  });

  test('the next queued execute starts as the one before ends; its own messages still follow that one\'s idle', async () => {
    const state = (message: Message): string => (typeof message.content.execution_state === 'string' ? message.content.execution_state : '');
    const first = deferred<unknown>();
    const sentWhenSecondStarted: string[] = [];
    fake = await fakeKernel({ execute: ({ code }) => {
      if (code === 'first') return first.promise;
      sentWhenSecondStarted.push(...fake.transport.sent.map(({ channel, message }) => `${channel}:${message.header.msg_type}:${state(message)}`));
      return { status: 'ok', user_expressions: {} };
    } });
    fake.transport.subscribe();
    const a = fake.transport.deliver('shell', 'execute_request', executeRequest('first'));
    const b = fake.transport.deliver('shell', 'execute_request', executeRequest('second'));
    await fake.transport.next('iopub', (m) => m.header.msg_type === 'execute_input');
    first.resolve({ status: 'ok', user_expressions: {} });
    await fake.transport.next('iopub', idleAfter(b));
    // The second was in the interpreter once the first's reply was handed over and before its idle was
    // sent, and held until its own execute_input.
    expect(sentWhenSecondStarted).toContain('shell:execute_reply:');
    expect(sentWhenSecondStarted).not.toContain('iopub:status:idle');
    expect(fake.python.requests.map((r) => [r.payload.code, r.payload.execution_count, r.released])).toEqual([['first', 1, true], ['second', 2, true]]);
    const cell = new Map([[a.header.msg_id, 'a'], [b.header.msg_id, 'b']]);
    const order = fake.transport.sent.filter(({ channel, message }) => channel === 'iopub' && cell.has(message.parent_header.msg_id))
      .map(({ message }) => `${cell.get(message.parent_header.msg_id) ?? ''}:${message.header.msg_type}:${state(message)}`);
    expect(order).toEqual(['a:status:busy', 'a:execute_input:', 'a:status:idle', 'b:status:busy', 'b:execute_input:', 'b:status:idle']);
    expect((await fake.transport.next('shell', replyTo(b))).content.execution_count).toBe(2);
  });

  test('nothing starts early past a request that is not an execute, failed cell or not', async () => {
    const first = deferred<unknown>();
    fake = await fakeKernel({ execute: ({ code }) => (code === 'first' ? first.promise : { status: 'ok', user_expressions: {} }) });
    const a = fake.transport.deliver('shell', 'execute_request', executeRequest('first', { stop_on_error: false }));
    const info = fake.transport.deliver('shell', 'kernel_info_request', {});
    const c = fake.transport.deliver('shell', 'execute_request', executeRequest('third'));
    const third = fake.transport.next('shell', replyTo(c));
    first.resolve(failed);
    await fake.transport.next('shell', replyTo(a));
    expect(fake.python.requests.map((r) => r.payload.code)).toEqual(['first']); // the kernel_info_request stands between
    await fake.transport.next('shell', replyTo(info));
    expect((await third).content.status).toBe('ok');
  });
});

describe('stop_on_error', () => {
  async function queueBehindFailure(stopOnError: boolean): Promise<{ replies: Message[] }> {
    const first = deferred<unknown>();
    fake = await fakeKernel({ execute: ({ code }) => (code === 'fails' ? first.promise : { status: 'ok', user_expressions: {} }) });
    const requests = [
      fake.transport.deliver('shell', 'execute_request', executeRequest('fails', { stop_on_error: stopOnError })),
      fake.transport.deliver('shell', 'execute_request', executeRequest('queued 1')),
      fake.transport.deliver('shell', 'kernel_info_request', {}),
      fake.transport.deliver('shell', 'execute_request', executeRequest('queued 2')),
    ];
    first.resolve(failed);
    return { replies: await Promise.all(requests.map((r) => fake.transport.next('shell', replyTo(r)))) };
  }

  test('the executes queued behind a failed one are aborted; other requests are still served', async () => {
    const { replies } = await queueBehindFailure(true);
    expect(replies.map((r) => r.content.status)).toEqual(['error', 'aborted', 'ok', 'aborted']);
    expect(fake.python.requests.map((r) => r.payload.code)).toEqual(['fails']);
  });

  test('stop_on_error false lets them run', async () => {
    const { replies } = await queueBehindFailure(false);
    expect(replies.map((r) => r.content.status)).toEqual(['error', 'ok', 'ok', 'ok']);
  });
});

describe("the publisher's hold", () => {
  test('iopub messages wait for a subscriber, who is welcomed first and then gets them in order', async () => {
    fake = await fakeKernel();
    const request = fake.transport.deliver('shell', 'kernel_info_request', {});
    await fake.transport.next('shell', replyTo(request));
    expect(fake.transport.sent.filter((s) => s.channel === 'iopub')).toEqual([]);
    fake.transport.subscribe('');
    await fake.transport.next('iopub', idleAfter(request));
    const iopub = fake.transport.sent.filter((s) => s.channel === 'iopub').map((s) =>
      [s.message.header.msg_type, s.message.content.execution_state].filter(Boolean).join(':'));
    expect(iopub).toEqual(['iopub_welcome', 'status:starting', 'status:busy', 'status:idle']);
  });
});

describe('the pyswitch.env comm', () => {
  async function openEnvComm(data: object): Promise<Message> {
    fake = await fakeKernel();
    fake.transport.subscribe();
    return fake.transport.deliver('shell', 'comm_open', { comm_id: 'env-1', target_name: ENV_COMM_TARGET, data });
  }

  async function answerTo(data: object): Promise<Message> {
    const open = await openEnvComm(data);
    return fake.transport.next('iopub', (m) => replyTo(open)(m) && m.header.msg_type === 'comm_msg');
  }

  test('a malformed request gets bad_request, naming the field', async () => {
    const reply = await answerTo({ request: 'switch', id: 'r1' });
    expect(reply.content).toEqual({ comm_id: 'env-1', data: { reply: 'switch', id: 'r1', ok: false,
      error: { code: 'bad_request', message: '"target" is required' } } });
  });

  test('a refused switch is answered before anything in the interpreter is touched', async () => {
    const reply = await answerTo({ request: 'switch', id: 'r2', target: '/nonexistent/venv' });
    expect(reply.content.data).toMatchObject({ reply: 'switch', id: 'r2', ok: false, restored: true,
      error: { code: 'not_found', message: '/nonexistent/venv does not exist' } });
    expect(fake.python.methods()).toEqual([]); // no close_comms, no switch_blockers, no restart
  });

  test('its comm is the kernel\'s own: comm_info lists it beside the interpreter\'s', async () => {
    const open = await openEnvComm({});
    await fake.transport.next('iopub', idleAfter(open));
    const info = fake.transport.deliver('shell', 'comm_info_request', {});
    const reply = await fake.transport.next('shell', replyTo(info));
    expect(reply.content).toEqual({ status: 'ok', comms: { 'env-1': { target_name: ENV_COMM_TARGET } } });
    expect(fake.python.methods()).toEqual(['comm_info']);
  });
});
