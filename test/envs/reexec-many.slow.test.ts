/// <reference types="jest" />
// 100 re-exec switches in a row: execve keeps every descriptor not marked close-on-exec, so a leak of
// sockets, pipes or files grows with each switch; children not waited for stay as zombies. The switch
// time is reported, not asserted (shared machine).
import * as path from 'path';
import { performance } from 'perf_hooks';

import { EnvComm } from '../../kernel/client/env-comm';
import { requestSwitch } from '../helpers/env-switch';
import { useKernel } from '../helpers/kernel';
import { stdoutOf } from '../helpers/messages';
import { childrenOf } from '../helpers/proc';
import { added, pidInCell, settledFds } from '../helpers/process-health';
import { testNeeding } from '../helpers/pythons';
import { PY311, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py311);

const SWITCHES = 100;
const FD_TOLERANCE = 2; // a descriptor or two may be open for a moment (a log write, a probe's pipe)
jest.setTimeout(900_000);

// Plain mode: this is about the process image, not about importing IPython 100 times.
const kernel = useKernel({ PYSWITCH_IPYTHON: '0' });
let dir: string;

beforeAll(async () => {
  dir = tempTree('reexec-many');
  await Promise.all([makeVenv(PY311, path.join(dir, 'a')), makeVenv(PY311, path.join(dir, 'b'))]);
});
afterAll(() => removeTree(dir));

test(`${SWITCHES} re-exec switches: no leaked descriptors or zombies`, kernel.test(async (client) => {
  const pid = await pidInCell(client);
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
  const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  console.log(`${SWITCHES} re-exec switches: median round trip ${median(roundTrips).toFixed(1)} ms ` +
    `(kernel's elapsed_ms ${median(elapsed).toFixed(1)} ms); open fds ${fdsBefore.length} → ${fdsAfter.length} ` +
    `(new: ${added(fdsBefore, fdsAfter).join(', ') || 'none'})`);
}));
