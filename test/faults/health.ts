// What every fault test ends with: the kernel answers kernel_info and an execute, it is the same process,
// and it holds no more than it did before the fault (descriptors, children, files in its temp dir).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { KernelClient } from '../../kernel/client/kernel-client';
import { TestKernel } from '../helpers/kernel';
import { streamText } from '../helpers/messages';
import { added } from '../helpers/process-health';
import { childrenOf, describeSockets, establishedPorts, openFds } from '../helpers/proc';

const CHANNELS = 5; // shell, control, stdin, iopub, heartbeat: one connection each from the client
const SETTLE_MS = 10_000; // sockets of peers that left close on zmq's I/O thread, a little later

export interface Baseline {
  pid: number;
  fds: string[];
  tmp: string;
  sockets: string[]; // describeSockets at the baseline, to compare with if the check fails
}

// A kernel whose temp dir and caches are its own, so what it leaves there can be seen.
export async function startFaultKernel(env: Record<string, string> = {}): Promise<{ kernel: TestKernel; tmp: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-fault-'));
  fs.mkdirSync(path.join(tmp, 'tmp'));
  const kernel = await TestKernel.start({ TMPDIR: path.join(tmp, 'tmp'), XDG_CACHE_HOME: path.join(tmp, 'cache'), ...env });
  return { kernel, tmp };
}

// Descriptors that stay: one closed while /proc was read was a passing one.
function lastingFds(pid: number): string[] {
  return openFds(pid).filter((fd) => fd !== '(closed while read)').sort();
}

// Taken once start-up is over and two readings in a row agree, so a descriptor in passing is not counted.
export async function baselineOf(kernel: TestKernel, tmp: string): Promise<Baseline> {
  await kernel.client.execute('pass'); // queued behind IPython mode's start, which opens files as it imports
  await kernel.client.heartbeat();
  // Every channel of the client connected: a baseline taken while one of its five connections was not
  // yet accepted counted it as new later (CI, 2026-12-02: one port with no connection at the baseline,
  // one connection per port at the end).
  await settled(() => establishedPorts(kernel.pid).size, (ports) => ports === CHANNELS);
  let fds = lastingFds(kernel.pid);
  for (let again = lastingFds(kernel.pid); JSON.stringify(again) !== JSON.stringify(fds); again = lastingFds(kernel.pid)) {
    fds = again;
    await answersKernelInfo(kernel.client);
  }
  return { pid: kernel.pid, fds, tmp, sockets: describeSockets(kernel.pid) };
}

async function answersKernelInfo(client: KernelClient): Promise<void> {
  const reply = await client.request('shell', 'kernel_info_request', {}, 10_000);
  expect(reply.content.status).toBe('ok');
}

async function settled<T>(read: () => T, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + SETTLE_MS;
  let value = read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50)); // polling /proc: no event says a socket closed
    value = read();
  }
  return value;
}

// `execute`: what the execute is expected to answer (a kernel whose Python thread is gone answers errors).
export async function expectHealthy(kernel: TestKernel, baseline: Baseline, execute: 'ok' | 'error' = 'ok'): Promise<void> {
  await answersKernelInfo(kernel.client);
  const { reply, iopub } = await kernel.client.execute('print(6 * 7)', { timeoutMs: 10_000 });
  expect(reply.content.status).toBe(execute);
  if (execute === 'ok') expect(streamText(iopub, 'stdout')).toBe('42\n');
  expect(kernel.pid).toBe(baseline.pid);
  expect(kernel.running.process.running).toBe(true);
  expect(await settled(() => childrenOf(baseline.pid).map((c) => c.command), (children) => children.length === 0)).toEqual([]);
  // None it did not hold before (a re-exec's image may hold fewer than the first image did). A socket too
  // many is named with its ends and its peer's process, beside the sockets the baseline had.
  const grown = await settled(() => added(baseline.fds, lastingFds(baseline.pid)), (fds) => fds.length === 0);
  if (grown.length > 0) {
    throw new Error(`descriptors the kernel did not hold before: ${grown.join(', ')}\n` +
      `its sockets before:\n  ${baseline.sockets.join('\n  ')}\nits sockets now:\n  ${describeSockets(baseline.pid).join('\n  ')}`);
  }
  expect(fs.readdirSync(path.join(baseline.tmp, 'tmp'))).toEqual([]); // nothing left in its temp dir
}
