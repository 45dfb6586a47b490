// How this kernel process was started, so that a re-exec can start it again, the same way, in another
// environment: the same node and flags, the same connection file and system interpreter.
import type { EnvInfo } from '../envs';
import { applyEnvironChange, environFor } from '../envs/environ';

export class ProcessImage {
  constructor(
    readonly connectionFile: string,
    readonly system: string, // the interpreter "" and "system" mean
    readonly majorMinor: string,
  ) {}

  // argv and environment of the image that starts in `env` and resumes from `resumeFile`.
  for(env: EnvInfo, baselinePath: string, resumeFile: string): { argv: string[]; env: string[] } {
    const argv = [process.execPath, ...process.execArgv, process.argv[1], 'kernel', '-f', this.connectionFile,
      '--python', this.system, '--env', env.executable, '--resume', resumeFile];
    const environ: NodeJS.ProcessEnv = { ...process.env };
    applyEnvironChange(environ, environFor(env, baselinePath));
    return { argv, env: Object.entries(environ).map(([name, value]) => `${name}=${value ?? ''}`) };
  }
}
