// `pyswitch console [--kernel NAME]`: our own terminal client. It launches the kernel from its kernelspec
// as jupyter_client would, so it works where Jupyter is not installed. A terminal on stdin gets the
// interactive console; piped input runs as a batch of cells (see client/terminal/batch.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { KernelSpec, findKernelSpec } from '../client/kernelspec';
import { KernelOutput, specCommand } from '../client/launcher';
import { usableRuntimeDir } from '../client/new-connection';
import { RunningKernel } from '../client/running-kernel';
import { runBatch } from './console/batch';
import { runInteractive } from './console/interactive';
import { ConsoleStreams } from './console/output';
import { TerminalReader } from './console/terminal-reader';
import { Args } from './args';
import { errorMessage } from '../common/error-message';

const DEFAULT_KERNEL = 'pyswitch';
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

// The kernel's own stdout/stderr would garble the terminal: they go to a log file in the runtime dir,
// kept only when something went wrong; PYSWITCH_DEBUG shows them instead.
class KernelLog {
  readonly output: KernelOutput;
  readonly file: string | undefined;

  constructor(runtimeDir: string) {
    if (process.env.PYSWITCH_DEBUG) {
      this.output = 'inherit';
      return;
    }
    this.file = path.join(runtimeDir, `pyswitch-console-${process.pid}.log`);
    this.output = fs.openSync(this.file, 'w', 0o600);
  }

  // The child has its own copy of the descriptor.
  closeOurs(): void {
    if (typeof this.output === 'number') fs.closeSync(this.output);
  }

  hint(): string {
    return this.file ? ` (kernel log: ${this.file})` : '';
  }

  discard(): void {
    if (this.file) fs.rmSync(this.file, { force: true });
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

async function runTerminal(kernel: RunningKernel, interruptMode: KernelSpec['interruptMode'], streams: ConsoleStreams): Promise<number> {
  const reader = new TerminalReader(process.stdin, process.stdout);
  try {
    return await runInteractive(kernel, interruptMode, reader, streams);
  } finally {
    reader.close();
  }
}

export async function runConsole(argv: string[]): Promise<number> {
  const args = new Args(argv);
  const name = args.option('--kernel') ?? DEFAULT_KERNEL;
  args.rejectUnknown();
  const spec = findKernelSpec(name);
  const runtimeDir = usableRuntimeDir();
  const log = new KernelLog(runtimeDir);
  let kernel: RunningKernel;
  try {
    kernel = await RunningKernel.start(specCommand(spec), { output: log.output, runtimeDir, kernelName: spec.name });
  } catch (error) {
    throw new Error(`kernel ${spec.name} did not start: ${errorMessage(error)}${log.hint()}`, { cause: error });
  } finally {
    log.closeOurs();
  }

  // Killed ourselves: the kernel runs in its own session and would outlive us.
  const onSignal = (signal: NodeJS.Signals): void => {
    kernel.process.signal('SIGKILL');
    kernel.process.removeConnectionFile();
    process.exit(128 + (os.constants.signals[signal] ?? 0));
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const streams = { out: process.stdout, err: process.stderr };
  let keepLog = true; // unless the session ends well
  try {
    const status = await (process.stdin.isTTY
      ? runTerminal(kernel, spec.interruptMode, streams)
      : runBatch(kernel.client, await readAll(process.stdin), streams));
    keepLog = false;
    return status;
  } catch (error) {
    if (kernel.process.running) throw error;
    process.stderr.write(`pyswitch: ${errorMessage(error)}${log.hint()}\n`); // the kernel died under us
    return 1;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    const exit = await kernel.shutdown();
    if (!keepLog && exit.code === 0) log.discard();
  }
}
