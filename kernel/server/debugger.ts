// The kernel's debugger (messaging spec, "Debug request"): debug_request contents are DAP requests, served
// by debugpy's in-process adapter in the active interpreter, which the kernel drives over a loopback socket
// from Node's loop (so control, heartbeat and stdin keep answering while a cell is stopped). The Jupyter
// additions (debugInfo, dumpCell, inspectVariables, richInspectVariables, copyToGlobals, modules, source)
// are answered here: from the kernel's own state, from the interpreter while its thread is free, and
// through the adapter's evaluate in a stopped frame while it is not. The adapter's behaviour relied on here
// is in docs/debugger.md (facts cited by number).
import { randomBytes } from 'crypto';
import * as fs from 'fs';

import { EnvError } from '../envs';
import { Content } from '../protocol/fields';
import { DapEvent, DapRequest, DapResponse, dapArgumentsError, parseDapRequest, refuse, respond } from '../protocol/dap';
import { Message } from '../protocol/wire';
import { DapConnection } from '../transport/dap-connection';
import { CellFiles, HASH_METHOD, HASH_SEED, TMP_FILE_SUFFIX } from './debug-cells';
import { log } from '../common/log';
import { Publisher } from './publisher';
import { PythonSession } from './python-session';
import { errorMessage } from '../common/error-message';

const ADAPTER_TIMEOUT_MS = 60_000; // an evaluate of the user's may run long; no request waits forever
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
// The kernel's own frames (the cell runner, display hooks) never show in the call stack, and stepping
// never enters them.
const KERNEL_FRAMES_RULE = { module: 'pyswitch', include: false };
// Requests passed to the adapter as they are. Anything else gets a refusal: pydevd leaves requests it
// does not know unanswered (fact 4).
const FORWARDED = new Set([
  'setBreakpoints', 'setExceptionBreakpoints', 'setFunctionBreakpoints', 'threads', 'stackTrace', 'scopes',
  'variables', 'setVariable', 'evaluate', 'setExpression', 'continue', 'next', 'stepIn', 'stepOut', 'pause',
  'exceptionInfo', 'completions', 'gotoTargets', 'goto', 'stepInTargets',
]); // not terminate: pydevd would end the kernel's process
const HELPERS = "__import__('sys').modules['pyswitch._debugger']";
// Python identifiers (PEP 3131), which richInspectVariables and copyToGlobals name: they go into an
// expression the adapter evaluates, so nothing else may.
const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

type InPython = { what: 'variables' | 'modules' } | { what: 'rich'; name: string };

export class Debugger {
  private connection: DapConnection | undefined;
  private starting: Promise<DapConnection> | undefined;
  private configured = false;
  private adapterRunning = false; // debugpy listens in the current interpreter
  private readonly breakpoints = new Map<string, Content[]>();
  private readonly stopped = new Set<number>();
  private outSeq = 1;
  // Events reach the frontend in the adapter's order, though a stop first asks which threads stopped.
  private events: Promise<void> = Promise.resolve();

  // `cells`: the kernel's names of its cells' files, which are the frontend's too (debug-cells.ts).
  constructor(private readonly publisher: Publisher, private readonly python: () => PythonSession, private readonly cells: CellFiles) {}

  // Whether the active interpreter can import debugpy, and why not (asked at its start-up).
  get availability(): { available: boolean; reason: string | null } {
    return this.python().startup.debugger;
  }

  get isStopped(): boolean {
    return this.stopped.size > 0;
  }

  // Serves one debug_request; always answers (a refusal says why, a malformed request what is wrong).
  async handle(message: Message): Promise<DapResponse> {
    const parsed = parseDapRequest(message.content);
    if (!parsed.ok) {
      const { seq, command } = message.content;
      return this.numbered(refuse({ seq: typeof seq === 'number' ? seq : 0, command: typeof command === 'string' ? command : '' }, parsed.error));
    }
    const request = parsed.value;
    try {
      return this.numbered(await this.serve(request, message));
    } catch (error) {
      return this.numbered(refuse(request, errorMessage(error)));
    }
  }

  get sessionOn(): boolean {
    return this.connection !== undefined;
  }

  // The file a cell is compiled as while a session is on (written first, so the adapter can show it);
  // undefined when no session is.
  async cellFile(code: string): Promise<string | undefined> {
    return this.connection ? this.cells.dump(code) : undefined;
  }

  // An interrupt of a stopped cell: the KeyboardInterrupt ends it at the stopped line, raised in the
  // adapter's wait loop (letting the thread run on first would run more of the cell than the user asked
  // for). Leaving through the adapter's trace function ends the tracing of the thread and leaves the
  // adapter believing it suspended: a continue puts the adapter right (its response waits for a resume
  // that already happened, so nobody waits for it), and tracing resumes once the thread is free (facts 6, 9).
  interrupt(interruptPython: () => void, parent: Message): void {
    const connection = this.connection;
    const [thread] = this.stopped;
    interruptPython();
    if (!connection || thread === undefined) return;
    connection.send('continue', { threadId: thread });
    this.stopped.clear(); // no thread waits any more, whether or not the adapter's event is out yet
    this.setTracing(true, parent);
  }

  // Before an environment switch: the session ends with the interpreter, and the frontend is told; the
  // adapter's threads and its listening socket go before the interpreter is finalized. A stopped thread
  // refuses the switch (its frames would be lost mid-way). The next environment's debugpy, if it has one,
  // serves the next session.
  async endForSwitch(parent: Message): Promise<void> {
    if (this.isStopped) {
      throw new EnvError('busy', 'the debugger is stopped at a breakpoint: continue or stop debugging before switching');
    }
    if (this.connection) {
      await this.endSession();
      await this.publishTerminated();
    }
    if (this.adapterRunning) {
      this.adapterRunning = false;
      const ended = await this.python().request<Content>('debug_end', {}, parent);
      if (ended.status === 'error') log(`debugpy did not stop cleanly before the switch: ${pythonError(ended)}`);
    }
  }

  // At shutdown: stopped threads are let go, and the cells' files removed.
  async shutdown(): Promise<void> {
    await this.endSession().catch(() => undefined);
    this.cells.removeAll();
  }

  private async serve(request: DapRequest, parent: Message): Promise<DapResponse> {
    const args = request.arguments;
    switch (request.command) {
      case 'debugInfo':
        return respond(request, this.debugInfo());
      case 'dumpCell':
        return respond(request, { sourcePath: await this.cells.dump(stringArg(args, 'code')) });
      case 'initialize':
        return this.initialize(request, parent);
      case 'source':
        return this.source(request);
      case 'disconnect': // also without a session (one a switch ended): the frontend's stop always succeeds
        return this.disconnect(request, parent);
    }
    const connection = this.connection;
    if (!connection) return refuse(request, this.notStarted());
    switch (request.command) {
      case 'attach':
        return this.attach(connection, request);
      case 'configurationDone':
        return respond(request); // done by the kernel right after attach (JupyterLab does not send it)
      case 'inspectVariables':
        return respond(request, await this.inPython({ what: 'variables' }, parent));
      case 'modules':
        return respond(request, this.page(await this.inPython({ what: 'modules' }, parent), args));
      case 'richInspectVariables':
        return this.richInspect(connection, request, parent);
      case 'copyToGlobals':
        return this.copyToGlobals(connection, request);
    }
    if (!FORWARDED.has(request.command)) return refuse(request, `the ${request.command} request is not supported`);
    const wrong = dapArgumentsError(request.command, args);
    if (wrong) return refuse(request, `bad ${request.command} request: ${wrong}`);
    const response = await this.forward(connection, request);
    if (request.command === 'setBreakpoints' && response.success) this.recordBreakpoints(args);
    return response;
  }

  private debugInfo(): Content {
    return {
      isStarted: this.connection !== undefined,
      hashMethod: HASH_METHOD,
      hashSeed: HASH_SEED,
      tmpFilePrefix: this.cells.prefix,
      tmpFileSuffix: TMP_FILE_SUFFIX,
      breakpoints: [...this.breakpoints].map(([source, breakpoints]) => ({ source, breakpoints })),
      stoppedThreads: [...this.stopped],
      richRendering: true,
      exceptionPaths: ['Python Exceptions'],
      copyToGlobals: true,
    };
  }

  private notStarted(): string {
    const { available, reason } = this.availability;
    return available ? 'the debugger is not started: send initialize first' : `no debugger in this environment: ${reason ?? ''}`;
  }

  // The first initialize starts the adapter in the interpreter; each one opens a connection to it.
  private async initialize(request: DapRequest, parent: Message): Promise<DapResponse> {
    if (!this.availability.available) return refuse(request, this.notStarted());
    const connection = this.connection ?? await (this.starting ??= this.connect(parent).finally(() => {
      this.starting = undefined;
    }));
    return this.forward(connection, request);
  }

  private async connect(parent: Message): Promise<DapConnection> {
    const token = randomBytes(24).toString('hex');
    const started = await this.python().request<{ port?: number } & Content>('debug_start', { token }, parent);
    if (typeof started.port !== 'number') throw new Error(`debugpy did not start: ${pythonError(started)}`);
    this.adapterRunning = true;
    const connection = await DapConnection.connect(started.port, {
      onEvent: (event) => this.onEvent(event),
      onClose: (reason, ours) => this.onClosed(connection, reason, ours),
    }, ADAPTER_TIMEOUT_MS);
    const authorized = await connection.request('pydevdAuthorize', { debugServerAccessToken: token });
    if (!authorized.success) {
      connection.close();
      throw new Error(`debugpy refused the kernel: ${authorized.message ?? ''}`);
    }
    this.connection = connection;
    this.configured = false;
    return connection;
  }

  // attach, then the rest of the adapter's handshake (configurationDone), which the kernel completes
  // itself (fact 5). The kernel's frames are left out of the call stack.
  private async attach(connection: DapConnection, request: DapRequest): Promise<DapResponse> {
    const args = request.arguments;
    const rules: unknown[] = Array.isArray(args.rules) ? args.rules : [];
    const response = await this.forward(connection, {
      ...request,
      arguments: { justMyCode: true, ...args, rules: [KERNEL_FRAMES_RULE, ...rules] },
    });
    if (response.success && !this.configured) {
      const done = await connection.request('configurationDone');
      if (!done.success) return refuse(request, `debugpy did not complete its configuration: ${done.message ?? ''}`);
      this.configured = true;
    }
    return response;
  }

  // disconnect resumes every stopped thread and drops the breakpoints. The adapter stays in the
  // interpreter for the next session, but its thread stops tracing once it is free again (not awaited: a
  // resumed cell may still be running).
  private async disconnect(request: DapRequest, parent: Message): Promise<DapResponse> {
    if (!this.connection) return respond(request);
    const response = await this.endSession(request);
    this.setTracing(false, parent);
    return response;
  }

  // Queued behind the running cell, if any: not awaited.
  private setTracing(on: boolean, parent: Message): void {
    this.python().request<Content>('debug_trace', { on }, parent).then(
      (answer) => answer.status === 'error' && log(`debug_trace failed: ${pythonError(answer)}`),
      (error: unknown) => log(`debug_trace failed: ${String(error)}`));
  }

  private async endSession(request: DapRequest = { type: 'request', seq: 0, command: 'disconnect', arguments: {} }): Promise<DapResponse> {
    const connection = this.connection;
    if (!connection) return respond(request);
    try {
      return await this.forward(connection, { ...request, arguments: { restart: false, terminateDebuggee: false } });
    } finally {
      connection.close();
    }
  }

  // A session the adapter ended (its interpreter gone) is reported to the frontend as terminated.
  private onClosed(connection: DapConnection, reason: Error, ours: boolean): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.configured = false;
    this.breakpoints.clear();
    this.stopped.clear();
    log(`debug session ended: ${reason.message}`);
    if (!ours) void this.publishTerminated();
  }

  private publishTerminated(): Promise<void> {
    return this.publish({ type: 'event', seq: 0, event: 'terminated', body: {} });
  }

  private async forward(connection: DapConnection, request: DapRequest): Promise<DapResponse> {
    const response = await connection.request(request.command, request.arguments);
    return { ...response, request_seq: request.seq, command: request.command };
  }

  private recordBreakpoints(args: Content): void {
    const source = args.source as Content | undefined;
    const path = source && typeof source.path === 'string' ? source.path : undefined;
    if (!path) return;
    const breakpoints = Array.isArray(args.breakpoints) ? (args.breakpoints as Content[]) : [];
    if (breakpoints.length === 0) this.breakpoints.delete(path);
    else this.breakpoints.set(path, breakpoints);
  }

  private onEvent(event: DapEvent): void {
    if (isKernelModule(event)) return; // the frontend's module list shows the user's, not the kernel's
    this.events = this.events.then(() => this.track(event)).then(() => this.publish(event))
      .catch((error: unknown) => log(`debug event ${event.event} not delivered: ${String(error)}`));
  }

  // The stopped threads, for debugInfo and for requests that must run in a stopped frame.
  private async track(event: DapEvent): Promise<void> {
    const body = event.body;
    const thread = typeof body.threadId === 'number' ? body.threadId : undefined;
    if (event.event === 'stopped') {
      if (body.allThreadsStopped === true && this.connection) { // fact 7
        const threads = await this.connection.request('threads');
        for (const t of (threads.body.threads as { id: number }[] | undefined) ?? []) this.stopped.add(t.id);
      }
      if (thread !== undefined) this.stopped.add(thread);
    } else if (event.event === 'continued') {
      if (body.allThreadsContinued === true || thread === undefined) this.stopped.clear();
      else this.stopped.delete(thread);
    }
  }

  private publish(event: DapEvent): Promise<void> {
    return this.publisher.publish('debug_event', this.numbered(event));
  }

  private numbered<T extends DapResponse | DapEvent>(message: T): T {
    return { ...message, seq: this.outSeq++ };
  }

  // A helper of the interpreter's (pyswitch._debugger): a request while its thread is free; through the
  // adapter's evaluate in a stopped thread's top frame while it is not (its thread then serves nothing else).
  private async inPython(call: InPython, parent: Message): Promise<Content> {
    const [thread] = this.stopped;
    if (thread !== undefined && this.connection) {
      const frameId = await this.topFrame(this.connection, thread);
      const name = call.what === 'rich' ? call.name : undefined;
      return this.evaluate(this.connection, `${HELPERS}.answer('${call.what}'${name ? `, ${name}` : ''})`, frameId);
    }
    const answer = await this.python().request<Content>('debug_inspect', call, parent);
    if (answer.status === 'error') throw new Error(pythonError(answer));
    return answer;
  }

  private async topFrame(connection: DapConnection, threadId: number): Promise<number> {
    const trace = await connection.request('stackTrace', { threadId, startFrame: 0, levels: 1 });
    const frames = (trace.body.stackFrames as { id: number }[] | undefined) ?? [];
    if (!trace.success || frames.length === 0) throw new Error(`no frame of thread ${threadId} to inspect: ${trace.message ?? ''}`);
    return frames[0].id;
  }

  // Evaluates one of the helpers in a frame; the helper's answer comes back as its JSON text (the
  // clipboard context keeps a repr whole: fact 8).
  private async evaluate(connection: DapConnection, expression: string, frameId: number): Promise<Content> {
    const reply = await connection.request('evaluate', { expression, frameId, context: 'clipboard' });
    if (!reply.success) throw new Error(reply.message ?? 'evaluate failed');
    const result = String(reply.body.result);
    try {
      return JSON.parse(result) as Content;
    } catch {
      // The evaluation itself failed (a name not defined in that frame): pydevd gives the error's repr.
      throw new Error(result);
    }
  }

  private async richInspect(connection: DapConnection, request: DapRequest, parent: Message): Promise<DapResponse> {
    const name = stringArg(request.arguments, 'variableName');
    // The panel's groups ("special variables"...) are no names: nothing to render, as in ipykernel.
    if (!IDENTIFIER.test(name)) return respond(request, { data: {}, metadata: {} });
    const frameId = request.arguments.frameId;
    if (typeof frameId === 'number' && this.isStopped) {
      return respond(request, await this.evaluate(connection, `${HELPERS}.answer('rich', ${name})`, frameId));
    }
    return respond(request, await this.inPython({ what: 'rich', name }, parent));
  }

  private async copyToGlobals(connection: DapConnection, request: DapRequest): Promise<DapResponse> {
    const args = request.arguments;
    const source = stringArg(args, 'srcVariableName');
    const target = stringArg(args, 'dstVariableName');
    const frameId = args.srcFrameId;
    if (!IDENTIFIER.test(source) || !IDENTIFIER.test(target)) return refuse(request, 'variable names must be Python identifiers');
    if (typeof frameId !== 'number' || !this.isStopped) return refuse(request, 'copyToGlobals needs a stopped frame (srcFrameId)');
    return respond(request, await this.evaluate(connection, `${HELPERS}.answer('copy', ${source}, '${target}')`, frameId));
  }

  // A file's source, for frames whose file the frontend cannot read; the adapter serves the others
  // (code without a file, by sourceReference).
  private async source(request: DapRequest): Promise<DapResponse> {
    const source = request.arguments.source as Content | undefined;
    const path = source && typeof source.path === 'string' ? source.path : '';
    const stat = path ? await fs.promises.stat(path).catch(() => undefined) : undefined;
    if (stat?.isFile() && stat.size <= MAX_SOURCE_BYTES) {
      return respond(request, { content: await fs.promises.readFile(path, 'utf8') });
    }
    const reference = request.arguments.sourceReference ?? source?.sourceReference;
    if (this.connection && typeof reference === 'number' && reference > 0) return this.forward(this.connection, request);
    return refuse(request, `source unavailable: ${path || 'no path'}`);
  }

  private page(body: Content, args: Content): Content {
    const modules = Array.isArray(body.modules) ? body.modules : [];
    const start = typeof args.startModule === 'number' ? args.startModule : 0;
    const count = typeof args.moduleCount === 'number' && args.moduleCount > 0 ? args.moduleCount : modules.length;
    return { modules: modules.slice(start, start + count), totalModules: body.totalModules };
  }
}

function isKernelModule(event: DapEvent): boolean {
  const name = event.event === 'module' ? (event.body.module as Content | undefined)?.name : undefined;
  return typeof name === 'string' && (name === KERNEL_FRAMES_RULE.module || name.startsWith(`${KERNEL_FRAMES_RULE.module}.`));
}

function stringArg(args: Content, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw new Error(`"arguments.${name}" must be a string`);
  return value;
}

function pythonError(reply: Content): string {
  const text = (value: unknown, otherwise: string): string => (typeof value === 'string' ? value : otherwise);
  return `${text(reply.ename, 'error')}: ${text(reply.evalue, JSON.stringify(reply))}`;
}
