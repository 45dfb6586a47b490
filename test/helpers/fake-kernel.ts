// A Kernel assembled from fakes, for fast unit tests of the server layer (as xeus tests against
// xmock_interpreter): a transport that records what the kernel sends and lets a test deliver frames,
// and an interpreter session whose answers the test chooses. The real-socket tests stay beside these.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { PythonInfo, defaultPython } from '../../kernel/interpreter/python-info';
import { Message } from '../../kernel/protocol/wire';
import { Session } from '../../kernel/protocol/session';
import { Kernel } from '../../kernel/server/kernel';
import { ProcessImage } from '../../kernel/server/process-image';
import { PythonSession, StartedRequest, StartupInfo } from '../../kernel/server/python-session';
import { ConnectionInfo } from '../../kernel/transport/connection-file';
import { HandOffReport, KernelTransport, RequestChannel } from '../../kernel/transport/kernel-sockets';

type SendChannel = RequestChannel | 'iopub';
const PEER = Buffer.from('frontend-1');
const WAIT_MS = 5000;

interface Waiter {
  channel: SendChannel;
  matches: (message: Message) => boolean;
  resolve: (message: Message) => void;
}

// Records every send, decoded as the frontend would decode it, and waits for the ones a test expects.
export class FakeTransport implements KernelTransport {
  readonly sent: { channel: SendChannel; message: Message }[] = [];
  private readonly receivers = new Map<RequestChannel, (frames: Buffer[]) => void>();
  private onSubscription: ((subscribed: boolean, topic: Buffer) => void) | undefined;
  private readonly waiters: Waiter[] = [];
  private closed!: () => void;
  private readonly done = new Promise<void>((resolve) => { this.closed = resolve; });

  constructor(private readonly frontend: Session) {}

  send(channel: SendChannel, frames: Buffer[]): Promise<void> {
    const decoded = this.frontend.decode(frames);
    if (!decoded.ok) throw new Error(`the kernel sent a message its frontend cannot decode: ${decoded.reason}`);
    this.sent.push({ channel, message: decoded.message });
    for (const waiter of [...this.waiters]) {
      if (waiter.channel === channel && waiter.matches(decoded.message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(decoded.message);
      }
    }
    return Promise.resolve();
  }

  serve(channel: RequestChannel, onFrames: (frames: Buffer[]) => void): Promise<void> {
    this.receivers.set(channel, onFrames);
    return this.done;
  }

  serveSubscriptions(onChange: (subscribed: boolean, topic: Buffer) => void): Promise<void> {
    this.onSubscription = onChange;
    return this.done;
  }

  openReconnectWindow(): void {
    // nothing to reconnect: the fake has no peers that come and go
  }

  handOff(): Promise<HandOffReport> {
    this.close(); // no connections to drain, no listeners to hand over
    return Promise.resolve({ drained: 0, acceptedDuringDrain: 0, peerGoneUnread: [], readsWoken: 0, unclosed: 0, drainMs: 0, ms: 0 });
  }

  close(): void {
    this.closed();
  }

  // A frontend's request arrives on `channel`, as a ROUTER hands it over (the peer's identity first).
  deliver(channel: RequestChannel, msgType: string, content: object): Message {
    const frames = this.frontend.frames(msgType, content, undefined, { identities: [PEER] });
    const receive = this.receivers.get(channel);
    if (!receive) throw new Error(`the kernel does not listen on ${channel}`);
    receive(frames);
    const decoded = new Session('', 'hmac-sha256').decode(frames.slice(1)); // only to learn the msg_id
    if (!decoded.ok) throw new Error(decoded.reason);
    return decoded.message;
  }

  subscribe(topic = ''): void {
    if (!this.onSubscription) throw new Error('the kernel does not watch iopub subscriptions');
    this.onSubscription(true, Buffer.from(topic));
  }

  // The first message sent on `channel` (from now on or already) that matches.
  next(channel: SendChannel, matches: (message: Message) => boolean): Promise<Message> {
    const already = this.sent.find((sent) => sent.channel === channel && matches(sent.message));
    if (already) return Promise.resolve(already.message);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing matching was sent on ${channel} within ${WAIT_MS} ms; ` +
        `sent: ${this.sent.map((s) => `${s.channel}:${s.message.header.msg_type}${JSON.stringify(s.message.content).slice(0, 60)}`).join(', ')}`)), WAIT_MS);
      this.waiters.push({ channel, matches, resolve: (message) => { clearTimeout(timer); resolve(message); } });
    });
  }

  // Everything sent with `parent` as parent, in order, as "channel:msg_type[:state]".
  childrenOf(parent: Message): string[] {
    return this.sent.filter((sent) => 'msg_id' in sent.message.parent_header && sent.message.parent_header.msg_id === parent.header.msg_id)
      .map(({ channel, message }) => [channel, message.header.msg_type, message.content.execution_state].filter(Boolean).join(':'));
  }
}

export function replyTo(request: Message): (message: Message) => boolean {
  return (message) => 'msg_id' in message.parent_header && message.parent_header.msg_id === request.header.msg_id &&
    message.header.msg_type !== 'status';
}

export function idleAfter(request: Message): (message: Message) => boolean {
  return (message) => 'msg_id' in message.parent_header && message.parent_header.msg_id === request.header.msg_id &&
    message.header.msg_type === 'status' && message.content.execution_state === 'idle';
}

type Answer = (payload: Record<string, unknown>) => unknown;

// The interpreter, played by the test: each method answers with what `answers` says (a value, or a
// promise the test settles when it wants), and every request is recorded.
export class FakeSession implements PythonSession {
  readonly requests: { method: string; payload: Record<string, unknown>; released: boolean }[] = [];
  readonly interrupts: number[] = [];
  readonly startup: StartupInfo = {
    language_info: { name: 'python', version: '3.11.7', mimetype: 'text/x-python', file_extension: '.py',
      pygments_lexer: 'ipython3', codemirror_mode: { name: 'ipython', version: 3 }, nbconvert_exporter: 'python' },
    banner: 'fake Python',
    ipython: false,
    debugger: { available: false, reason: 'the fake interpreter cannot import debugpy' },
  };

  constructor(readonly info: PythonInfo, private readonly answers: Partial<Record<string, Answer>> = {}) {}

  request<T>(method: string, payload: object): Promise<T> {
    const started = this.begin<T>(method, payload);
    started.release();
    return started.result;
  }

  // The fake has no output to hold: release() only records when it came.
  begin<T>(method: string, payload: object): StartedRequest<T> {
    const request = { method, payload: payload as Record<string, unknown>, released: false };
    this.requests.push(request);
    const answer = this.answers[method] ?? DEFAULT_ANSWERS[method];
    const result = new Promise<T>((resolve) => {
      if (!answer) throw new Error(`the fake interpreter was not told how to answer ${method}`);
      resolve(answer(request.payload) as T);
    });
    return { result, release: () => { request.released = true; } };
  }

  methods(): string[] {
    return this.requests.map((r) => r.method);
  }

  restart(): Promise<void> {
    return Promise.reject(new Error('the fake interpreter cannot restart'));
  }

  interrupt(): boolean {
    this.interrupts.push(Date.now());
    return true;
  }

  finishStartup(): void {
    // the fake defers nothing at start-up
  }

  answerInput(): void {
    // no input() is ever pending in the fake
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

const DEFAULT_ANSWERS: Partial<Record<string, Answer>> = {
  execute: () => ({ status: 'ok', user_expressions: {} }),
  comm_info: () => ({ status: 'ok', comms: {} }),
};

// The interpreter the fake stands for. Its executable is a real one (python3 on PATH, or
// $PYSWITCH_PYTHON): the env requests describe it as the current environment.
export const FAKE_INFO: PythonInfo = {
  executable: defaultPython(), sysExecutable: defaultPython(), version: '3.11.7', majorMinor: '3.11',
  prefix: '/nonexistent', basePrefix: '/nonexistent', includeDir: '/nonexistent/include', libpython: null,
  baseExecutable: null, execPrefix: '/nonexistent', preSite: { path: [], base_prefix: '/nonexistent', base_exec_prefix: '/nonexistent' },
  sysPath: [],
};

export interface FakeKernel {
  kernel: Kernel;
  transport: FakeTransport;
  python: FakeSession;
  dir: string;
}

// A kernel on a fake transport and interpreter; its history file and interpreter cache go to a temp dir.
export async function fakeKernel(answers: Partial<Record<string, Answer>> = {}): Promise<FakeKernel> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-fake-'));
  process.env.PYSWITCH_HISTORY_FILE = path.join(dir, 'history.jsonl');
  process.env.XDG_CACHE_HOME = path.join(dir, 'cache');
  const connection: ConnectionInfo = { transport: 'tcp', ip: '127.0.0.1', shell_port: 0, control_port: 0, iopub_port: 0,
    stdin_port: 0, hb_port: 0, key: 'fake-key', signature_scheme: 'hmac-sha256' };
  const transport = new FakeTransport(new Session(connection.key, connection.signature_scheme, 'frontend'));
  const python = new FakeSession(FAKE_INFO, answers);
  const kernel = await Kernel.assemble({
    transport,
    startSession: () => Promise.resolve(python),
    stopInterpreter: () => Promise.resolve(),
  }, connection, FAKE_INFO, new ProcessImage(path.join(dir, 'kernel.json'), FAKE_INFO.sysExecutable, '3.11'));
  return { kernel, transport, python, dir };
}

// A promise the test settles itself: an interpreter request that is still running.
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}
