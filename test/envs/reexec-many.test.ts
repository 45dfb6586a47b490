/// <reference types="jest" />
// 100 re-exec switches in a row: execve keeps every descriptor not marked close-on-exec, so a leak of
// sockets, pipes or files grows with each switch; children not waited for stay as zombies; the resume
// state must not pile up in the temp dir. The switch time is reported, not asserted (shared machine).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

import { EnvComm } from '../../kernel/client/env-comm';
import { KernelClient } from '../../kernel/client/kernel-client';
import { delay } from '../../kernel/client/waiting';
import { RESUME_PREFIX } from '../../kernel/server/resume-state';
import { requestSwitch } from '../helpers/env-switch';
import { useKernel } from '../helpers/kernel';
import { stdoutOf } from '../helpers/messages';
import { childrenOf, openFds } from '../helpers/proc';
import { PY311, makeVenv, removeTree, tempTree } from './fixtures';

const SWITCHES = 100;
const FD_TOLERANCE = 2; // a descriptor or two may be open for a moment (a log write, a probe's pipe)
const SETTLED_READS = 5;
const SETTLE_POLL_MS = 200; // > the 100 ms a zmq socket waits before reconnecting
const SETTLE_MAX_MS = 10_000;
jest.setTimeout(900_000);

// Plain mode: this is about the process image, not about importing IPython 100 times.
const kernel = useKernel({ PYSWITCH_IPYTHON: '0' });
let dir: string;

beforeAll(async () => {
  dir = tempTree('reexec-many');
  await Promise.all([makeVenv(PY311, path.join(dir, 'a')), makeVenv(PY311, path.join(dir, 'b'))]);
});
afterAll(() => removeTree(dir));

// This kernel's resume files: named after its PID, and read and removed by the image that follows.
function resumeFiles(pid: number): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`${RESUME_PREFIX}${pid}-`));
}

// What `after` holds beyond `before`, counting repeats (ten sockets then eleven: one new socket).
function added(before: string[], after: string[]): string[] {
  const left = [...before];
  return after.filter((target) => {
    const i = left.indexOf(target);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

// The descriptors once the process has settled after a switch: the reply goes out as soon as iopub is
// back, while the frontend's other sockets (control, stdin, heartbeat) may still be reconnecting and the
// new image still opening what it opens lazily. Counted until SETTLED_READS reads in a row agree.
async function settledFds(client: KernelClient, pid: number): Promise<string[]> {
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

test(`${SWITCHES} re-exec switches: no leaked descriptors, zombies or resume files`, kernel.test(async (client) => {
  const pid = kernel.kernel.pid;
  const comm = new EnvComm(client);
  await comm.open();
  // The first re-exec sets the steady state (a lazily opened log or cache may stay open from then on).
  expect((await requestSwitch(comm, path.join(dir, 'b'), 're-exec')).reply).toMatchObject({ ok: true, strategy: 're-exec' });
  const fdsBefore = await settledFds(client, pid);
  const roundTrips: number[] = [];
  const elapsed: number[] = [];
  for (let i = 0; i < SWITCHES; i++) {
    const target = path.join(dir, i % 2 === 0 ? 'a' : 'b');
    const started = performance.now();
    const { reply } = await requestSwitch(comm, target, 're-exec');
    roundTrips.push(performance.now() - started);
    expect(reply).toMatchObject({ ok: true, strategy: 're-exec', env: { root: target } });
    elapsed.push(reply.elapsed_ms as number);
  }
  // The last target was b (SWITCHES is even): a cell runs there, in the same process.
  expect(await stdoutOf(client, 'import os, sys; print(os.getpid(), sys.prefix)')).toBe(`${pid} ${path.join(dir, 'b')}\n`);
  const fdsAfter = await settledFds(client, pid);
  // Thrown rather than expect()ed so that the failure says what the new descriptors point to.
  if (fdsAfter.length > fdsBefore.length + FD_TOLERANCE) {
    throw new Error(`open descriptors grew from ${fdsBefore.length} to ${fdsAfter.length}; new: ${added(fdsBefore, fdsAfter).join(', ')}`);
  }
  expect(childrenOf(pid).filter((child) => child.state === 'Z')).toEqual([]);
  expect(resumeFiles(pid)).toEqual([]);
  const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  console.log(`${SWITCHES} re-exec switches: median round trip ${median(roundTrips).toFixed(1)} ms ` +
    `(kernel's elapsed_ms ${median(elapsed).toFixed(1)} ms); open fds ${fdsBefore.length} → ${fdsAfter.length} ` +
    `(new: ${added(fdsBefore, fdsAfter).join(', ') || 'none'})`);
}));
