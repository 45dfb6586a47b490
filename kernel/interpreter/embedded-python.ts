// The embedded CPython as TypeScript sees it: requests in, results and iopub output back, in order. Loading
// follows docs/runtime-facts.md, facts 1-2: libpython goes into the global symbol scope first, then the addon
// built for its major.minor.
import * as path from 'path';

import { log } from '../common/log';
import { PythonInfo, sharedLibpython } from './python-info';
import { PACKAGE_ROOT, hasNativeAddons, nativeAddonPath } from './native-build';
import { loadNativeAddon, noNativeAddonError } from './native-toolchain';
import { ProcessAddon } from './process-addon';
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
  code?: NativeErrorCode; // when not ok
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
// The Python thread ended without being stopped: no job will ever be answered.
interface ThreadEndedEvent {
  kind: 'thread-ended';
  job: number;
  reason: string;
}
type NativeEvent = IopubEvent | ReplyEvent | InputEvent | KernelRequestEvent | ThreadEndedEvent;
type HandledEvent = IopubEvent | InputEvent | KernelRequestEvent;

// Why a request to the interpreter failed (native/python_runtime.cc): its interpreter did not start,
// one was already running, none is, or the kernel's Python side raised.
export type NativeErrorCode = 'init_failed' | 'already_running' | 'not_running' | 'python_error';

export class NativeError extends Error {
  constructor(readonly code: NativeErrorCode, message: string) {
    super(message);
    this.name = 'NativeError';
  }
}

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
  // The Python thread ended without being stopped; the requests in flight are rejected right after.
  onThreadEnded(reason: string): void;
}

function loadAddon(info: PythonInfo): InterpreterAddon {
  const libpython = sharedLibpython(info);
  if (!hasNativeAddons(info.majorMinor)) throw noNativeAddonError(info);
  (loadNativeAddon(info, nativeAddonPath(info.majorMinor, 'pyswitch_loader')) as ProcessAddon).loadGlobal(libpython);
  return loadNativeAddon(info, nativeAddonPath(info.majorMinor, 'pyswitch_python')) as InterpreterAddon;
}

export class EmbeddedPython {
  private readonly native: NativeInterpreter;
  private readonly pending = new Map<number, { resolve: (payload: Buffer) => void; reject: (e: Error) => void }>();
  private handlers: EmbeddedPythonHandlers | undefined;
  private early: HandledEvent[] = [];
  private ended: Error | undefined; // why the Python thread is gone, once it is
  // Settles when the interpreter has initialised (or failed to, with the reason).
  readonly started: Promise<void>;
  // Copies of the fds 1 and 2 the kernel was launched with (while the interpreter runs, 1 and 2 are pipes).
  readonly originalOutput: OutputFds;

  // Loads the interpreter of `info` into this process; it initialises on its own thread while the caller
  // goes on with the rest of start-up.
  constructor(info: PythonInfo) {
    const addon = loadAddon(info);
    // The interpreter takes fds 1 and 2 over for cell output when it starts: Node's own output first moves
    // to copies of them.
    this.originalOutput = addon.originalOutput();
    routeProcessOutput(this.originalOutput);
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
    if (this.ended) return { job: 0, result: Promise.reject(this.ended) };
    const job = this.native.call(method, Buffer.from(JSON.stringify(payload)), buffers);
    return { job, result: this.track(job).then((reply) => JSON.parse(reply.toString('utf8')) as T) };
  }

  interrupt(): boolean {
    return !this.ended && this.native.interrupt(); // a thread that is gone has nothing to interrupt
  }

  // Answers the pending input or kernel request.
  answer(text: string): void {
    this.native.answer(text);
  }

  // Finalizes the interpreter and initialises the one at `executable` in its place, on the same thread.
  // On failure the process is left without an interpreter (docs/runtime-facts.md, fact 7): the caller
  // must not go on.
  async restart(executable: string, explicit: ExplicitPaths): Promise<void> {
    if (this.ended) throw this.ended;
    await this.track(this.native.restart({ executable, paths: [LANG_DIR], explicit }));
  }

  // Finalizes the interpreter and ends its thread.
  async stop(): Promise<void> {
    if (!this.ended) await this.track(this.native.stop());
    this.native.close();
  }

  private track(job: number): Promise<Buffer> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.pending.set(job, { resolve, reject }));
  }

  // Each event on its own: one whose handler throws costs that event, never the rest of the batch.
  private dispatch(events: NativeEvent[]): void {
    for (const event of events) {
      try {
        this.deliver(event);
      } catch (error) {
        log(`an event of the interpreter (${event.kind}) could not be handled: ${String(error)}`);
      }
    }
  }

  private deliver(event: NativeEvent): void {
    if (event.kind === 'thread-ended') {
      this.threadEnded(event.reason);
    } else if (event.kind === 'reply') {
      const waiter = this.pending.get(event.job);
      this.pending.delete(event.job);
      if (!waiter) return;
      if (event.ok) waiter.resolve(event.payload);
      else waiter.reject(new NativeError(event.code ?? 'python_error', event.payload.toString('utf8')));
    } else if (!this.handlers) {
      this.early.push(event);
    } else if (event.kind === 'iopub') {
      this.handlers.onIopub(event);
    } else if (event.kind === 'input') {
      this.handlers.onInputRequest(event);
    } else {
      this.handlers.onKernelRequest(event);
    }
  }

  private threadEnded(reason: string): void {
    this.ended = new Error(`the Python thread has ended, so the interpreter cannot run anything more: ${reason}`);
    try {
      this.handlers?.onThreadEnded(reason); // first: what it says goes out before the requests' errors
    } finally {
      for (const { reject } of this.pending.values()) reject(this.ended);
      this.pending.clear();
    }
  }
}
