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

// The next session's number comes from the file's end: the newest opening line, wherever the inputs of
// older sessions appended since have pushed it.
test('a new session is numbered after the newest one, far from the end of the file too', async () => {
  const file = path.join(dir, 'history.jsonl');
  const inputs = (from: number, count: number): string[] => Array.from({ length: count },
    (_, i) => JSON.stringify({ session: 4, line: from + i, input: `value_${from + i} = compute(${from + i})` }));
  // Sessions 4 and 9 opened, then 12, then 3000 inputs of session 4, which went on meanwhile.
  fs.writeFileSync(file, [JSON.stringify({ session: 4 }), JSON.stringify({ session: 9 }), ...inputs(1, 3000),
    JSON.stringify({ session: 12 }), ...inputs(3001, 3000), ''].join('\n'));
  const history = new History(file);
  history.record(1, 'mine = 1');
  expect(await history.query({ hist_access_type: 'range', output: false, raw: true, session: 0, start: 1, stop: 2 }))
    .toEqual([[13, 1, 'mine = 1']]);
  // The sessions before it come from the file, read for the request.
  const tail = await history.query({ hist_access_type: 'tail', output: false, raw: true, n: 2 });
  expect(tail).toEqual([[4, 6000, 'value_6000 = compute(6000)'], [13, 1, 'mine = 1']]);
});

test('lines written with spaces, as another JSON writer would, are numbered from too', async () => {
  const file = path.join(dir, 'history.jsonl');
  fs.writeFileSync(file, '{"session": 6}\n{ "session" : 7 }\n{"session": 6, "line": 1, "input": "x = 1"}\n');
  const history = new History(file);
  history.record(1, 'y = 2');
  expect(await history.query({ hist_access_type: 'tail', output: false, raw: true, n: 2 })).toEqual([[6, 1, 'x = 1'], [8, 1, 'y = 2']]);
});
