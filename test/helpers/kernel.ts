/// <reference types="jest" />
// One real kernel per test file, started in beforeAll and killed in afterAll, and a test wrapper that
// adds the test's message log and the kernel's output to any failure.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { KernelClient } from '../../kernel/client/kernel-client';
import { findKernelSpec } from '../../kernel/client/kernelspec';
import { KernelCommand, specCommand } from '../../kernel/client/launcher';
import { RunningKernel } from '../../kernel/client/running-kernel';
import { TrafficLog } from './traffic-log';

const ROOT = path.resolve(__dirname, '..', '..');
const STARTUP_MS = 30_000;
const OUTPUT_CHARS = 4000;

// The built kernel (`npx tsc -p .` first), as Jupyter would run it. PYSWITCH_TEST_KERNELSPEC=NAME runs
// the same tests against an installed kernelspec instead (python3: Debian's ipykernel, the reference).
export function kernelCommand(): KernelCommand {
  const specName = process.env.PYSWITCH_TEST_KERNELSPEC;
  if (specName) return specCommand(findKernelSpec(specName));
  return { argv: [process.execPath, path.join(ROOT, 'bin', 'pyswitch.js'), 'kernel', '-f', '{connection_file}'] };
}

// What the kernel's interpreter reports, asked directly: python3 on PATH unless PYSWITCH_PYTHON says.
export function pythonVersion(): string {
  const python = process.env.PYSWITCH_PYTHON ?? 'python3';
  return execFileSync(python, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
}

export class TestKernel {
  private constructor(readonly running: RunningKernel, readonly log: TrafficLog, private readonly dir: string) {}

  get client(): KernelClient {
    return this.running.client;
  }

  // The kernel process's id; a re-exec switch (execve) must keep it.
  get pid(): number {
    const pid = this.running.process.child.pid;
    if (pid === undefined) throw new Error('the kernel process has no pid');
    return pid;
  }

  // Its stdout and stderr go to a file in a private runtime dir, so a kernel that dies can be explained;
  // its input history goes there too, never into the user's own (unless the test names a file).
  // `env`: variables for the kernel process (PYSWITCH_PYTHON picks its interpreter).
  static async start(env: Record<string, string> = {}, transport?: 'tcp' | 'ipc'): Promise<TestKernel> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-test-'));
    const output = fs.openSync(path.join(dir, 'kernel.log'), 'w');
    const command = kernelCommand();
    const historyFile = process.env.PYSWITCH_HISTORY_FILE ?? path.join(dir, 'history.jsonl');
    try {
      const running = await RunningKernel.start({ ...command, env: { ...command.env, PYSWITCH_HISTORY_FILE: historyFile, ...env } },
        { output, runtimeDir: dir, readyTimeoutMs: STARTUP_MS, transport });
      return new TestKernel(running, new TrafficLog(running.client), dir);
    } catch (error) {
      throw new Error(`kernel did not start: ${String(error)}\n--- kernel output ---\n${TestKernel.output(dir)}`, { cause: error });
    } finally {
      fs.closeSync(output);
    }
  }

  private static output(dir: string, chars = OUTPUT_CHARS): string {
    try {
      return fs.readFileSync(path.join(dir, 'kernel.log'), 'utf8').slice(-chars);
    } catch {
      return '(none)';
    }
  }

  // The end of its stdout and stderr; `chars`: how much of it.
  output(chars = OUTPUT_CHARS): string {
    return TestKernel.output(this.dir, chars);
  }

  async stop(): Promise<void> {
    await this.running.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface KernelFixture {
  readonly kernel: TestKernel;
  readonly client: KernelClient;
  // Wraps a test body: on failure the error also shows the messages of this test and the kernel output.
  test(body: (client: KernelClient) => Promise<void>): () => Promise<void>;
}

// `transport`: 'ipc' starts the kernel over ipc (socket files in its private runtime dir).
export function useKernel(env: Record<string, string> = {}, transport?: 'tcp' | 'ipc'): KernelFixture {
  let current: TestKernel | undefined;
  beforeAll(async () => {
    current = await TestKernel.start(env, transport);
  }, STARTUP_MS + 5000);
  afterAll(async () => {
    await current?.stop();
  });
  const fixture: KernelFixture = {
    get kernel(): TestKernel {
      if (!current) throw new Error('the kernel did not start (see the beforeAll error)');
      return current;
    },
    get client(): KernelClient {
      return fixture.kernel.client;
    },
    test: (body) => async () => {
      const kernel = fixture.kernel;
      const from = kernel.log.position();
      try {
        await body(kernel.client);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        failure.message += `\n\n--- messages of this test ---\n${kernel.log.format(from)}` +
          `\n--- kernel output (last ${OUTPUT_CHARS} chars) ---\n${kernel.output()}`;
        throw failure;
      }
    },
  };
  return fixture;
}
