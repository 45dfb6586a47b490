// A Jupyter client over ZeroMQ. Shell, control and stdin are DEALERs sharing one routing identity (the
// session id, as jupyter_client does) so the kernel's input_request on stdin reaches the client whose
// execute_request asked for it; iopub is a SUB to everything; heartbeat a REQ.
import * as os from 'os';
import { performance } from 'perf_hooks';
import * as zmq from 'zeromq';

import { Header } from '../protocol/header';
import { ExecuteRequest } from '../protocol/messages';
import { Session } from '../protocol/session';
import { DELIMITER, Message } from '../protocol/wire';
import { Channel, ConnectionInfo, endpoint } from '../transport/connection-file';
import { SerialSender } from '../transport/serial-sender';
import { IopubListener, PendingRequest } from './pending-request';
import { Deferred, TimeoutError, abortion, delay, withTimeout } from './waiting';
import { errorMessage } from '../common/error-message';

export type RequestChannel = 'shell' | 'control';
export type DealerChannel = RequestChannel | 'stdin';

// Everything that crosses the sockets, for logs and test diagnostics. `rejected`: a message we dropped
// (bad signature, malformed) or an input_request we could not answer.
export type Traffic =
  | { kind: 'sent'; channel: DealerChannel; header: Header; content: object }
  | { kind: 'sent-frames'; channel: DealerChannel; frames: Buffer[] }
  | { kind: 'received'; channel: Channel; message: Message }
  | { kind: 'rejected'; channel: Channel; reason: string };

export interface InputRequest {
  prompt: string;
  password: boolean;
}
// Answers an input_request; null leaves it unanswered (the user interrupted instead).
export type InputHandler = (request: InputRequest, message: Message) => Promise<string | null>;

export interface ExecuteOptions {
  silent?: boolean;
  storeHistory?: boolean;
  userExpressions?: Record<string, string>;
  // Defaults to whether an input handler is set: without one nobody could answer.
  allowStdin?: boolean;
  stopOnError?: boolean;
  timeoutMs?: number;
  onIopub?: IopubListener;
}

export interface ExecuteResult {
  reply: Message;
  iopub: Message[];
}

export interface ConnectOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 30_000; // a first start may compile bytecode or build caches
const KERNEL_INFO_PROBE_MS = 1000; // jupyter_client's wait_for_ready cadence
const IOPUB_PROBE_MS = 200;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

// An execute_request's content; what `options` leaves out gets the spec's defaults.
export function executeContent(code: string, options: ExecuteOptions = {}): ExecuteRequest {
  const silent = options.silent ?? false;
  return {
    code,
    silent,
    store_history: options.storeHistory ?? !silent,
    user_expressions: options.userExpressions ?? {},
    allow_stdin: options.allowStdin ?? true,
    stop_on_error: options.stopOnError ?? true,
  };
}

export class KernelClient {
  private readonly session: Session;
  // The kernel_info_reply that proved the kernel ready; set by connect().
  kernelInfo!: Message;
  private readonly dealers: Record<DealerChannel, zmq.Dealer>;
  private readonly senders: Record<DealerChannel, SerialSender>;
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly hb = new zmq.Request({ relaxed: true, correlate: true, linger: 0 });
  private readonly hbSender = new SerialSender(this.hb);
  private hbQueue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<string, PendingRequest>();
  private readonly observers = new Set<(traffic: Traffic) => void>();
  // First ZMTP handshake of each socket: until then the kernel's ROUTER does not know our identity and
  // drops what it addresses to us (an early input_request would vanish).
  private readonly handshakes: Deferred<void>[] = [];
  private inputHandler: InputHandler | undefined;
  private iopubSeen = false;
  private closedBecause: string | undefined;

  private constructor(info: ConnectionInfo) {
    this.session = new Session(info.key, info.signature_scheme, os.userInfo().username);
    const dealer = (): zmq.Dealer => new zmq.Dealer({ routingId: this.session.id, linger: 1000 });
    this.dealers = { shell: dealer(), control: dealer(), stdin: dealer() };
    this.senders = {
      shell: new SerialSender(this.dealers.shell),
      control: new SerialSender(this.dealers.control),
      stdin: new SerialSender(this.dealers.stdin),
    };
    this.iopub.subscribe();
    for (const channel of ['shell', 'control', 'stdin'] as const) {
      this.connect(this.dealers[channel], endpoint(info, channel));
      void this.pump(channel, this.dealers[channel]);
    }
    this.connect(this.iopub, endpoint(info, 'iopub'));
    void this.pump('iopub', this.iopub);
    this.connect(this.hb, endpoint(info, 'hb'));
  }

  // Connects and waits until the kernel answers kernel_info and iopub delivers to us.
  static async connect(info: ConnectionInfo, options: ConnectOptions = {}): Promise<KernelClient> {
    const client = new KernelClient(info);
    try {
      client.kernelInfo = await client.waitForReady(options.timeoutMs ?? READY_TIMEOUT_MS, options.signal);
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  // Sends a request (or a comm message, with its binary `buffers`); its reply and iopub messages are
  // collected from now on (call dispose() when done).
  async send(channel: RequestChannel, msgType: string, content: object, onIopub?: IopubListener, buffers?: Buffer[]): Promise<PendingRequest> {
    const { frames, header } = this.frame(msgType, content, undefined, buffers);
    const request = new PendingRequest(header, onIopub, () => this.pending.delete(header.msg_id));
    this.pending.set(header.msg_id, request);
    await this.transmit(channel, frames, { kind: 'sent', channel, header, content });
    return request;
  }

  async request(channel: RequestChannel, msgType: string, content: object = {}, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Message> {
    const request = await this.send(channel, msgType, content);
    try {
      return await request.reply(timeoutMs);
    } finally {
      request.dispose();
    }
  }

  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const content = executeContent(code, { ...options, allowStdin: options.allowStdin ?? this.inputHandler !== undefined });
    const request = await this.send('shell', 'execute_request', content, options.onIopub);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      const [reply, iopub] = await Promise.all([request.reply(timeoutMs), request.untilIdle(timeoutMs)]);
      return { reply, iopub };
    } finally {
      request.dispose();
    }
  }

  // Collects the reply and iopub messages of a message sent with sendFrames (test traffic we forged).
  track(header: Header): PendingRequest {
    const request = new PendingRequest(header, undefined, () => this.pending.delete(header.msg_id));
    this.pending.set(header.msg_id, request);
    return request;
  }

  // Raw multipart frames, for tests of what the kernel does with malformed messages.
  sendFrames(channel: DealerChannel, frames: Buffer[]): Promise<void> {
    return this.transmit(channel, frames, { kind: 'sent-frames', channel, frames });
  }

  onInputRequest(handler: InputHandler | undefined): void {
    this.inputHandler = handler;
  }

  observe(observer: (traffic: Traffic) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  // One ping; resolves with the round trip in ms. Pings queue behind each other (REQ is lock-step).
  heartbeat(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number> {
    const ping = this.hbQueue.then(() => this.ping(timeoutMs));
    this.hbQueue = ping.catch(() => undefined);
    return ping;
  }

  // Closes the sockets; whatever still waits on a reply fails with `reason`.
  close(reason = 'the client was closed'): void {
    if (this.closedBecause !== undefined) return;
    this.closedBecause = reason;
    for (const request of this.pending.values()) request.fail(new Error(reason));
    this.pending.clear();
    for (const socket of [...Object.values(this.dealers), this.iopub, this.hb]) socket.close();
  }

  private connect(socket: zmq.Socket, address: string): void {
    const handshake = new Deferred<void>();
    socket.events.on('handshake', () => handshake.resolve());
    this.handshakes.push(handshake);
    socket.connect(address);
  }

  private frame(msgType: string, content: object, parent?: Message, buffers?: Buffer[]): { frames: Buffer[]; header: Header } {
    const frames = this.session.frames(msgType, content, parent, { buffers });
    // Session.frames makes the header; read it back for routing and logs (ours, so well-formed).
    const header = JSON.parse(frames[frames.indexOf(DELIMITER) + 2].toString('utf8')) as Header;
    return { frames, header };
  }

  private async transmit(channel: DealerChannel, frames: Buffer[], traffic: Traffic): Promise<void> {
    if (this.closedBecause !== undefined) throw new Error(`cannot send on ${channel}: ${this.closedBecause}`);
    this.emit(traffic);
    await this.senders[channel].send(frames);
  }

  private emit(traffic: Traffic): void {
    for (const observer of this.observers) observer(traffic);
  }

  private async pump(channel: Channel, socket: zmq.Dealer | zmq.Subscriber): Promise<void> {
    try {
      for await (const frames of socket) this.dispatch(channel, frames);
    } catch (error) {
      if (this.closedBecause === undefined) this.close(`${channel} socket failed: ${errorMessage(error)}`);
    }
  }

  private dispatch(channel: Channel, frames: Buffer[]): void {
    const decoded = this.session.decode(frames);
    if (!decoded.ok) {
      this.emit({ kind: 'rejected', channel, reason: decoded.reason });
      return;
    }
    const message = decoded.message;
    this.emit({ kind: 'received', channel, message });
    const parentId = 'msg_id' in message.parent_header ? message.parent_header.msg_id : undefined;
    const request = parentId === undefined ? undefined : this.pending.get(parentId);
    if (channel === 'iopub') {
      this.iopubSeen = true;
      request?.addIopub(message);
    } else if (channel === 'stdin') {
      if (message.header.msg_type === 'input_request') void this.answerInput(message);
    } else {
      request?.addReply(message);
    }
  }

  private async answerInput(message: Message): Promise<void> {
    if (!this.inputHandler) return; // execute() said allow_stdin false; a kernel asking anyway gets no answer
    const content = message.content;
    try {
      const value = await this.inputHandler(
        { prompt: typeof content.prompt === 'string' ? content.prompt : '', password: content.password === true },
        message,
      );
      if (value === null || this.closedBecause !== undefined) return;
      const { frames, header } = this.frame('input_reply', { value }, message);
      await this.transmit('stdin', frames, { kind: 'sent', channel: 'stdin', header, content: { value } });
    } catch (error) {
      if (this.closedBecause === undefined) this.emit({ kind: 'rejected', channel: 'stdin', reason: `input_request not answered: ${String(error)}` });
    }
  }

  private async ping(timeoutMs: number): Promise<number> {
    const payload = Buffer.from(`ping ${performance.now()}`);
    const start = performance.now();
    this.hb.sendTimeout = timeoutMs === Infinity ? -1 : timeoutMs;
    this.hb.receiveTimeout = this.hb.sendTimeout;
    try {
      await this.hbSender.send([payload]);
      const [echo] = await this.hb.receive();
      if (!echo.equals(payload)) throw new Error(`heartbeat echoed ${JSON.stringify(echo.toString())}, not the ping`);
    } catch (error) {
      if (errorCode(error) === 'EAGAIN') throw new TimeoutError('heartbeat echo', timeoutMs);
      throw error;
    }
    return performance.now() - start;
  }

  // jupyter_client's wait_for_ready: kernel_info until answered, then proof that iopub reaches us. The
  // kernel's iopub_welcome usually gives that proof at once; older kernels publish busy/idle around
  // kernel_info, so we ask again until one of those arrives.
  private async waitForReady(timeoutMs: number, signal: AbortSignal | undefined): Promise<Message> {
    const deadline = performance.now() + timeoutMs;
    const left = (): number => deadline - performance.now();
    const aborted = abortion(signal);
    let reply: Message | undefined;
    while (reply === undefined || !this.iopubSeen) {
      if (left() <= 0) throw new TimeoutError('kernel_info_reply and iopub message from the kernel', timeoutMs);
      if (reply === undefined) {
        const request = await this.send('shell', 'kernel_info_request', {});
        try {
          reply = await Promise.race([request.reply(Math.min(KERNEL_INFO_PROBE_MS, left())), aborted]);
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
        } finally {
          request.dispose();
        }
      } else {
        await Promise.race([delay(Math.min(IOPUB_PROBE_MS, left())), aborted]);
        if (!this.iopubSeen) reply = undefined;
      }
    }
    const connected = Promise.all(this.handshakes.map((handshake) => handshake.promise));
    await Promise.race([withTimeout(connected, Math.max(left(), 1), 'handshake on every kernel socket'), aborted]);
    return reply;
  }
}
