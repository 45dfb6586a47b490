// The kernel: binds the channels, starts the interpreter, and routes each request to its handler.
// Shell requests are served in order; control requests at once, even while a cell runs.
import * as fs from 'fs';

import { EmbeddedPython } from '../interpreter/embedded-python';
import { processAddon } from '../interpreter/process-addon';
import { PythonInfo } from '../interpreter/python-info';
import {
  CommInfoReply, CommInfoRequest, CompleteReply, Content, InspectReply, KernelInfoReply, parseCommInfoRequest, parseCompleteRequest, parseExecuteRequest,
  parseHistoryRequest, parseInputReply, parseInspectRequest, parseIsCompleteRequest, parseShutdownRequest, ParseResult,
} from '../protocol/messages';
import { PROTOCOL_VERSION } from '../protocol/header';
import { ENV_COMM_TARGET } from '../protocol/env-messages';
import { Session } from '../protocol/session';
import { Message } from '../protocol/wire';
import { ConnectionInfo } from '../transport/connection-file';
import { KernelSockets } from '../transport/kernel-sockets';
import { serveComm } from './comms';
import { EnvRequests } from './env-requests';
import { EnvironmentSwitcher } from './env-switch';
import { ProcessImage } from './process-image';
import { PendingSwitch, ResumeState, writeResumeState } from './resume-state';
import { Executor } from './execute';
import { History } from './history';
import { log } from './log';
import { Publisher } from './publisher';
import { PythonSession } from './python-session';
import { ShellQueue } from './shell-queue';

const IMPLEMENTATION_VERSION: string = (require('../../package.json') as { version: string }).version;
const STOP_TIMEOUT_MS = 3000;
const FLUSH_BEFORE_REEXEC_MS = 15;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const PEER_RECONNECT_MS = 10_000; // frontends reconnect within ~100 ms (zmq's reconnect interval)

// A handler answers through `respond`, and may go on working after the reply is out.
type Respond = (content: object) => Promise<void>;
type Handler = (message: Message, respond: Respond) => Promise<void>;
type Channel = 'shell' | 'control';

export class Kernel {
  private readonly session: Session;
  private readonly publisher: Publisher;
  private readonly history = new History();
  private readonly executor: Executor;
  private readonly shellQueue: ShellQueue;
  private python!: PythonSession;
  private interpreter!: EmbeddedPython;
  private image!: ProcessImage;
  private switcher!: EnvironmentSwitcher;
  private envRequests!: EnvRequests;
  private ready!: Promise<void>;
  private stopping = false;
  // Maps, not objects: a msg_type such as "constructor" must find nothing.
  private readonly routes: Record<Channel, Map<string, Handler>>;

  private constructor(private readonly sockets: KernelSockets, connection: ConnectionInfo) {
    this.session = new Session(connection.key, connection.signature_scheme, 'kernel');
    this.publisher = new Publisher(sockets, this.session);
    this.executor = new Executor(this.publisher, this.history);
    this.shellQueue = new ShellQueue((m) => this.serve('shell', m), (e) => log(`shell request failed: ${String(e)}`));
    this.routes = { shell: new Map(Object.entries(this.handlers('shell'))), control: new Map(Object.entries(this.handlers('control'))) };
  }

  // `image`: how this process was started, to start it again in another environment (a re-exec switch);
  // with `resume`, it is such a new image, and finishes the switch the previous one handed over.
  static async start(connection: ConnectionInfo, python: EmbeddedPython, info: PythonInfo, image: ProcessImage, resume?: ResumeState): Promise<Kernel> {
    const sockets = await KernelSockets.bind(connection);
    const kernel = new Kernel(sockets, connection);
    kernel.image = image;
    kernel.interpreter = python;
    if (!resume) await kernel.publisher.status('starting'); // held until a frontend subscribes
    // PATH at the kernel's first start is the baseline every switch rebuilds PATH from.
    kernel.switcher = new EnvironmentSwitcher(info, image.system, resume?.baselinePath ?? process.env.PATH ?? '');
    kernel.envRequests = new EnvRequests(kernel.publisher, kernel.switcher, info.majorMinor, (pending) => kernel.reexec(pending));
    kernel.ready = PythonSession.start(python, info, kernel.publisher, {
      askInput: (parent, prompt, password) => void kernel.askInput(parent, prompt, password),
      answer: (parent, request) => kernel.envRequests.answerFromCell(request, parent),
    }).then((session) => {
      kernel.python = session;
    });
    if (resume) {
      kernel.publisher.awaitSubscribers(resume.iopubSubscribers, PEER_RECONNECT_MS);
      kernel.executor.executionCount = resume.executionCount;
      kernel.envRequests.adopt(resume.envComms);
    }
    kernel.listen();
    try {
      await kernel.ready;
    } catch (error) {
      if (!resume || resume.pending.failure) throw error;
      // The target's interpreter did not start in this image: the previous environment comes back in the
      // next one, which reports the failure.
      const { previous } = resume.pending;
      return kernel.reexec({ ...resume.pending, target: previous, failure: { code: 'init_failed',
        message: `the interpreter of ${resume.pending.target.root} failed to start (${error instanceof Error ? error.message : String(error)})` } },
      resume.queued);
    }
    if (resume) await kernel.resume(resume);
    return kernel;
  }

  private async resume(state: ResumeState): Promise<void> {
    await this.envRequests.finishHandOff(state.pending);
    await this.publisher.status('idle', state.pending.replyTo.parent); // the switch request's own, lost with the old image
    if (state.queued.length === 0) return;
    this.sockets.openReconnectWindow(PEER_RECONNECT_MS);
    for (const encoded of state.queued) this.receive(encoded.map((frame) => Buffer.from(frame, 'base64')), (m) => this.shellQueue.push(m));
  }

  // Carries a switch on in a new image of this process (DESIGN.md, switching step 3): the same PID and
  // ports; the kernel's state, the requests not served yet and the switch to report go along in a resume
  // file. `carried`: requests an image that failed to start had been handed, passed on unread.
  private async reexec(pending: PendingSwitch, carried: string[][] = []): Promise<never> {
    try {
      await this.interpreter.stop(); // finalize: fds 1 and 2 go back to what the new image must inherit
    } catch (error) {
      log(`the interpreter did not stop cleanly before the re-exec: ${String(error)}`);
    }
    // Requests keep arriving into the queue until the sockets close: let the sockets hand over what they
    // have received, then take the queue and close in one step. What frontends send from then on waits
    // in their own sockets' queues for the new image.
    await pause(FLUSH_BEFORE_REEXEC_MS);
    const queued = this.shellQueue.take(() => true).map((m) => this.session.resign(m).map((frame) => frame.toString('base64')));
    this.sockets.close();
    const file = writeResumeState({
      executionCount: this.executor.executionCount,
      baselinePath: this.switcher.baselinePath,
      envComms: this.envRequests.openComms(),
      iopubSubscribers: this.publisher.subscribers,
      queued: [...carried, ...queued],
      pending,
    });
    // zmq's I/O thread sends what is still queued (replies already given) as the sockets close; execve
    // would cut it off. On loopback this takes well under the pause.
    await pause(FLUSH_BEFORE_REEXEC_MS);
    const { argv, env } = this.image.for(pending.target, this.switcher.baselinePath, file);
    try {
      processAddon(this.image.majorMinor).replaceProcess(argv[0], argv, env);
    } catch (error) {
      log(`exiting: ${String(error)}`);
    }
    fs.rmSync(file, { force: true });
    process.exit(1);
  }

  private listen(): void {
    const failed = (channel: string) => (error: unknown) => log(`${channel} channel failed: ${String(error)}`);
    this.sockets.serve('shell', (frames) => this.receive(frames, (m) => this.shellQueue.push(m))).catch(failed('shell'));
    this.sockets.serve('control', (frames) => this.receive(frames, (m) => void this.serve('control', m))).catch(failed('control'));
    this.sockets.serve('stdin', (frames) => this.receive(frames, (m) => this.onStdin(m))).catch(failed('stdin'));
    this.sockets.serveSubscriptions((subscribed, topic) => void this.publisher.subscriptionChanged(subscribed, topic)).catch(failed('iopub'));
  }

  // Checks a message before anything acts on it: a bad one is logged and dropped, and the kernel goes on.
  private receive(frames: Buffer[], accept: (message: Message) => void): void {
    const decoded = this.session.decode(frames);
    if (decoded.ok) accept(decoded.message);
    else log(`dropped a message: ${decoded.reason}`);
  }

  private handlers(channel: Channel): Record<string, Handler> {
    const common: Record<string, Handler> = {
      kernel_info_request: (_, respond) => respond(this.kernelInfo()),
      shutdown_request: (m, respond) => this.shutdown(m, respond),
    };
    if (channel === 'control') return { ...common, interrupt_request: (_, respond) => respond(this.interrupt()) };
    return {
      ...common,
      execute_request: (m, respond) => this.execute(m, respond),
      is_complete_request: (m, respond) =>
        this.withContent(m, respond, parseIsCompleteRequest, async (c) => respond(await this.python.request('is_complete', c, m))),
      complete_request: (m, respond) =>
        this.withContent(m, respond, parseCompleteRequest, async (c) => respond(await this.python.request<CompleteReply>('complete', c, m))),
      inspect_request: (m, respond) =>
        this.withContent(m, respond, parseInspectRequest, async (c) => respond(await this.python.request<InspectReply>('inspect', c, m))),
      history_request: (m, respond) =>
        this.withContent(m, respond, parseHistoryRequest, async (c) => respond({ status: 'ok', history: await this.history.query(c) })),
      comm_info_request: (m, respond) =>
        this.withContent(m, respond, parseCommInfoRequest, async (c) => respond(await this.commInfo(c, m))),
      // No reply: comm messages are one-way (busy and idle still frame their handling, as in ipykernel).
      // pyswitch.env comms are the kernel's own; every other comm lives in the interpreter.
      comm_open: (m) => this.serveComm(m),
      comm_msg: (m) => this.serveComm(m),
      comm_close: (m) => this.serveComm(m),
    };
  }

  // busy, the handler's reply, idle: around every request, as frontends expect.
  private async serve(channel: Channel, message: Message): Promise<void> {
    const type = message.header.msg_type;
    const handler = this.routes[channel].get(type);
    if (!handler) {
      log(`dropped an unknown ${channel} message type ${JSON.stringify(type)}`);
      return;
    }
    await this.ready;
    await this.publisher.status('busy', message);
    try {
      await handler(message, (content) => this.reply(channel, message, content));
      if (channel === 'shell') await this.envRequests.runScheduledSwitch(this.python);
    } finally {
      await this.publisher.status('idle', message);
    }
  }

  private reply(channel: Channel, request: Message, content: object): Promise<void> {
    const replyType = request.header.msg_type.replace(/_request$/, '_reply');
    return this.sockets.send(channel, this.session.frames(replyType, content, request, { identities: request.identities }));
  }

  // A request whose content is malformed gets an error reply that says which field is wrong.
  private async withContent<T>(message: Message, respond: Respond, parse: (c: Content) => ParseResult<T>, run: (c: T) => Promise<void>): Promise<void> {
    const parsed = parse(message.content);
    if (!parsed.ok) {
      log(`bad ${message.header.msg_type}: ${parsed.error}`);
      return respond({ status: 'error', ename: 'BadRequest', evalue: parsed.error, traceback: [] });
    }
    return run(parsed.value);
  }

  private kernelInfo(): KernelInfoReply {
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'pyswitch',
      implementation_version: IMPLEMENTATION_VERSION,
      language_info: this.python.startup.language_info,
      banner: this.python.startup.banner,
      help_links: [{ text: 'Python Reference', url: `https://docs.python.org/${this.python.info.majorMinor}` }],
    };
  }

  private execute(message: Message, respond: Respond): Promise<void> {
    return this.withContent(message, respond, parseExecuteRequest, async (request) => {
      const reply = await this.executor.execute(this.python, request, message);
      await respond(reply);
      if (reply.status === 'error' && request.stop_on_error && !request.silent) await this.abortQueuedExecutes();
    });
  }

  // stop_on_error: the executes queued behind a failed one are answered "aborted", as ipykernel does.
  private async abortQueuedExecutes(): Promise<void> {
    for (const queued of this.shellQueue.take((m) => m.header.msg_type === 'execute_request')) {
      await this.publisher.status('busy', queued);
      await this.reply('shell', queued, { status: 'aborted' });
      await this.publisher.status('idle', queued);
    }
  }

  private interrupt(): Content {
    this.python.interrupt();
    return { status: 'ok' };
  }

  private async askInput(parent: Message, prompt: string, password: boolean): Promise<void> {
    await this.sockets.send('stdin', this.session.frames('input_request', { prompt, password }, parent, { identities: parent.identities }));
  }

  private onStdin(message: Message): void {
    if (message.header.msg_type !== 'input_reply') {
      log(`dropped a stdin message of type ${message.header.msg_type}`);
      return;
    }
    const parsed = parseInputReply(message.content);
    if (parsed.ok) this.python.answerInput(parsed.value.value);
    else log(`bad input_reply: ${parsed.error}`);
  }

  private shutdown(message: Message, respond: Respond): Promise<void> {
    return this.withContent(message, respond, parseShutdownRequest, async ({ restart }) => {
      const content = { status: 'ok', restart };
      await respond(content);
      await this.publisher.publish('shutdown_reply', content, message);
      setImmediate(() => void this.stop());
    });
  }

  private serveComm(message: Message): Promise<void> {
    return this.envRequests.owns(message) ? this.envRequests.serve(message, this.python) : serveComm(this.python, message);
  }

  private async commInfo(request: CommInfoRequest, message: Message): Promise<CommInfoReply> {
    const reply = await this.python.request<CommInfoReply>('comm_info', request, message);
    const ours = request.target_name === null || request.target_name === ENV_COMM_TARGET ? this.envRequests.commInfo() : {};
    return { ...reply, comms: { ...reply.comms, ...ours } };
  }

  // Ends the process once the reply is out: the running cell is interrupted, the interpreter finalized.
  private async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const deadline = setTimeout(() => process.exit(0), STOP_TIMEOUT_MS);
    deadline.unref();
    this.python.interrupt();
    try {
      await this.python.stop();
    } catch (error) {
      log(`the interpreter did not stop cleanly: ${String(error)}`);
    }
    this.sockets.close();
  }
}
