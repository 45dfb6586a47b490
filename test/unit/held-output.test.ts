/// <reference types="jest" />
// A request started with its output held (server/python-session.ts, begin): what the interpreter says for
// it waits until release(), in order, and then goes straight out. The interpreter is a stand-in that
// plays the native addon's events; the publisher and session are the real ones.
import { EmbeddedPython, EmbeddedPythonHandlers } from '../../kernel/interpreter/embedded-python';
import { Session } from '../../kernel/protocol/session';
import { Message } from '../../kernel/protocol/wire';
import { Publisher } from '../../kernel/server/publisher';
import { EmbeddedSession, KernelSide } from '../../kernel/server/python-session';
import { FAKE_INFO } from '../helpers/fake-kernel';
import { header } from '../helpers/frames';

const STARTUP = { language_info: { name: 'python' }, banner: '', ipython: false, debugger: { available: false, reason: 'none' } };

// Jobs are numbered from 1; each one's result is settled by the test.
class StandInPython {
  handlers!: EmbeddedPythonHandlers;
  readonly started = Promise.resolve();
  readonly results: ((value: unknown) => void)[] = [];

  attach(handlers: EmbeddedPythonHandlers): void {
    this.handlers = handlers;
  }

  request(method: string): { job: number; result: Promise<unknown> } {
    if (method === 'startup') return { job: 0, result: Promise.resolve(STARTUP) };
    const job = this.results.length + 1;
    return { job, result: new Promise((resolve) => this.results.push(resolve)) };
  }

  print(job: number, text: string): void {
    this.handlers.onIopub({ kind: 'iopub', job, msgType: 'stream', content: Buffer.from(JSON.stringify({ name: 'stdout', text })) });
  }
}

function parent(id: string): Message {
  return { identities: [], header: { ...header('execute_request'), msg_id: id }, parent_header: {}, metadata: {}, content: {}, buffers: [] };
}

test('output of a request begun with its output held goes out at release(), in order, and at once after', async () => {
  const frontend = new Session('key', 'hmac-sha256', 'frontend');
  const sent: string[] = [];
  const publisher = new Publisher({ send: (_channel, frames) => {
    const decoded = frontend.decode(frames);
    if (decoded.ok && decoded.message.header.msg_type === 'stream') {
      sent.push(`${decoded.message.parent_header.msg_id}:${String(decoded.message.content.text)}`);
    }
    return Promise.resolve();
  } }, new Session('key', 'hmac-sha256', 'kernel'));
  await publisher.subscriptionChanged(true, Buffer.from(''));
  const python = new StandInPython();
  const kernel: KernelSide = { askInput: () => undefined, answer: () => Promise.resolve({}), threadEnded: () => undefined };
  const session = await EmbeddedSession.start(python as unknown as EmbeddedPython, FAKE_INFO, publisher, kernel);

  const running = session.request('execute', {}, parent('a'));
  const early = session.begin('execute', {}, parent('b'));
  python.print(1, 'a1');
  python.print(2, 'b1');
  python.print(2, 'b2');
  expect(sent).toEqual(['a:a1']);
  python.results[0]({ status: 'ok' });
  await running;
  python.results[1]({ status: 'ok' }); // a held request may end before it is released: its output still waits
  await early.result;
  expect(sent).toEqual(['a:a1']);
  early.release();
  expect(sent).toEqual(['a:a1', 'b:b1', 'b:b2']);
  python.print(2, 'b3'); // a thread of b's, after b ended
  expect(sent).toEqual(['a:a1', 'b:b1', 'b:b2', 'b:b3']);
});
