// The console's environment commands, typed at the prompt instead of code:
//   :env               the active environment
//   :envs [ROOT ...]   environments found under the roots (default: ~ and .)
//   :switch TARGET     switch to a venv, conda env, interpreter, or "system"
import { EnvComm, EnvData } from '../../client/env-comm';
import { KernelClient } from '../../client/kernel-client';
import { ConsoleStreams } from './output';

export const ENV_COMMANDS_HELP = 'Environments: :env, :envs [ROOT ...], :switch TARGET';

function describe(env: unknown): string {
  const e = env as { kind: string; root: string; version: string | null };
  return `${e.kind} ${e.root} (Python ${e.version ?? 'of unknown version'})`;
}

export class EnvCommands {
  private comm: EnvComm | undefined;

  constructor(private readonly client: KernelClient, private readonly streams: ConsoleStreams) {}

  // True when the line was an environment command (and has been served).
  async serve(line: string): Promise<boolean> {
    const [command, ...args] = line.trim().split(/\s+/);
    switch (command) {
      case ':env':
        this.say(describe((await this.request({ request: 'current' })).env));
        return true;
      case ':envs': {
        const reply = await this.request({ request: 'discover', roots: args.length > 0 ? args : ['~', '.'] });
        const envs = reply.envs as (EnvData & { compatible: boolean | null })[];
        if (envs.length === 0) this.say('no environments found');
        for (const env of envs) this.say(`${env.compatible === true ? ' ' : env.compatible === null ? '?' : 'x'} ${describe(env)}`);
        return true;
      }
      case ':switch': {
        if (args.length !== 1) {
          this.say('usage: :switch TARGET (a venv, a conda env, an interpreter, or "system")');
          return true;
        }
        const reply = await this.request({ request: 'switch', target: args[0] });
        if (reply.ok === true) this.say(`switched to ${describe(reply.env)} in ${String(reply.elapsed_ms)} ms; variables start afresh`);
        else this.say(`not switched (${(reply.error as { code: string }).code}): ${(reply.error as { message: string }).message}`);
        return true;
      }
      default:
        return false;
    }
  }

  private async request(data: EnvData): Promise<EnvData> {
    if (!this.comm) {
      this.comm = new EnvComm(this.client);
      await this.comm.open();
    }
    return (await this.comm.request(data)).reply;
  }

  private say(text: string): void {
    this.streams.out.write(`${text}\n`);
  }
}
