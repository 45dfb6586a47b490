/// <reference types="jest" />
// Faults of a re-exec's hand-off (issue 8), each ending with the kernel answering kernel_info and an
// execute, in the same process, with no leaked descriptors or children:
// - the hand-off altered in the gap between the two images (by a preload in the new image itself,
//   test/fixtures/tamper-handoff.js, before the kernel reads it): it is a sealed memfd, so every attempt
//   is refused, and the switch and the cells sent behind it are all answered;
// - a shell queue that is full when the switch goes (its bound is 4 here): what zmq holds behind it
//   still reaches the next image.
import * as fs from 'fs';
import * as path from 'path';

import { EnvComm } from '../../kernel/client/env-comm';
import { KernelClient } from '../../kernel/client/kernel-client';
import { requestSwitch } from '../helpers/env-switch';
import { useKernel } from '../helpers/kernel';
import { streamText } from '../helpers/messages';
import { Baseline, baseline, expectHealthy } from '../helpers/process-health';
import { testNeeding } from '../helpers/pythons';
import { PY311, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py311);
jest.setTimeout(180_000);
const REPLY_MS = 60_000;
const QUEUE_BOUND = 4;
const BEHIND = 5 * QUEUE_BOUND; // cells sent right behind the switch

const dir = tempTree('handoff-faults');
const at = (...parts: string[]): string => path.join(dir, ...parts);
const marker = at('tamper');
const preload = path.resolve(__dirname, '..', 'fixtures', 'tamper-handoff.js');
const kernel = useKernel({ PYSWITCH_IPYTHON: '0', NODE_OPTIONS: `--require ${preload}`, PYSWITCH_TEST_TAMPER_MARKER: marker,
  PYSWITCH_SHELL_QUEUE_MESSAGES: String(QUEUE_BOUND) });
let comm: EnvComm;
let before: Baseline;

beforeAll(async () => {
  await Promise.all(['a', 'b'].map((name) => makeVenv(PY311, at(name))));
  comm = new EnvComm(kernel.client);
  await comm.open();
  // The first re-exec sets the steady state of descriptors every later check compares with.
  expect((await requestSwitch(comm, at('a'), 're-exec')).reply).toMatchObject({ ok: true });
  before = await baseline(kernel.client);
});
afterAll(() => removeTree(dir));

// A re-exec to `target` with BEHIND cells sent right behind it: the switch and every cell are answered, in order.
async function switchWithCellsBehind(client: KernelClient, target: string): Promise<void> {
  const switched = requestSwitch(comm, at(target), 're-exec');
  // The switch is served first; behind it the queue fills, and the shell socket is no longer read.
  const cells = Array.from({ length: BEHIND }, (_, i) => client.execute(`print(${i})`, { timeoutMs: REPLY_MS }));
  expect((await switched).reply).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at(target) } });
  const results = await Promise.all(cells);
  expect(results.map(({ iopub }) => streamText(iopub, 'stdout'))).toEqual(results.map((_, i) => `${i}\n`));
}

test('a hand-off altered in the gap: every attempt is refused, and the switch and the cells behind it are answered', kernel.test(async (client) => {
  fs.writeFileSync(marker, 'tamper');
  await switchWithCellsBehind(client, 'b');
  expect(JSON.parse(fs.readFileSync(marker, 'utf8'))).toEqual({ write: 'EPERM', truncate: 'EPERM', reopened: 'EPERM' });
  await expectHealthy(client, before);
}));

test(`a shell queue full when the switch goes: the ${BEHIND} cells behind it are all answered, in order`, kernel.test(async (client) => {
  await switchWithCellsBehind(client, 'a');
  await expectHealthy(client, before);
}));
