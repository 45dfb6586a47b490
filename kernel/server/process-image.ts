// How this kernel process was started, so that a re-exec can start it again, the same way, in another
// environment: the same node and flags, the same connection file and system interpreter.
import type { EnvInfo } from '../envs';
import { applyEnvironChange, environFor } from '../envs/environ';

// Variables that only Node's own start-up reads, for what the kernel's Node never does (it makes no TLS
// connection): a CA bundle named by NODE_EXTRA_CA_CERTS is parsed at every start, 40-60 ms of CPU here
// (docs/performance.md, "A re-exec's Node start"). A new image starts without them and puts them back
// before anything else (server/reexec.ts), so the interpreter and its child processes see them as before.
const NODE_STARTUP_ONLY = ['NODE_EXTRA_CA_CERTS'];

// The values of those variables in this process, which the new image puts back.
export function nodeStartupOnlyEnviron(): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of NODE_STARTUP_ONLY) {
    const value = process.env[name];
    if (value !== undefined) found[name] = value;
  }
  return found;
}

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
    for (const name of NODE_STARTUP_ONLY) delete environ[name];
    return { argv, env: Object.entries(environ).map(([name, value]) => `${name}=${value ?? ''}`) };
  }
}
