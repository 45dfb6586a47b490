// The kernel: binds the channels, starts the interpreter, and routes each request to its handler.
// Shell requests are served in order; control requests at once, even while a cell runs.
import { withTimeout } from '../common/deadline';
import { EmbeddedPython } from '../interpreter/embedded-python';
import { processAddon } from '../interpreter/process-addon';
import { PythonInfo } from '../interpreter/python-info';
import {
  CommInfoReply, CommInfoRequest, CompleteReply, ConnectReply, Content, ExecuteRequest, InspectReply, KernelInfoReply, parseCommInfoRequest, parseCompleteRequest, parseExecuteRequest,
  parseInputReply, parseInspectRequest, parseIsCompleteRequest, parseShutdownRequest, ParseResult,
} from '../protocol/messages';
import { PROTOCOL_VERSION } from '../protocol/header';
import { ENV_COMM_TARGET } from '../protocol/env-messages';
import { Session } from '../protocol/session';
import { Message } from '../protocol/wire';
import { ConnectionInfo } from '../transport/connection-file';
import { KernelSockets, KernelTransport, Listeners } from '../transport/kernel-sockets';
import { serveComm } from './comms';
import type { Debugger } from './debugger';
import { EnvRequests } from './env-requests';
import { EnvironmentSwitcher } from './env-switch';
import { ProcessImage } from './process-image';
import { handOff, wayBack } from './reexec';
import { PendingSwitch, ResumeState } from './resume-state';
import { endedNotice, recoveredNotice, recoveryBudget, recoverySwitch } from './recovery';
import type { Restarted } from './restart-environment';
import { forgetRestartState, writeRestartState } from './restart-state';
import { CellFiles } from './debug-cells';
import { CellName, Executor, StartedExecute } from './execute';
import { History, parseHistoryQuery } from './history';
import { IdleCollector, fullGc } from './idle-gc';
import { KernelLimits, kernelLimits } from './limits';
import { log, logLimited } from '../common/log';
import { Publisher } from './publisher';
import { EmbeddedSession, KernelSide, PythonSession } from './python-session';
import { ShellQueue } from './shell-queue';
import { START_TIMEOUT_MS } from './switch-limits';
import { errorMessage } from '../common/error-message';

const IMPLEMENTATION_VERSION: string = (require('../../package.json') as { version: string }).version;
const STOP_TIMEOUT_MS = 3000;
const END_OF_INPUT = '\x04'; // the line consoles send for Ctrl-D: input() raises EOFError (pyswitch/_stdin.py)
const PEER_RECONNECT_MS = 10_000; // frontends reconnect within ~100 ms (zmq's reconnect interval)

// A handler answers through `respond`, and may go on working after the reply is out.
type Respond = (content: object) => Promise<void>;
type Handler = (message: Message, respond: Respond) => Promise<void>;
type Channel = 'shell' | 'control';

// What a kernel is made of besides its state: Kernel.start makes the real ones (the sockets, the
// embedded interpreter); unit tests hand in fakes.
export interface KernelParts {
  transport: KernelTransport;
  // Starts the interpreter's session; `kernel` answers what the interpreter asks while a request runs.
  startSession(publisher: Publisher, kernel: KernelSide): Promise<PythonSession>;
  // Stops the interpreter for good, before a re-exec.
  stopInterpreter: () => Promise<void>;
  limits?: KernelLimits; // the bounds in bytes (server/limits.ts); from the environment when not given
  // What the kernel does once it is quiet after many requests (server/idle-gc.ts); a full GC when not given.
  collectGarbage?: () => void;
  // The fds 1 and 2 the kernel was launched with, which a re-exec's image gets back (server/reexec.ts).
  originalOutput?: number[];
}

export class Kernel {
  private readonly session: Session;
  private readonly publisher: Publisher;
  private readonly history = new History();
  // Every cell's file name, the debugger's (debug-cells.ts): IPython mode compiles each cell under it.
  private readonly cellFiles = new CellFiles();
  private readonly executor: Executor;
  private readonly shellQueue: ShellQueue;
  // Made by the first debug_request: a kernel nobody debugs never loads the debugger's modules.
  private debugger: Debugger | undefined;
  // The execute started before its busy was sent: at the head of serve(), or claimed from the shell queue
  // while the one before was answered.
  private startedEarly: { message: Message; request: ExecuteRequest; execute: StartedExecute } | undefined;
  private python!: PythonSession;
  private stopInterpreter!: () => Promise<void>;
  private idleGc!: IdleCollector;
  private originalOutput: number[] = [];
  private image!: ProcessImage;
  private switcher!: EnvironmentSwitcher;
  private envRequests!: EnvRequests;
  private ready!: Promise<void>;
  private stopping = false;
  // From the start of a re-exec's hand-off: control requests wait for the next image, which answers them.
  private handingOff = false;
  private inputAsked: Message | undefined; // the request whose input_request is out, until an input_reply answers it
  private readonly heldControl: Message[] = [];
  // Interrupts carried over from the previous image: the cell they were meant for went with it.
  private readonly carriedInterrupts = new Set<string>();
  // Date.now() of each recent fresh interpreter after the Python thread ended (server/recovery.ts).
  private threadRecoveries: number[] = [];
  // Maps, not objects: a msg_type such as "constructor" must find nothing.
  private readonly routes: Record<Channel, Map<string, Handler>>;

  private readonly connectionKey: string;

  private constructor(private readonly sockets: KernelTransport, private readonly connection: ConnectionInfo,
    private readonly limits: KernelLimits) {
    this.connectionKey = connection.key;
    this.session = new Session(connection.key, connection.signature_scheme, 'kernel');
    this.publisher = new Publisher(sockets, this.session, limits.heldIopubBytes);
    this.executor = new Executor(this.publisher, this.history);
    this.shellQueue = new ShellQueue((m) => this.serve('shell', m), (e) => log(`shell request failed: ${errorMessage(e)}`),
      { messages: limits.shellQueueMessages, bytes: limits.shellQueueBytes });
    this.routes = { shell: new Map(Object.entries(this.handlers('shell'))), control: new Map(Object.entries(this.handlers('control'))) };
  }

  // `image`: how this process was started, to start it again in another environment (a re-exec switch);
  // with `resume`, it is such a new image, and finishes the switch the previous one handed over, on the
  // listening sockets it handed over (`listeners`).
  // `restarted`: a frontend's restart, which brings the kernel back in the environment it was in.
  static async start(connection: ConnectionInfo, python: EmbeddedPython, info: PythonInfo, image: ProcessImage, resume?: ResumeState,
    restarted?: Restarted, listeners?: Listeners): Promise<Kernel> {
    const limits = kernelLimits();
    if (connection.key === '' && connection.transport === 'tcp' && !resume) {
      log(`warning: the connection file has no key, so messages are not signed: any local process that can reach ` +
        `${connection.ip} can run code in this kernel`);
    }
    const addon = processAddon(image.majorMinor);
    return Kernel.assemble({
      transport: await KernelSockets.bind(connection, limits,
        (what, error) => logLimited('socket faults', `${what}: ${errorMessage(error)}`), addon, listeners),
      startSession: (publisher, kernel) => EmbeddedSession.start(python, info, publisher, kernel),
      stopInterpreter: () => python.stop(),
      collectGarbage: () => {
        fullGc();
        addon.releaseFreeMemory();
      },
      limits,
      originalOutput: [python.originalOutput.stdout, python.originalOutput.stderr],
    }, connection, info, image, resume, restarted);
  }

  static async assemble(parts: KernelParts, connection: ConnectionInfo, info: PythonInfo, image: ProcessImage, resume?: ResumeState,
    restarted?: Restarted): Promise<Kernel> {
    const kernel = new Kernel(parts.transport, connection, parts.limits ?? kernelLimits());
    kernel.image = image;
    kernel.stopInterpreter = parts.stopInterpreter;
    kernel.idleGc = new IdleCollector(parts.collectGarbage);
    kernel.originalOutput = parts.originalOutput ?? [];
    if (!resume) await kernel.publisher.status('starting'); // held until a frontend subscribes
    if (restarted?.notice) await kernel.publisher.publish('stream', { name: 'stderr', text: restarted.notice });
    // PATH at the kernel's first start is the baseline every switch rebuilds PATH from.
    kernel.switcher = new EnvironmentSwitcher(info, image.system, resume?.baselinePath ?? restarted?.baselinePath ?? process.env.PATH ?? '',
      async (parent) => kernel.debugger?.endForSwitch(parent));
    kernel.envRequests = new EnvRequests(kernel.publisher, kernel.switcher, info.majorMinor,
      (pending, stuck) => kernel.reexec(pending, !stuck));
    const started = parts.startSession(kernel.publisher, {
      // An input_request that cannot go out fails the input() instead of leaving it waiting.
      askInput: (parent, prompt, password) => void kernel.askInput(parent, prompt, password).catch((error: unknown) => {
        log(`an input_request was not sent: ${errorMessage(error)}`);
        kernel.python?.interrupt();
      }),
      answer: (parent, request) => kernel.envRequests.answerFromCell(request, parent),
      threadEnded: (reason, inFlight) => kernel.threadEnded(reason, inFlight),
    }).then((session) => {
      kernel.python = session;
    });
    // A new image's first answer is the switch's outcome, which resume() publishes.
    kernel.ready = resume ? started.then(() => kernel.resume(resume)).then(() => kernel.python.finishStartup()) : started;
    if (resume) {
      kernel.session.rememberSignatures(resume.signatures); // before the first frame is decoded
      kernel.publisher.awaitSubscribers(resume.iopubSubscribers, PEER_RECONNECT_MS);
      kernel.executor.executionCount = resume.executionCount;
      kernel.threadRecoveries = resume.threadRecoveries ?? [];
      kernel.envRequests.adopt(resume.envComms);
      kernel.adoptCarried(resume); // ahead of anything that arrives from now on
    }
    kernel.listen();
    try {
      await (resume ? withTimeout(kernel.ready, START_TIMEOUT_MS, 'interpreter start in the new image') : kernel.ready);
    } catch (error) {
      const back = resume && await wayBack(image, resume.pending, error);
      if (!resume || !back) throw error;
      // The previous environment comes back in the next image, which reports the failure; the requests
      // this one holds (none was served) go along.
      return kernel.reexec(back, false);
    }
    // Unless the thread already ended (IPython's start) and a recovery holds the queue for the next image.
    if (!kernel.handingOff) kernel.shellQueue.release();
    return kernel;
  }

  // The requests the previous image had not served: first in line, in their order.
  private adoptCarried(state: ResumeState): void {
    const frames = (encoded: string[]): Buffer[] => encoded.map((frame) => Buffer.from(frame, 'base64'));
    for (const encoded of state.control) {
      void this.receive(frames(encoded), (m) => {
        if (m.header.msg_type === 'interrupt_request') this.carriedInterrupts.add(m.header.msg_id);
        this.heldControl.push(m);
      });
    }
    for (const encoded of state.queued) {
      const carried = frames(encoded);
      void this.receive(carried, (m) => void this.shellQueue.push(m, byteLength(carried)));
    }
  }

  // The switch's outcome, once the new image's interpreter is up; then what was carried over is served.
  private async resume(state: ResumeState): Promise<void> {
    if (state.pending.recovery) {
      // As a restarted kernel starts (docs/frontend-restart.md); the failed request had its idle already.
      await this.publisher.status('starting');
      await this.publisher.publish('stream', { name: 'stderr', text: recoveredNotice(state.pending) });
    } else {
      await this.envRequests.finishHandOff(state.pending);
      await this.publisher.status('idle', state.pending.replyTo.parent); // the switch request's own, lost with the old image
    }
    if (state.queued.length + state.control.length === 0) return;
    this.sockets.openReconnectWindow(PEER_RECONNECT_MS);
    this.serveHeldControl();
  }

  private serveHeldControl(): void {
    for (const message of this.heldControl.splice(0)) {
      this.serve('control', message).catch((e: unknown) => log(`control request failed: ${errorMessage(e)}`));
    }
  }

  // Carries a switch on in a new image of this process (server/reexec.ts); the requests not served yet go
  // along. `finalize: false` when the interpreter is stuck or never came up.
  private reexec(pending: PendingSwitch, finalize = true): Promise<never> {
    this.handingOff = true;
    this.shellQueue.unbound();
    // Counted now: the hand-off's drain disconnects every frontend, and each SUB's unsubscription can
    // reach the publisher before the state is taken. Counted then, the next image waited for fewer
    // subscribers than come back, and released the switch's outcome before the last (jupyter_server's
    // second SUB) had resubscribed, which never saw it.
    const iopubSubscribers = this.publisher.subscribers;
    const encode = (messages: Message[]): Buffer[][] => messages.map((m) => this.session.resign(m));
    return handOff({
      image: this.image,
      connection: this.connection,
      sockets: this.sockets,
      stopInterpreter: this.stopInterpreter,
      originalOutput: this.originalOutput,
      state: () => {
        const queued = encode(this.shellQueue.take(() => true));
        const control = encode(this.heldControl.splice(0));
        const base64 = (list: Buffer[][]): string[][] => list.map((frames) => frames.map((frame) => frame.toString('base64')));
        return {
          executionCount: this.executor.executionCount,
          baselinePath: this.switcher.baselinePath,
          envComms: this.envRequests.openComms(),
          iopubSubscribers,
          queued: base64(queued),
          control: base64(control),
          signatures: this.session.recentSignatures([...queued, ...control]),
          threadRecoveries: this.threadRecoveries,
        };
      },
    }, pending, finalize);
  }

  // The Python thread ended under the kernel: the requests in flight hear why (before their error replies).
  // Then, within the bound (server/recovery.ts), a re-exec into the same environment brings a fresh
  // interpreter; the request being served is answered first, and whatever arrived meanwhile, control
  // included, goes along to the new image. Past the bound, the kernel answers errors.
  private threadEnded(reason: string, inFlight: Message[]): void {
    if (this.handingOff || this.stopping) return;
    const { allowed, recent } = recoveryBudget(this.threadRecoveries, Date.now());
    const text = endedNotice(reason, allowed);
    log(text.trimEnd());
    // With none in flight (it ended in the kernel's own work, IPython's start), as a restart's notice.
    for (const parent of inFlight.length > 0 ? inFlight : [{}]) {
      this.publisher.publish('stream', { name: 'stderr', text }, parent).catch((e: unknown) => log(`the notice was not sent: ${errorMessage(e)}`));
    }
    if (!allowed) return;
    this.handingOff = true;
    this.threadRecoveries = [...recent, Date.now()];
    const recover = async (): Promise<void> => {
      await this.shellQueue.hold();
      let env;
      try {
        env = await this.switcher.current();
      } catch (error) {
        // Nothing is torn down yet: the kernel goes on, answering errors.
        log(`no fresh interpreter after the thread ended: ${errorMessage(error)}`);
        this.handingOff = false;
        this.serveHeldControl();
        this.shellQueue.release();
        return;
      }
      await this.reexec(recoverySwitch(env, reason, inFlight[0]?.header ?? {}), false);
    };
    recover().catch((error: unknown) => log(`the re-exec for a fresh interpreter failed: ${errorMessage(error)}`));
  }

  private listen(): void {
    const failed = (channel: string) => (error: unknown) => log(`${channel} channel failed: ${String(error)}`);
    // Reading shell waits while the queue is full, so the ROUTER's high-water mark holds the rest back.
    this.sockets.serve('shell', (frames) => this.receive(frames, (m) => this.shellQueue.push(m, byteLength(frames)))).catch(failed('shell'));
    this.sockets.serve('control', (frames) => this.receive(frames, (m) => {
      if (this.handingOff) this.heldControl.push(m);
      else this.serve('control', m).catch((e: unknown) => log(`control request failed: ${errorMessage(e)}`));
    })).catch(failed('control'));
    this.sockets.serve('stdin', (frames) => this.receive(frames, (m) => this.onStdin(m))).catch(failed('stdin'));
    this.sockets.serveSubscriptions((subscribed, topic) => void this.publisher.subscriptionChanged(subscribed, topic)).catch(failed('iopub'));
  }

  // Checks a message before anything acts on it: a bad one is logged and dropped, and the kernel goes on.
  // Whatever `accept` throws is logged here, so no message can end a channel's receive loop.
  private async receive(frames: Buffer[], accept: (message: Message) => void | Promise<void>): Promise<void> {
    this.idleGc.noteRequest();
    try {
      // zmq bounds each frame; a message of many frames is bounded here, before any HMAC or parse.
      if (byteLength(frames) > this.limits.maxMessageBytes) {
        logLimited('rejected messages', `dropped a message of ${byteLength(frames)} bytes (at most ${this.limits.maxMessageBytes})`);
        return;
      }
      const decoded = this.session.decode(frames);
      if (decoded.ok) await accept(decoded.message);
      else logLimited('rejected messages', `dropped a message: ${decoded.reason}`);
    } catch (error) {
      log(`a message could not be handled: ${errorMessage(error)}`);
    }
  }

  private handlers(channel: Channel): Record<string, Handler> {
    const common: Record<string, Handler> = {
      kernel_info_request: (_, respond) => respond(this.kernelInfo()),
      connect_request: (_, respond) => respond(this.ports()),
      shutdown_request: (m, respond) => this.shutdown(m, respond),
    };
    if (channel === 'control') {
      return {
        ...common,
        interrupt_request: (m, respond) => respond(this.interrupt(m)),
        debug_request: (m, respond) => this.debug(m, respond),
      };
    }
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
        this.withContent(m, respond, parseHistoryQuery, async (c) => respond({ status: 'ok', history: await this.history.query(c) })),
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
      logLimited('rejected messages', `dropped an unknown ${channel} message type ${JSON.stringify(type).slice(0, 100)}`);
      return;
    }
    await this.ready;
    // An execute starts in the interpreter before its busy and execute_input are sent: it runs while they go out.
    if (channel === 'shell' && this.startedEarly?.message !== message) this.startEarly(message);
    await this.publisher.status('busy', message);
    let replied = false;
    try {
      await handler(message, (content) => {
        replied = true;
        return this.reply(channel, message, content);
      });
      if (channel === 'shell') await this.envRequests.runScheduledSwitch(this.python);
    } catch (error) {
      // A request that failed inside the kernel still gets its answer.
      log(`${type} failed: ${errorMessage(error)}`);
      if (!replied && type.endsWith('_request')) {
        await this.reply(channel, message, { status: 'error', ename: 'KernelError', evalue: errorMessage(error), traceback: [] })
          .catch((e: unknown) => log(`the error reply to ${type} was not sent: ${errorMessage(e)}`));
      }
    } finally {
      await this.publisher.status('idle', message);
    }
  }

  private async reply(channel: Channel, request: Message, content: object): Promise<void> {
    const replyType = request.header.msg_type.replace(/_request$/, '_reply');
    await this.sockets.send(channel, this.session.frames(replyType, content, request, { identities: request.identities }));
    this.python?.finishStartup();
  }

  // A request whose content is malformed gets an error reply that says which field is wrong.
  private async withContent<T>(message: Message, respond: Respond, parse: (c: Content) => ParseResult<T>, run: (c: T) => Promise<void>): Promise<void> {
    const parsed = parse(message.content);
    if (!parsed.ok) {
      logLimited('rejected messages', `bad ${message.header.msg_type}: ${parsed.error}`);
      return respond({ status: 'error', ename: 'BadRequest', evalue: parsed.error, traceback: [] });
    }
    return run(parsed.value);
  }

  private kernelInfo(): KernelInfoReply {
    // The debugger follows the active environment: debugpy must be importable there.
    const debuggable = this.python.startup.debugger.available;
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'pyswitch',
      implementation_version: IMPLEMENTATION_VERSION,
      language_info: this.python.startup.language_info,
      banner: this.python.startup.banner,
      help_links: [{ text: 'Python Reference', url: `https://docs.python.org/${this.python.info.majorMinor}` }],
      debugger: debuggable,
      supported_features: debuggable ? ['debugger'] : [],
    };
  }

  private ports(): ConnectReply {
    const { shell_port, iopub_port, stdin_port, hb_port, control_port } = this.connection;
    return { status: 'ok', shell_port, iopub_port, stdin_port, hb_port, control_port };
  }

  private execute(message: Message, respond: Respond): Promise<void> {
    const early = this.startedEarly?.message === message ? this.startedEarly : undefined;
    this.startedEarly = undefined;
    // A cell started early was parsed then; its content is not parsed twice.
    if (early) return this.runExecute(message, respond, early.request, early.execute);
    return this.withContent(message, respond, parseExecuteRequest, async (request) =>
      this.runExecute(message, respond, request, this.executor.start(this.python, request, message, this.cellName(request.code, await this.debugger?.cellFile(request.code)))));
  }

  private async runExecute(message: Message, respond: Respond, request: ExecuteRequest, started: StartedExecute): Promise<void> {
    const reply = await this.executor.finish(started, request, message);
    const stopping = reply.status === 'error' && request.stop_on_error && !request.silent;
    // The reply is handed to zmq first: a next cell that ends the process (os._exit) must not take it along.
    const replied = respond(reply);
    if (!stopping) this.startNextExecute();
    await replied;
    if (stopping) await this.abortQueuedExecutes();
  }

  // `dumped`: the debugger's file for the cell while a session is on. Hashed once: by the dump while
  // debugged, else only where IPython mode compiles the cell under it.
  private cellName(code: string, dumped?: string): CellName {
    return { file: dumped ?? (this.python.startup.ipython ? this.cellFiles.pathOf(code) : undefined), debugged: dumped !== undefined };
  }

  // A pipelined execute waiting next in line starts in the interpreter now, while the reply and idle of
  // the one just run go out; its own messages still come after them (Executor.start).
  private startNextExecute(): void {
    this.shellQueue.claimNext((next) => this.startEarly(next));
  }

  // Hands `message` to the interpreter if it is an execute that can start before its own busy and
  // execute_input are out (the cell's messages are held until then). Not past anything that must see the
  // interpreter idle first: a switch a cell scheduled, a debug session's cell dump, a hand-off (the shell
  // queue holds then).
  private startEarly(message: Message): boolean {
    if (message.header.msg_type !== 'execute_request') return false;
    if (this.handingOff || this.envRequests.switchScheduled || this.debugger?.sessionOn) return false;
    const parsed = parseExecuteRequest(message.content);
    if (!parsed.ok) return false;
    this.startedEarly = { message, request: parsed.value, execute: this.executor.start(this.python, parsed.value, message, this.cellName(parsed.value.code)) };
    return true;
  }

  // stop_on_error: the executes queued behind a failed one are answered "aborted", as ipykernel does.
  private async abortQueuedExecutes(): Promise<void> {
    for (const queued of this.shellQueue.take((m) => m.header.msg_type === 'execute_request')) {
      await this.publisher.status('busy', queued);
      await this.reply('shell', queued, { status: 'aborted' });
      await this.publisher.status('idle', queued);
    }
  }

  // A cell stopped at a breakpoint ends at the stopped line too (the debugger sees to its session). During
  // a switch (or for an interrupt carried over one) there is no cell of the user's to stop, and the switch
  // itself must not be cut short: answered, nothing else.
  private interrupt(message: Message): Content {
    if (this.envRequests.switching || this.carriedInterrupts.delete(message.header.msg_id)) return { status: 'ok' };
    if (this.debugger?.isStopped) this.debugger.interrupt(() => this.python.interrupt(), message);
    else this.python.interrupt();
    return { status: 'ok' };
  }

  private async debug(message: Message, respond: Respond): Promise<void> {
    if (!this.debugger) {
      const { Debugger } = await import('./debugger');
      this.debugger ??= new Debugger(this.publisher, () => this.python, this.cellFiles);
    }
    return respond(await this.debugger.handle(message));
  }

  private async askInput(parent: Message, prompt: string, password: boolean): Promise<void> {
    this.inputAsked = parent;
    await this.sockets.send('stdin', this.session.frames('input_request', { prompt, password }, parent, { identities: parent.identities }));
  }

  private onStdin(message: Message): void {
    if (this.handingOff) {
      log(`dropped a stdin ${message.header.msg_type} during a re-exec: no input() is waiting`);
      return;
    }
    if (message.header.msg_type !== 'input_reply') {
      logLimited('rejected messages', `dropped a stdin message of type ${JSON.stringify(message.header.msg_type).slice(0, 100)}`);
      return;
    }
    const parsed = parseInputReply(message.content);
    const asking = this.inputAsked;
    if (!this.python) logLimited('rejected messages', 'dropped an input_reply that came before the interpreter was ready');
    // A reply nobody asked for (sent early, or twice) must not answer a later input(): as ipykernel, which
    // flushes its stdin socket before each input_request. jupyter_client sends replies without a parent,
    // so they are told apart by whether an input_request is out.
    else if (!asking) logLimited('rejected messages', `dropped an input_reply that answers no input_request${parsed.ok ? '' : ` (${parsed.error})`}`);
    else {
      this.inputAsked = undefined;
      if (parsed.ok) {
        this.python.answerInput(parsed.value.value);
        return;
      }
      // The frontend has answered, with no line in it: the cell is told why, and input() ends as at Ctrl-D
      // (EOFError) rather than wait for a reply that will not come. The note is queued first, so it comes first.
      logLimited('rejected messages', `bad input_reply: ${parsed.error}`);
      const note = `pyswitch: the frontend's input_reply is malformed (${parsed.error}); input() ends as at end of input\n`;
      this.publisher.publish('stream', { name: 'stderr', text: note }, asking).catch((error: unknown) => log(`the note on a bad input_reply was not sent: ${errorMessage(error)}`));
      this.python.answerInput(END_OF_INPUT);
    }
  }

  private shutdown(message: Message, respond: Respond): Promise<void> {
    return this.withContent(message, respond, parseShutdownRequest, async ({ restart }) => {
      await this.keepForRestart(restart);
      const content = { status: 'ok', restart };
      await respond(content);
      await this.publisher.publish('shutdown_reply', content, message);
      setImmediate(() => void this.stop());
    });
  }

  // Before the shutdown reply: the frontend starts the next process once this one has answered and gone.
  // A failure costs only the environment after the restart, never the reply.
  private async keepForRestart(restart: boolean): Promise<void> {
    try {
      if (restart) writeRestartState(this.image.connectionFile, this.connectionKey, await this.switcher.current());
      else forgetRestartState(this.image.connectionFile);
    } catch (error) {
      log(`the environment is not kept for the restart: ${String(error)}`);
    }
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
    await this.debugger?.shutdown(); // stopped threads go on, so the interrupt reaches the cell
    this.python.interrupt();
    try {
      await this.python.stop();
    } catch (error) {
      log(`the interpreter did not stop cleanly: ${String(error)}`);
    }
    this.sockets.close();
  }
}

function byteLength(frames: Buffer[]): number {
  return frames.reduce((sum, frame) => sum + frame.length, 0);
}
