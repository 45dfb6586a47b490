// The running interpreter seen from the protocol side: each request's output is published with that
// request as parent, and input() is relayed over the stdin channel to the frontend that asked.
import { EmbeddedPython, InputEvent, IopubEvent, KernelRequestEvent } from '../interpreter/embedded-python';
import { SwitchPlan } from '../envs';
import { PythonInfo } from '../interpreter/python-info';
import { Content, LanguageInfo } from '../protocol/messages';
import { Message } from '../protocol/wire';
import { log } from './log';
import { Publisher } from './publisher';

export interface StartupInfo {
  language_info: LanguageInfo;
  banner: string;
  ipython: boolean; // IPython mode: its shell is created by a start_ipython request that follows
}

// What the interpreter asks of the rest of the kernel while a request runs.
export interface KernelSide {
  askInput(parent: Message, prompt: string, password: boolean): void;
  // Answers the pyswitch module's questions to the kernel (JSON in, JSON out).
  answer(parent: Message, request: Content): Promise<object>;
}

export class PythonSession {
  // Output from threads that outlive their request goes to the latest request.
  private lastParent: Message | undefined;

  private constructor(
    readonly info: PythonInfo,
    private started: StartupInfo,
    private readonly python: EmbeddedPython,
    private readonly parents: Map<number, Message>,
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
  ): Promise<PythonSession> {
    const parents = new Map<number, Message>();
    let session: PythonSession | undefined;
    const parentOf = (job: number): Message | undefined => parents.get(job) ?? session?.lastParent;
    python.attach({
      onIopub: (event: IopubEvent) =>
        void publisher.publish(event.msgType, event.content, parentOf(event.job), { metadata: event.metadata, buffers: event.buffers }),
      onInputRequest: (event: InputEvent) => {
        const parent = parentOf(event.job);
        if (parent) kernel.askInput(parent, event.prompt, event.password);
        else python.interrupt(); // nobody to ask: fail the input() rather than hang
      },
      onKernelRequest: (event: KernelRequestEvent) => {
        const parent = parentOf(event.job);
        const answered = parent ? kernel.answer(parent, JSON.parse(event.payload.toString('utf8')) as Content) : undefined;
        if (!answered) {
          python.interrupt();
          return;
        }
        answered.then((answer) => python.answer(JSON.stringify(answer)), (error: unknown) =>
          python.answer(JSON.stringify({ ok: false, error: { code: 'kernel_error', message: String(error) } })));
      },
    });
    await python.started;
    const startup = await python.request<StartupInfo>('startup', {}).result;
    session = new PythonSession(info, startup, python, parents);
    session.loadIpython();
    return session;
  }

  // Runs one request in the interpreter on behalf of `parent`, whose output is published as its children.
  // `buffers`: binary frames that go with the payload (comm messages).
  async request<T>(method: string, payload: object, parent: Message, buffers?: Buffer[]): Promise<T> {
    const { job, result } = this.python.request<T>(method, payload, buffers);
    this.parents.set(job, parent);
    this.lastParent = parent;
    try {
      return await result;
    } finally {
      this.parents.delete(job);
    }
  }

  // Finalizes the interpreter and starts the one `plan` describes in its place (an environment switch);
  // rejects when the new one could not start, and then there is no interpreter (DESIGN fact 7).
  async restart(plan: SwitchPlan, parent: Message): Promise<void> {
    const { baseExecutable, home, moduleSearchPaths } = plan;
    this.lastParent = parent;
    await this.python.restart(plan.executable, { baseExecutable, home, moduleSearchPaths });
    this.started = await this.request<StartupInfo>('startup', {}, parent);
    this.loadIpython();
  }

  // IPython mode's shell is created after start-up, without waiting: the kernel answers kernel_info
  // (and a switch its reply) meanwhile, and requests to the interpreter queue behind it.
  private loadIpython(): void {
    if (!this.started.ipython) return;
    this.python.request<{ banner: string }>('start_ipython', {}).result.then(
      ({ banner }) => { this.started = { ...this.started, banner }; },
      (error: unknown) => log(`IPython mode did not start: ${String(error)}`),
    );
  }

  interrupt(): boolean {
    return this.python.interrupt();
  }

  // The frontend's input_reply to the pending input().
  answerInput(value: string): void {
    this.python.answer(value);
  }

  stop(): Promise<void> {
    return this.python.stop();
  }
}
