// Environment requests (DESIGN.md, `pyswitch.env` protocol v1), from two sides: the `pyswitch.env` comm,
// whose kernel end lives here and not in the interpreter, so it outlives every switch (a frontend opens it
// once and keeps it); and the pyswitch module inside the interpreter, whose switch() takes effect right
// after the request that asked for it.
import { DEFAULT_DEPTH, discover } from '../envs';
import { ENV_COMM_TARGET, EnvChanged, EnvReply, EnvRequest, parseEnvRequest } from '../protocol/env-messages';
import { Content, parseCommMessage, parseCommOpen } from '../protocol/messages';
import { Message } from '../protocol/wire';
import { EnvironmentSwitcher, InterpreterLost } from './env-switch';
import { log } from './log';
import { Publisher } from './publisher';
import { PythonSession } from './python-session';

const DISCOVER_TIMEOUT_MS = 10_000;

export class EnvRequests {
  private readonly open = new Set<string>();
  private scheduled: { request: EnvRequest & { request: 'switch' }; parent: Message } | undefined;

  constructor(
    private readonly publisher: Publisher,
    private readonly switcher: EnvironmentSwitcher,
    private readonly majorMinor: string,
    private readonly onInterpreterLost: (error: InterpreterLost) => void,
  ) {}

  // Whether a comm message is for us: an open of our target, or a message to one of our comms.
  owns(message: Message): boolean {
    const { content } = message;
    if (message.header.msg_type === 'comm_open') return content.target_name === ENV_COMM_TARGET;
    return typeof content.comm_id === 'string' && this.open.has(content.comm_id);
  }

  commInfo(): Record<string, { target_name: string }> {
    return Object.fromEntries([...this.open].map((id) => [id, { target_name: ENV_COMM_TARGET }]));
  }

  // A request in comm_open or comm_msg data is served in the shell queue, so never inside a running cell.
  async serve(message: Message, python: PythonSession): Promise<void> {
    const type = message.header.msg_type;
    const parsed = type === 'comm_open' ? parseCommOpen(message.content) : parseCommMessage(message.content);
    if (!parsed.ok) {
      log(`dropped a bad ${type} for ${ENV_COMM_TARGET}: ${parsed.error}`);
      return;
    }
    const { comm_id: commId, data } = parsed.value;
    if (type === 'comm_close') {
      this.open.delete(commId);
      return;
    }
    this.open.add(commId);
    if (type === 'comm_open' && Object.keys(data).length === 0) return; // opened without a request
    await this.answer(commId, data, message, python);
  }

  private async answer(commId: string, data: Content, message: Message, python: PythonSession): Promise<void> {
    const request = parseEnvRequest(data);
    if (!request.ok) {
      const id = typeof data.id === 'string' ? data.id : null;
      const reply = typeof data.request === 'string' ? data.request : 'error';
      return this.send(commId, { reply, id, ok: false, error: { code: 'bad_request', message: request.error } }, message);
    }
    try {
      const reply = await this.reply(request.value, message, python);
      await this.send(commId, reply, message);
      if (reply.reply === 'switch' && reply.ok) await this.broadcast({ event: 'env_changed', env: reply.env }, message);
    } catch (error) {
      if (!(error instanceof InterpreterLost)) throw error;
      const env = await this.switcher.current();
      await this.send(commId, { reply: 'switch', id: request.value.id, ok: false, env,
        error: { code: 'init_failed', message: error.message }, restored: false }, message);
      this.onInterpreterLost(error);
    }
  }

  // A question from the pyswitch module in a cell; a switch is only scheduled (the cell is still running).
  async answerFromCell(data: Content, parent: Message): Promise<object> {
    const request = parseEnvRequest(data);
    if (!request.ok) return { ok: false, error: { code: 'bad_request', message: request.error } };
    if (request.value.request !== 'switch') return this.reply(request.value, parent);
    this.scheduled = { request: request.value, parent };
    return { reply: 'switch', id: request.value.id, scheduled: true };
  }

  // Runs the switch a cell asked for, once that request is answered, and tells the cell how it went.
  async runScheduledSwitch(python: PythonSession): Promise<void> {
    const scheduled = this.scheduled;
    this.scheduled = undefined;
    if (!scheduled) return;
    const { request, parent } = scheduled;
    let reply: EnvReply;
    try {
      reply = await this.reply(request, parent, python);
    } catch (error) {
      if (!(error instanceof InterpreterLost)) throw error;
      await this.say(parent, 'stderr', `pyswitch: ${error.message}; the kernel restarts\n`);
      this.onInterpreterLost(error);
      return;
    }
    if (reply.reply !== 'switch') return;
    if (reply.ok) {
      await this.say(parent, 'stdout', `pyswitch: switched to ${reply.env.kind} ${reply.env.root} (Python ${reply.env.version}, ` +
        `${reply.strategy}, ${reply.elapsed_ms} ms); variables start afresh\n`);
      await this.broadcast({ event: 'env_changed', env: reply.env }, parent);
    } else {
      await this.say(parent, 'stderr', `pyswitch: not switched (${reply.error.code}): ${reply.error.message}\n`);
    }
  }

  private say(parent: Message, name: 'stdout' | 'stderr', text: string): Promise<void> {
    return this.publisher.publish('stream', { name, text }, parent);
  }

  private async reply(request: EnvRequest, message: Message, python?: PythonSession): Promise<EnvReply> {
    const { id } = request;
    switch (request.request) {
      case 'current':
        return { reply: 'current', id, env: await this.switcher.current() };
      case 'discover': {
        const envs = await discover(request.roots, {
          depth: request.depth ?? DEFAULT_DEPTH, timeoutMs: DISCOVER_TIMEOUT_MS, majorMinor: this.majorMinor, cwd: process.cwd(),
        });
        return { reply: 'discover', id, envs };
      }
      case 'switch':
        if (!python) throw new Error('a switch needs the interpreter');
        return { reply: 'switch', id, ...(await this.switcher.switch(request.target, python, message)) };
    }
  }

  private async broadcast(event: EnvChanged, parent: Message): Promise<void> {
    await Promise.all([...this.open].map((commId) => this.send(commId, event, parent)));
  }

  private send(commId: string, data: EnvReply | EnvChanged, parent: Message): Promise<void> {
    return this.publisher.publish('comm_msg', { comm_id: commId, data }, parent);
  }
}
