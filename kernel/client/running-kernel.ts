// A kernel process we started plus our client of it: started and stopped the way jupyter_client's
// KernelManager does it (ready = kernel_info answered and iopub flowing; shutdown = shutdown_request on
// control, wait for the exit, kill after a timeout).
import { KernelClient } from './kernel-client';
import { ExitStatus, KernelCommand, KernelProcess, LaunchOptions, launchKernel } from './launcher';
import { KernelSpec } from './kernelspec';

export interface StartOptions extends LaunchOptions {
  readyTimeoutMs?: number;
}

function describeExit(status: ExitStatus): string {
  return status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
}

export class RunningKernel {
  private constructor(readonly process: KernelProcess, readonly client: KernelClient) {}

  static async start(command: KernelCommand, options: StartOptions = {}): Promise<RunningKernel> {
    const process = await launchKernel(command, options);
    const died = new AbortController();
    void process.exited.then((status) => died.abort(new Error(`the kernel exited (${describeExit(status)}) before it was ready`)));
    let client: KernelClient;
    try {
      client = await KernelClient.connect(process.connection, { timeoutMs: options.readyTimeoutMs, signal: died.signal });
    } catch (error) {
      await process.kill();
      process.removeConnectionFile();
      throw error;
    }
    // From now on a kernel that dies fails whatever waits on it instead of leaving it to time out.
    void process.exited.then((status) => client.close(`the kernel exited (${describeExit(status)})`));
    return new RunningKernel(process, client);
  }

  // As the kernelspec says: an interrupt_request on control, or SIGINT.
  async interrupt(mode: KernelSpec['interruptMode'], timeoutMs?: number): Promise<void> {
    if (mode === 'signal') this.process.signal('SIGINT');
    else await this.client.request('control', 'interrupt_request', {}, timeoutMs);
  }

  // No questions asked: for tests and for a kernel that stopped answering.
  async kill(): Promise<ExitStatus> {
    const status = await this.process.kill();
    this.client.close();
    this.process.removeConnectionFile();
    return status;
  }

  async shutdown(timeoutMs = 5000): Promise<ExitStatus> {
    if (this.process.running) {
      try {
        await this.client.request('control', 'shutdown_request', { restart: false }, timeoutMs);
      } catch {
        // no answer from a hung or dead kernel: it is killed below
      }
    }
    const status = (await this.process.waitExit(timeoutMs)) ?? (await this.process.kill());
    this.client.close();
    this.process.removeConnectionFile();
    return status;
  }
}
