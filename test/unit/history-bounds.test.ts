/// <reference types="jest" />
// History is bounded within a session: the in-memory list keeps the newest inputs within its budget,
// and the file is cut to its newest inputs once a long session has grown it past its bound.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { History } from '../../kernel/server/history';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-history-'));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const tail = { hist_access_type: 'tail', output: false, raw: true, n: 100_000 } as const;

test('the in-memory list keeps the newest inputs within its budget', async () => {
  const history = new History(path.join(dir, 'history.jsonl'), 10_000);
  for (let line = 1; line <= 1000; line += 1) history.record(line, `x = ${'1'.repeat(60)} + ${line}`);
  const kept = await history.query(tail);
  expect(kept.length).toBeGreaterThan(50);
  expect(kept.length).toBeLessThan(200);
  expect(kept[kept.length - 1][1]).toBe(1000);
  expect(kept.map(([, line]) => line)).toEqual(kept.map((_, i) => 1000 - kept.length + 1 + i));
});

test('the file is cut to its newest inputs within a session', async () => {
  const file = path.join(dir, 'history.jsonl');
  const history = new History(file);
  await history.query(tail); // opens the file
  const big = 'y'.repeat(512 * 1024);
  for (let line = 1; line <= 12; line += 1) history.record(line, `${big}${line}`);
  // The cut runs in the background, under the lock: wait for the file to shrink (it grew to 6 MiB).
  const deadline = Date.now() + 10_000;
  while (fs.statSync(file).size > 4 * 1024 * 1024 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(fs.statSync(file).size).toBeLessThanOrEqual(4 * 1024 * 1024);
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line?: number });
  expect(lines[lines.length - 1].line).toBe(12);
});
