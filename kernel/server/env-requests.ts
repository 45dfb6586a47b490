// Environment requests (the `pyswitch.env` protocol v1, README), from two sides: the `pyswitch.env` comm,
// whose kernel end lives here and not in the interpreter, so it outlives every switch (a frontend opens it
// once and keeps it); and the pyswitch module inside the interpreter, whose switch() takes effect right
// after the request that asked for it.
import { DEFAULT_DEPTH, EnvError, discover } from '../envs';
import { isRelativePath } from '../envs/user-path';
import { ENV_COMM_TARGET, EnvChanged, EnvReply, EnvRequest, parseEnvRequest } from '../protocol/env-messages';
import { ParentHeader } from '../protocol/header';
import { Content, parseCommMessage, parseCommOpen } from '../protocol/messages';
import { Message } from '../protocol/wire';
import { EnvironmentSwitcher, parseBlockers } from './env-switch';
import { log } from '../common/log';
import { workingDirectory } from '../common/working-directory';
import { Publisher } from './publisher';
import { PythonSession } from './python-session';
import { PendingSwitch, ReplyTo } from './resume-state';

const DISCOVER_TIMEOUT_MS = 10_000;

type SwitchRequest = EnvRequest & { request: 'switch' };
type SwitchReply = EnvReply & { reply: 'switch' };

export class EnvRequests {
  private readonly open = new Set<string>();
  private scheduled: { request: SwitchRequest; parent: Message } | undefined;
  private running = false;

  constructor(
    private readonly publisher: Publisher,
    private readonly switcher: EnvironmentSwitcher,
    private readonly majorMinor: string,
    // Carries a switch on in a new image of the process (re-exec), which reports it: never returns.
    // `stuck`: the interpreter did not finalize in time.
    private readonly handOff: (pending: PendingSwitch, stuck: boolean) => Promise<never>,
  ) {}

  // Whether a switch is under way (an interrupt then has nothing of the user's to stop).
  get switching(): boolean {
    return this.running;
  }

  // Whether a cell asked for a switch that runs once its request is answered.
  get switchScheduled(): boolean {
    return this.scheduled !== undefined;
  }

  // Whether a comm message is for us: an open of our target, or a message to one of our comms.
  owns(message: Message): boolean {
    const { content } = message;
    if (message.header.msg_type === 'comm_open') return content.target_name === ENV_COMM_TARGET;
    return typeof content.comm_id === 'string' && this.open.has(content.comm_id);
  }

  commInfo(): Record<string, { target_name: string }> {
    return Object.fromEntries([...this.open].map((id) => [id, { target_name: ENV_COMM_TARGET }]));
  }

  // The open comms, which a re-exec carries over to the new image (the frontend keeps them open).
  openComms(): string[] {
    return [...this.open];
  }

  adopt(commIds: string[]): void {
    for (const id of commIds) this.open.add(id);
  }

  // A request in comm_open or comm_msg data is served in the shell queue, so never inside a running cell.
  async serve(message: Message, python: PythonSession): Promise<void> {
    const type = message.header.msg_type;
    const parsed = type === 'comm_open' ? parseCommOpen(message.content) : parseCommMessage(message.content);
    // A bad message whose comm can be named still gets its answer there (the frontend waits on it).
    const commId: unknown = parsed.ok ? parsed.value.comm_id : message.content.comm_id;
    if (!parsed.ok) log(`bad ${type} for ${ENV_COMM_TARGET}: ${parsed.error}`);
    if (typeof commId !== 'string') return;
    if (type === 'comm_close') {
      this.open.delete(commId);
      return;
    }
    this.open.add(commId);
    if (!parsed.ok) {
      return this.send(commId, { reply: 'error', id: null, ok: false, error: { code: 'bad_request', message: parsed.error } }, message.header);
    }
    const { data } = parsed.value;
    if (type === 'comm_open' && Object.keys(data).length === 0) return; // opened without a request
    await this.answer(commId, data, message, python);
  }

  private async answer(commId: string, data: Content, message: Message, python: PythonSession): Promise<void> {
    const request = parseEnvRequest(data);
    if (!request.ok) {
      const id = typeof data.id === 'string' ? data.id : null;
      const reply = typeof data.request === 'string' ? data.request : 'error';
      return this.send(commId, { reply, id, ok: false, error: { code: 'bad_request', message: request.error } }, message.header);
    }
    const replyTo: ReplyTo = { parent: message.header, commId, requestId: request.value.id };
    if (request.value.request === 'switch') return this.runSwitch(request.value, replyTo, message, python);
    let reply: EnvReply;
    try {
      reply = await this.inquire(request.value);
    } catch (error) {
      // A fault of the kernel's own is still an answer, never silence.
      log(`${request.value.request} failed: ${error instanceof Error && error.stack ? error.stack : String(error)}`);
      reply = { reply: request.value.request, id: request.value.id, ok: false,
        error: { code: 'internal_error', message: `the kernel failed to answer: ${String(error)}` } };
    }
    await this.send(commId, reply, message.header);
  }

  // A question from the pyswitch module in a cell. A switch is checked now, while the cell waits, so that a
  // refusal fails the cell (Run All stops there); it runs once the cell is answered, checked again then.
  // The cell sends what stands in the way of an in-process switch along ("blockers"): the interpreter is
  // busy with the cell and cannot be asked.
  async answerFromCell(data: Content, parent: Message): Promise<object> {
    const request = parseEnvRequest(data);
    if (!request.ok) return { ok: false, error: { code: 'bad_request', message: request.error } };
    if (request.value.request !== 'switch') return this.inquire(request.value);
    // The pyswitch module's own field of a switch from a cell: what its interpreter says stands in the way.
    const blockers = parseBlockers(data);
    if (!blockers.ok) return { ok: false, error: { code: 'bad_request', message: blockers.error } };
    const { id, target, strategy } = request.value;
    try {
      await this.switcher.check(target, () => Promise.resolve(blockers.value), strategy ?? undefined);
    } catch (error) {
      if (!(error instanceof EnvError)) throw error;
      return { reply: 'switch', id, ok: false, env: await this.switcher.current(), error: { code: error.code, message: error.message }, restored: true };
    }
    this.scheduled = { request: request.value, parent };
    return { reply: 'switch', id, scheduled: true };
  }

  // Runs the switch a cell asked for, once that request is answered; the outcome goes to the cell.
  async runScheduledSwitch(python: PythonSession): Promise<void> {
    const scheduled = this.scheduled;
    this.scheduled = undefined;
    if (!scheduled) return;
    const { request, parent } = scheduled;
    await this.runSwitch(request, { parent: parent.header, commId: null, requestId: request.id }, parent, python);
  }

  // In the new image after a re-exec: the outcome of the switch the previous image handed over.
  async finishHandOff(pending: PendingSwitch): Promise<void> {
    const { replyTo } = pending;
    // A failure reported here is the way back: the kernel is in the previous environment again.
    await this.report(replyTo, pending.failure
      ? { reply: 'switch', id: replyTo.requestId, ok: false, env: pending.target, error: pending.failure, restored: true }
      : { reply: 'switch', id: replyTo.requestId, ok: true, env: pending.target, previous: pending.previous,
        strategy: 're-exec', elapsed_ms: Date.now() - pending.startedAt, lost: pending.lost });
  }

  private async runSwitch(request: SwitchRequest, replyTo: ReplyTo, message: Message, python: PythonSession): Promise<void> {
    this.running = true;
    let outcome;
    try {
      outcome = await this.switcher.switch(request.target, python, message, request.strategy ?? undefined);
    } catch (error) {
      // A fault of the kernel's own before the point of no return: still an answer, never silence.
      log(`switch to ${request.target} failed: ${error instanceof Error && error.stack ? error.stack : String(error)}`);
      outcome = { ok: false as const, env: await this.switcher.current(), restored: true,
        error: { code: 'internal_error' as const, message: `the kernel failed while preparing the switch: ${String(error)}` } };
    } finally {
      this.running = false;
    }
    if ('reexec' in outcome) {
      this.running = true; // for good: this image ends
      await this.handOff({ ...outcome.reexec, replyTo }, outcome.stuck === true);
    } else {
      await this.report(replyTo, { reply: 'switch', id: request.id, ...outcome });
    }
  }

  // A switch's reply goes to the comm that asked, or as a line of output to the cell that did; a
  // successful one also tells every open comm.
  private async report(replyTo: ReplyTo, reply: SwitchReply): Promise<void> {
    const { parent, commId } = replyTo;
    if (commId !== null) {
      await this.send(commId, reply, parent);
    } else if (reply.ok) {
      await this.say(parent, 'stdout', `pyswitch: switched to ${reply.env.kind} ${reply.env.root} (Python ${reply.env.version}, ` +
        `${reply.strategy}, ${Math.round(reply.elapsed_ms)} ms); variables start afresh\n`);
    } else {
      await this.say(parent, 'stderr', `pyswitch: not switched (${reply.error.code}): ${reply.error.message}\n`);
    }
    if (reply.ok) await this.broadcast({ event: 'env_changed', env: reply.env }, parent);
  }

  private say(parent: ParentHeader, name: 'stdout' | 'stderr', text: string): Promise<void> {
    return this.publisher.publish('stream', { name, text }, parent);
  }

  private async inquire(request: Exclude<EnvRequest, SwitchRequest>): Promise<EnvReply> {
    const { id } = request;
    if (request.request === 'current') return { reply: 'current', id, env: await this.switcher.current() };
    // Relative roots (the default ".") name nothing once the working directory is gone.
    const cwd = workingDirectory();
    const roots = cwd === null ? request.roots.filter((root) => !isRelativePath(root)) : request.roots;
    const envs = await discover(roots, {
      depth: request.depth ?? DEFAULT_DEPTH, timeoutMs: DISCOVER_TIMEOUT_MS, majorMinor: this.majorMinor, cwd: cwd ?? '/',
    });
    return { reply: 'discover', id, envs };
  }

  private async broadcast(event: EnvChanged, parent: ParentHeader): Promise<void> {
    await Promise.all([...this.open].map((commId) => this.send(commId, event, parent)));
  }

  private send(commId: string, data: EnvReply | EnvChanged, parent: ParentHeader): Promise<void> {
    return this.publisher.publish('comm_msg', { comm_id: commId, data }, parent);
  }
}
