/// <reference types="jest" />
// 200 switches in a row: PATH is rebuilt from its start-up value each time (no growth), and what the
// process's memory does is reported (each cycle leaks what the loaded extension modules leak:
// docs/runtime-facts.md, fact 5).
import * as path from 'path';

import { EnvComm } from '../../kernel/client/env-comm';
import { useKernel } from '../helpers/kernel';
import { streamText } from '../helpers/messages';
import { testNeeding } from '../helpers/pythons';
import { PY311, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py311);

const SWITCHES = 200;
jest.setTimeout(600_000);

// Plain mode: this is about the interpreter's re-init, not about importing IPython 200 times.
const kernel = useKernel({ PYSWITCH_IPYTHON: '0' });
let dir: string;

beforeAll(async () => {
  dir = tempTree('many');
  await Promise.all([makeVenv(PY311, path.join(dir, 'a')), makeVenv(PY311, path.join(dir, 'b'))]);
});
afterAll(() => removeTree(dir));

test(`${SWITCHES} switches: PATH does not grow, every switch lands`, kernel.test(async (client) => {
  const comm = new EnvComm(client);
  await comm.open();
  const probe = async (): Promise<{ path: string; rss: number }> => {
    const { iopub } = await client.execute('import os\nprint(os.environ["PATH"])\nprint(open("/proc/self/statm").read().split()[1])');
    const [pathValue, pages] = streamText(iopub, 'stdout').trim().split('\n');
    return { path: pathValue, rss: Number(pages) * 4096 };
  };
  const first = await comm.switch(path.join(dir, 'b'));
  expect(first).toMatchObject({ ok: true });
  const start = await probe();
  const elapsed: number[] = [];
  for (let i = 0; i < SWITCHES; i++) {
    const target = path.join(dir, i % 2 === 0 ? 'a' : 'b');
    const reply = await comm.switch(target);
    expect(reply).toMatchObject({ ok: true, env: { root: target } });
    elapsed.push(reply.elapsed_ms as number);
  }
  const end = await probe();
  expect(end.path).toBe(start.path);
  elapsed.sort((x, y) => x - y);
  // A report, not an assertion: the machine is shared and the figure is for the README.
  console.log(`${SWITCHES} switches: median ${elapsed[SWITCHES / 2]} ms, p95 ${elapsed[Math.floor(SWITCHES * 0.95)]} ms; ` +
    `RSS ${(start.rss / 2 ** 20).toFixed(1)} → ${(end.rss / 2 ** 20).toFixed(1)} MiB`);
}));
