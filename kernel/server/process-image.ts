// How this kernel process was started, so that a re-exec can start it again, the same way, in another
// environment: the same node and flags, the same connection file and system interpreter.
import type { EnvInfo } from '../envs';
import { applyEnvironChange, environFor } from '../envs/environ';
import { moveAsideForNodeStartup } from '../common/node-startup-environ';

export class ProcessImage {
  constructor(
    readonly connectionFile: string,
    readonly system: string, // the interpreter "" and "system" mean
    readonly majorMinor: string,
  ) {}

  // argv and environment of the image that starts in `env`; `handOffFd`: the inherited descriptor holding
  // the connection, the listening sockets and the state it resumes from (server/reexec.ts).
  // `keepEnviron`: the environment variables stay as they are (a fresh interpreter in the environment
  // the kernel is in, server/recovery.ts), instead of becoming those of a switch into `env`.
  for(env: EnvInfo, baselinePath: string, handOffFd: number, keepEnviron = false): { argv: string[]; env: string[] } {
    const argv = [process.execPath, ...process.execArgv, process.argv[1], 'kernel', '-f', this.connectionFile,
      '--python', this.system, '--env', env.executable, '--handoff', String(handOffFd)];
    const environ: NodeJS.ProcessEnv = { ...process.env };
    if (!keepEnviron) applyEnvironChange(environ, environFor(env, baselinePath));
    moveAsideForNodeStartup(environ);
    return { argv, env: Object.entries(environ).map(([name, value]) => `${name}=${value ?? ''}`) };
  }
}
