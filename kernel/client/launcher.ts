// Starting a kernel process the way jupyter_client does: argv with {connection_file} filled in, the
// kernelspec's env on top of ours, in a session of its own (a Ctrl-C in our terminal is ours to route).
import { ChildProcess, spawn } from 'child_process';
import { once } from 'events';
import * as fs from 'fs';

import { ConnectionInfo } from '../transport/connection-file';
import { KernelSpec } from './kernelspec';
import { newConnectionInfo, usableRuntimeDir, writeConnectionFile } from './new-connection';
import { errorMessage } from '../common/error-message';

export interface KernelCommand {
  argv: string[];
  env?: Record<string, string>;
  resourceDir?: string;
}

// Where the kernel's stdout and stderr go: Node's stdio values ('pipe' lets the caller read them).
export type KernelOutput = 'inherit' | 'ignore' | 'pipe' | number;

export interface LaunchOptions {
  output?: KernelOutput;
  runtimeDir?: string;
  kernelName?: string;
  transport?: 'tcp' | 'ipc'; // ipc: socket files in the runtime directory
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function specCommand(spec: KernelSpec): KernelCommand {
  return { argv: spec.argv, env: spec.env, resourceDir: spec.resourceDir };
}

// jupyter_client's format_kernel_cmd: known {names} are replaced, unknown ones left as written.
function formatArgv(argv: string[], values: Record<string, string>): string[] {
  return argv.map((arg) => arg.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => values[name] ?? whole));
}

// Kernelspec env values may name our variables as $VAR or ${VAR} (string.Template.safe_substitute).
function expandEnv(value: string): string {
  return value.replace(/\$(?:\$|\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g, (whole, braced?: string, bare?: string) => {
    if (whole === '$$') return '$';
    return process.env[(braced ?? bare) as string] ?? whole;
  });
}

export class KernelProcess {
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | undefined;

  constructor(readonly child: ChildProcess, readonly connection: ConnectionInfo, readonly connectionFile: string) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.status = { code, signal };
        resolve(this.status);
      });
    });
  }

  get running(): boolean {
    return this.status === undefined;
  }

  // To the whole process group, as jupyter_client signals kernels: helpers the kernel started get it too.
  signal(signal: NodeJS.Signals): void {
    if (!this.running || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      this.child.kill(signal); // the group is gone already; the process may not be
    }
  }

  async waitExit(timeoutMs: number): Promise<ExitStatus | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), timeoutMs); });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async kill(): Promise<ExitStatus> {
    this.signal('SIGKILL');
    return this.exited;
  }

  removeConnectionFile(): void {
    fs.rmSync(this.connectionFile, { force: true });
  }
}

export async function launchKernel(command: KernelCommand, options: LaunchOptions = {}): Promise<KernelProcess> {
  const dir = options.runtimeDir ?? usableRuntimeDir();
  const connection = await newConnectionInfo(options.kernelName, options.transport === 'ipc' ? dir : undefined);
  const file = writeConnectionFile(connection, dir);
  const argv = formatArgv(command.argv, { connection_file: file, ...(command.resourceDir ? { resource_dir: command.resourceDir } : {}) });
  const env = { ...process.env };
  for (const [name, value] of Object.entries(command.env ?? {})) env[name] = expandEnv(value);
  const output = options.output ?? 'inherit';
  const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', output, output], detached: true });
  const kernel = new KernelProcess(child, connection, file); // before any await: a quick exit is seen
  try {
    await once(child, 'spawn');
  } catch (error) {
    kernel.removeConnectionFile();
    throw new Error(`cannot start kernel ${argv[0]}: ${errorMessage(error)}`, { cause: error });
  }
  return kernel;
}
