// The embedded CPython as TypeScript sees it: requests in, results and iopub output back, in order.
// Loading follows DESIGN facts 1-2: libpython goes into the global symbol scope first, then the addon
// built for its major.minor.
import * as fs from 'fs';
import * as path from 'path';

import { PythonInfo } from './python-info';
import { PACKAGE_ROOT, buildCommandFor, nativeAddonPath } from './native-build';
import { processAddon } from './process-addon';
import { OutputFds, routeProcessOutput } from './process-output';

export interface IopubEvent {
  kind: 'iopub';
  job: number;
  msgType: string;
  content: Buffer; // the message content as JSON, ready for the wire
  metadata?: Buffer; // the message's metadata as JSON, when Python gave any (comm messages)
  buffers?: Buffer[]; // binary frames after the content (comm messages)
}
interface ReplyEvent {
  kind: 'reply';
  job: number;
  ok: boolean;
  payload: Buffer;
}
export interface InputEvent {
  kind: 'input';
  job: number;
  prompt: string;
  password: boolean;
}
// The interpreter asks the kernel itself something (the pyswitch module's current(), switch(), ...).
export interface KernelRequestEvent {
  kind: 'kernel-request';
  job: number;
  payload: Buffer; // JSON
}
type NativeEvent = IopubEvent | ReplyEvent | InputEvent | KernelRequestEvent;

// The path configuration of an environment switch, computed by preflight (nothing left to Python's own).
export interface ExplicitPaths {
  baseExecutable: string;
  home: string;
  moduleSearchPaths: string[];
}
interface StartOptions {
  executable: string;
  paths: string[];
  explicit?: ExplicitPaths;
}

interface NativeInterpreter {
  start(options: StartOptions): number;
  restart(options: StartOptions): number;
  call(method: string, payload: Buffer, buffers?: Buffer[]): number;
  stop(): number;
  interrupt(): boolean;
  answer(text: string): void;
  close(): void;
}
interface InterpreterAddon {
  Interpreter: new (onEvents: (events: NativeEvent[]) => void) => NativeInterpreter;
  pythonVersion: string;
  originalOutput(): OutputFds;
}

export const LANG_DIR = path.join(PACKAGE_ROOT, 'kernel', 'lang');

export interface EmbeddedPythonHandlers {
  // Output of request `job`, in the order Python produced it.
  onIopub(event: IopubEvent): void;
  // input()/getpass() inside request `job`: answer with answer() or interrupt().
  onInputRequest(event: InputEvent): void;
  // A question to the kernel from inside request `job`: answer with answer() (JSON) or interrupt().
  onKernelRequest(event: KernelRequestEvent): void;
}

function loadAddon(info: PythonInfo): InterpreterAddon {
  if (!info.libpython) {
    throw new Error(`${info.executable} (Python ${info.version}) has no shared libpython; pyswitch needs a ` +
      'Python built with --enable-shared');
  }
  const addonPath = nativeAddonPath(info.majorMinor, 'pyswitch_python');
  if (!fs.existsSync(addonPath)) {
    throw new Error(`no native build for Python ${info.majorMinor}: run \`${buildCommandFor(info.executable)}\``);
  }
  processAddon(info.majorMinor).loadGlobal(info.libpython);
  return require(addonPath) as InterpreterAddon;
}

export class EmbeddedPython {
  private readonly native: NativeInterpreter;
  private readonly pending = new Map<number, { resolve: (payload: Buffer) => void; reject: (e: Error) => void }>();
  private handlers: EmbeddedPythonHandlers | undefined;
  private early: Exclude<NativeEvent, ReplyEvent>[] = [];
  // Settles when the interpreter has initialised (or failed to, with the reason).
  readonly started: Promise<void>;

  // Loads the interpreter of `info` into this process; it initialises on its own thread while the caller
  // goes on with the rest of start-up.
  constructor(info: PythonInfo) {
    const addon = loadAddon(info);
    // The interpreter takes fds 1 and 2 over for cell output when it starts: Node's own output first moves
    // to copies of them.
    routeProcessOutput(addon.originalOutput());
    this.native = new addon.Interpreter((events) => this.dispatch(events));
    this.started = this.track(this.native.start({ executable: info.sysExecutable, paths: [LANG_DIR] })).then(() => undefined);
    this.started.catch(() => undefined); // failures reach whoever awaits `started`, not the process
  }

  // Where output and input requests go from now on; whatever came before is delivered first, in order.
  attach(handlers: EmbeddedPythonHandlers): void {
    this.handlers = handlers;
    const early = this.early;
    this.early = [];
    this.dispatch(early);
  }

  // Sends one request to pyswitch._kernel.handle(); returns its job id (which tags its output) and result.
  // `buffers` are the request's binary frames (comm messages), which Python gets as request["buffers"].
  request<T>(method: string, payload: unknown, buffers: Buffer[] = []): { job: number; result: Promise<T> } {
    const job = this.native.call(method, Buffer.from(JSON.stringify(payload)), buffers);
    return { job, result: this.track(job).then((reply) => JSON.parse(reply.toString('utf8')) as T) };
  }

  interrupt(): boolean {
    return this.native.interrupt();
  }

  // Answers the pending input or kernel request.
  answer(text: string): void {
    this.native.answer(text);
  }

  // Finalizes the interpreter and ends its thread.
  // Finalizes the interpreter and initialises the one at `executable` in its place, on the same thread.
  // On failure the process is left without an interpreter (DESIGN fact 7): the caller must not go on.
  async restart(executable: string, explicit: ExplicitPaths): Promise<void> {
    await this.track(this.native.restart({ executable, paths: [LANG_DIR], explicit }));
  }

  async stop(): Promise<void> {
    await this.track(this.native.stop());
    this.native.close();
  }

  private track(job: number): Promise<Buffer> {
    return new Promise((resolve, reject) => this.pending.set(job, { resolve, reject }));
  }

  private dispatch(events: NativeEvent[]): void {
    for (const event of events) {
      if (event.kind !== 'reply' && !this.handlers) {
        this.early.push(event);
      } else if (event.kind === 'iopub') {
        this.handlers?.onIopub(event);
      } else if (event.kind === 'input') {
        this.handlers?.onInputRequest(event);
      } else if (event.kind === 'kernel-request') {
        this.handlers?.onKernelRequest(event);
      } else {
        const waiter = this.pending.get(event.job);
        this.pending.delete(event.job);
        if (!waiter) continue;
        if (event.ok) waiter.resolve(event.payload);
        else waiter.reject(new Error(event.payload.toString('utf8')));
      }
    }
  }
}
