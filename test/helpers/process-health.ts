/// <reference types="jest" />
// What every fault test ends with: the kernel answers kernel_info and an execute, it is the same process
// (os.getpid() in a cell, not the launcher's view of its child), and it leaked no descriptors or
// children.
import { KernelClient } from '../../kernel/client/kernel-client';
import { delay } from '../../kernel/client/waiting';
import { stdoutOf } from './messages';
import { childrenOf, openFds } from './proc';

const FD_TOLERANCE = 2; // a descriptor or two may be open for a moment (a log write, a probe's pipe)
const SETTLED_READS = 5;
const SETTLE_POLL_MS = 200; // > the 100 ms a zmq socket waits before reconnecting
const SETTLE_MAX_MS = 10_000;

// The kernel's PID as its interpreter sees it.
export async function pidInCell(client: KernelClient): Promise<number> {
  return Number((await stdoutOf(client, 'import os; print(os.getpid())')).trim());
}

// What `after` holds beyond `before`, counting repeats (ten sockets then eleven: one new socket).
export function added(before: string[], after: string[]): string[] {
  const left = [...before];
  return after.filter((target) => {
    const i = left.indexOf(target);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

// The descriptors once the process has settled after a switch: the reply goes out as soon as iopub is
// back, while the frontend's other sockets may still be reconnecting. Read until SETTLED_READS agree.
export async function settledFds(client: KernelClient, pid: number): Promise<string[]> {
  await client.execute('pass');
  await client.request('control', 'kernel_info_request');
  await client.heartbeat();
  let fds = openFds(pid);
  for (let agreeing = 1, reads = 1; agreeing < SETTLED_READS; reads++) {
    if (reads * SETTLE_POLL_MS > SETTLE_MAX_MS) throw new Error(`descriptors of ${pid} did not settle in ${SETTLE_MAX_MS} ms`);
    await delay(SETTLE_POLL_MS);
    const now = openFds(pid);
    agreeing = now.length === fds.length ? agreeing + 1 : 1;
    fds = now;
  }
  return fds;
}

export interface Baseline {
  pid: number;
  fds: string[];
}

export async function baseline(client: KernelClient): Promise<Baseline> {
  const pid = await pidInCell(client);
  return { pid, fds: await settledFds(client, pid) };
}

export async function expectHealthy(client: KernelClient, before: Baseline): Promise<void> {
  const info = await client.request('shell', 'kernel_info_request', {}, 60_000);
  expect(info.content.status).toBe('ok');
  expect(await stdoutOf(client, 'print(6 * 7)')).toBe('42\n');
  expect(await pidInCell(client)).toBe(before.pid);
  const fds = await settledFds(client, before.pid);
  if (fds.length > before.fds.length + FD_TOLERANCE) {
    throw new Error(`open descriptors grew from ${before.fds.length} to ${fds.length}; new: ${added(before.fds, fds).join(', ')}`);
  }
  expect(childrenOf(before.pid)).toEqual([]);
}
