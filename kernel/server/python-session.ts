// The running interpreter seen from the protocol side: each request's output is published with that
// request as parent, and input() is relayed over the stdin channel to the frontend that asked.
import { EmbeddedPython, InputEvent, IopubEvent, KernelRequestEvent } from '../interpreter/embedded-python';
import { SwitchPlan } from '../envs';
import { PythonInfo } from '../interpreter/python-info';
import { MAX_JSON_DEPTH, exceedsDepth } from '../protocol/json-depth';
import { Content, LanguageInfo } from '../protocol/messages';
import { Message } from '../protocol/wire';
import { ParentHeader } from '../protocol/header';
import { log } from '../common/log';
import { Publisher } from './publisher';

export interface StartupInfo {
  language_info: LanguageInfo;
  banner: string;
  ipython: boolean; // IPython mode: its shell is created by a start_ipython request that follows
  debugger: { available: boolean; reason: string | null }; // whether the interpreter can import debugpy
}

// What the interpreter asks of the rest of the kernel while a request runs.
export interface KernelSide {
  askInput(parent: Message, prompt: string, password: boolean): void;
  // Answers the pyswitch module's questions to the kernel (JSON in, JSON out).
  answer(parent: Message, request: Content): Promise<object>;
  // The Python thread ended under the kernel (no stop was asked): `inFlight`, the requests it was serving,
  // are answered with an error right after this returns.
  threadEnded(reason: string, inFlight: Message[]): void;
}

// Output of threads and asyncio tasks goes to the request that started them (native/host_module.h),
// after that request has ended too: the headers of this many finished requests are kept for it.
const FINISHED_PARENTS_KEPT = 256;

// A question from the interpreter: a JSON object, bounded in depth like anything else the kernel parses.
function parseRequest(payload: Buffer): Content {
  if (exceedsDepth(payload)) throw new Error(`the request nests deeper than ${MAX_JSON_DEPTH} levels`);
  const value: unknown = JSON.parse(payload.toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the request is not a JSON object');
  return value as Content;
}

// A request handed to the interpreter whose output waits: nothing it produces (output, input(), questions
// to the kernel) is acted on before release(), so a cell can start while the messages that must come
// before its own are still being sent (docs/performance.md, "The next cell starts early").
export interface StartedRequest<T> {
  result: Promise<T>;
  release(): void;
}

// The interpreter as the rest of the server layer uses it: an interface, so that dispatch, execute and
// switches can be tested against a fake (test/unit/kernel-dispatch.test.ts) beside the real one.
export interface PythonSession {
  readonly info: PythonInfo;
  readonly startup: StartupInfo;
  // Runs one request in the interpreter on behalf of `parent`, whose output is published as its children.
  // `buffers`: binary frames that go with the payload (comm messages).
  request<T>(method: string, payload: object, parent: Message, buffers?: Buffer[]): Promise<T>;
  // The same, with its output held until release().
  begin<T>(method: string, payload: object, parent: Message): StartedRequest<T>;
  // Finalizes the interpreter and starts the one `plan` describes in its place (an environment switch);
  // rejects when the new one could not start, and then there is no interpreter
  // (docs/runtime-facts.md, fact 7).
  restart(plan: SwitchPlan, parent: Message): Promise<void>;
  interrupt(): boolean;
  // The kernel's first answer is out: what start-up deferred until then (IPython mode's shell) starts
  // loading. A request sent before waits behind it all the same.
  finishStartup(): void;
  // The frontend's input_reply to the pending input().
  answerInput(value: string): void;
  stop(): Promise<void>;
}

// The embedded interpreter's session.
export class EmbeddedSession implements PythonSession {
  // Output that names no known request goes to the latest request.
  private lastParent: Message | undefined;
  private loadingIpython = false;
  private ipythonDeferred = false; // IPython mode's shell, until finishStartup() or the first request

  private constructor(
    readonly info: PythonInfo,
    private started: StartupInfo,
    private readonly python: EmbeddedPython,
    private readonly parents: Map<number, Message>,
    private readonly finished: Map<number, ParentHeader>,
    private readonly held: Map<number, (() => void)[]>, // by job: what its events do, once released
  ) {}

  // What the active interpreter said at its start-up (language_info follows every switch).
  get startup(): StartupInfo {
    return this.started;
  }

  static async start(
    python: EmbeddedPython,
    info: PythonInfo,
    publisher: Publisher,
    kernel: KernelSide,
  ): Promise<EmbeddedSession> {
    const parents = new Map<number, Message>();
    const finished = new Map<number, ParentHeader>();
    const held = new Map<number, (() => void)[]>();
    let session: EmbeddedSession | undefined;
    const parentOf = (job: number): Message | undefined => parents.get(job) ?? session?.lastParent;
    const whenReleased = (job: number, act: () => void): void => {
      const waiting = held.get(job);
      if (waiting) waiting.push(act);
      else act();
    };
    python.attach({
      onIopub: (event: IopubEvent) => {
        const parent = parents.get(event.job) ?? finished.get(event.job) ?? session?.lastParent;
        whenReleased(event.job, () => void publisher.publish(event.msgType, event.content, parent, { metadata: event.metadata, buffers: event.buffers }));
      },
      onInputRequest: (event: InputEvent) => whenReleased(event.job, () => {
        const parent = parentOf(event.job);
        if (parent) kernel.askInput(parent, event.prompt, event.password);
        else python.interrupt(); // nobody to ask: fail the input() rather than hang
      }),
      // Always answered: the interpreter waits for the answer, so a question that fails here fails there.
      onKernelRequest: (event: KernelRequestEvent) => whenReleased(event.job, () => {
        const parent = parentOf(event.job);
        if (!parent) {
          python.interrupt();
          return;
        }
        const fail = (error: unknown) =>
          python.answer(JSON.stringify({ ok: false, error: { code: 'kernel_error', message: String(error) } }));
        let request: Content;
        try {
          request = parseRequest(event.payload);
        } catch (error) {
          fail(error);
          return;
        }
        kernel.answer(parent, request).then((answer) => python.answer(JSON.stringify(answer)), fail);
      }),
      // Only once the session is up: a thread that ends during start-up fails the start instead.
      onThreadEnded: (reason: string) => { if (session) kernel.threadEnded(reason, [...parents.values()]); },
    });
    await python.started;
    const startup = await python.request<StartupInfo>('startup', {}).result;
    session = new EmbeddedSession(info, startup, python, parents, finished, held);
    // Importing IPython is 0.2-0.9 s of CPU on the interpreter's thread: started before the first
    // kernel_info_reply, it competes with it for the CPU (docs/performance.md, "Start-up").
    session.ipythonDeferred = startup.ipython;
    return session;
  }

  async request<T>(method: string, payload: object, parent: Message, buffers?: Buffer[]): Promise<T> {
    const started = this.begin<T>(method, payload, parent, buffers);
    started.release();
    return started.result;
  }

  begin<T>(method: string, payload: object, parent: Message, buffers?: Buffer[]): StartedRequest<T> {
    this.finishStartup(); // nothing runs in the interpreter before IPython's shell is there
    const { job, result } = this.python.request<T>(method, payload, buffers);
    this.parents.set(job, parent);
    const waiting: (() => void)[] = [];
    this.held.set(job, waiting);
    const release = (): void => {
      if (this.held.get(job) !== waiting) return; // released already
      this.held.delete(job);
      this.lastParent = parent; // output of no known request goes to the latest one the frontend has seen start
      for (const act of waiting) act();
    };
    const settled = result.finally(() => {
      this.parents.delete(job);
      this.finished.set(job, parent.header);
      if (this.finished.size > FINISHED_PARENTS_KEPT) this.finished.delete(this.finished.keys().next().value as number);
    });
    return { result: settled, release };
  }

  async restart(plan: SwitchPlan, parent: Message): Promise<void> {
    const { baseExecutable, home, moduleSearchPaths } = plan;
    this.lastParent = parent;
    this.ipythonDeferred = false; // the new interpreter loads its own, below
    await this.python.restart(plan.executable, { baseExecutable, home, moduleSearchPaths });
    this.started = await this.request<StartupInfo>('startup', {}, parent);
    this.loadIpython();
  }

  finishStartup(): void {
    if (!this.ipythonDeferred) return;
    this.ipythonDeferred = false;
    this.loadIpython();
  }

  // IPython mode's shell is created after start-up, without waiting: the kernel answers kernel_info
  // (and a switch its reply) meanwhile, and requests to the interpreter queue behind it.
  private loadIpython(): void {
    if (!this.started.ipython) return;
    this.loadingIpython = true;
    this.python.request<{ banner: string }>('start_ipython', {}).result.then(
      ({ banner }) => { this.started = { ...this.started, banner }; },
      (error: unknown) => log(`IPython mode did not start: ${String(error)}`),
    ).finally(() => { this.loadingIpython = false; });
  }

  // While IPython loads, an interrupt is for the request queued behind it (Python holds it for that
  // cell, see _lifecycle.start_ipython); with nothing queued there is nothing to interrupt.
  interrupt(): boolean {
    if (this.loadingIpython && this.parents.size === 0) return false;
    return this.python.interrupt();
  }

  answerInput(value: string): void {
    this.python.answer(value);
  }

  stop(): Promise<void> {
    return this.python.stop();
  }
}
