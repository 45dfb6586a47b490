/// <reference types="jest" />
// history_request: tail, range and search (glob, unique, n) over the inputs of this kernel and of
// earlier kernels that used the same history file ($PYSWITCH_HISTORY_FILE, here a temporary one).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { KernelClient } from '../../kernel/client/kernel-client';
import { TestKernel } from '../helpers/kernel';

type Entry = [session: number, line: number, input: unknown];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-history-'));
const historyFile = path.join(dir, 'history.jsonl');
const savedFile = process.env.PYSWITCH_HISTORY_FILE;
let kernel: TestKernel | undefined;

beforeAll(() => {
  process.env.PYSWITCH_HISTORY_FILE = historyFile;
});
afterAll(async () => {
  await kernel?.stop();
  if (savedFile === undefined) delete process.env.PYSWITCH_HISTORY_FILE;
  else process.env.PYSWITCH_HISTORY_FILE = savedFile;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function history(client: KernelClient, content: object): Promise<Entry[]> {
  const reply = await client.request('shell', 'history_request', { output: false, raw: true, ...content });
  expect(reply.header.msg_type).toBe('history_reply');
  expect(reply.content.status).toBe('ok');
  return reply.content.history as Entry[];
}

async function runAll(client: KernelClient, cells: string[]): Promise<void> {
  for (const cell of cells) expect((await client.execute(cell)).reply.content.status).toBe('ok');
}

// The client of the kernel the tests before started.
function current(): KernelClient {
  if (!kernel) throw new Error('no kernel: an earlier test of this file failed to start one');
  return kernel.client;
}

async function restart(): Promise<KernelClient> {
  await kernel?.running.shutdown();
  await kernel?.stop();
  kernel = await TestKernel.start();
  return kernel.client;
}

describe('history_request', () => {
  const first = ['a = 1', 'b = 2', 'a + b', 'b = 2'];
  let session = 0;

  it('tail: the last n inputs as [session, line, input]', async () => {
    const client = await restart();
    await runAll(client, first);
    const tail = await history(client, { hist_access_type: 'tail', n: 3 });
    expect(tail.map(([, , input]) => input)).toEqual(['b = 2', 'a + b', 'b = 2']);
    session = tail[0][0];
    expect(session).toBeGreaterThan(0);
    expect(tail.map(([s, line]) => [s, line])).toEqual([[session, 2], [session, 3], [session, 4]]);
    expect(await history(client, { hist_access_type: 'tail', n: 0 })).toEqual([]);
  });

  it('output: true pairs each input with its output (not stored: null)', async () => {
    const tail = await history(current(), { hist_access_type: 'tail', n: 1, output: true });
    expect(tail).toEqual([[session, 4, ['b = 2', null]]]);
  });

  it('range: lines start <= line < stop of a session (0: this one)', async () => {
    const client = current();
    const expected = [[session, 2, 'b = 2'], [session, 3, 'a + b']];
    expect(await history(client, { hist_access_type: 'range', session: 0, start: 2, stop: 4 })).toEqual(expected);
    expect(await history(client, { hist_access_type: 'range', session, start: 2, stop: 4 })).toEqual(expected);
    expect(await history(client, { hist_access_type: 'range', session: session + 1, start: 0, stop: 9 })).toEqual([]);
  });

  it('search: a glob over whole inputs; unique keeps the latest of equal inputs; n the last n', async () => {
    const client = current();
    const inputs = async (content: object) => (await history(client, { hist_access_type: 'search', ...content })).map(([, line, input]) => [line, input]);
    expect(await inputs({ pattern: 'b = *' })).toEqual([[2, 'b = 2'], [4, 'b = 2']]);
    expect(await inputs({ pattern: 'b = *', unique: true })).toEqual([[4, 'b = 2']]);
    expect(await inputs({ pattern: '[ab] ?*' })).toEqual([[1, 'a = 1'], [2, 'b = 2'], [3, 'a + b'], [4, 'b = 2']]);
    expect(await inputs({ pattern: '[^b]*', n: 1 })).toEqual([[3, 'a + b']]);
    expect(await inputs({ pattern: 'a' })).toEqual([]); // the whole input must match
  });

  it('search: a pattern past 1000 characters is a bad request, and the next search is answered', async () => {
    const client = current();
    const reply = await client.request('shell', 'history_request', { hist_access_type: 'search', pattern: '*'.repeat(1001) });
    expect(reply.content).toMatchObject({ status: 'error', ename: 'BadRequest', evalue: '"pattern" must be at most 1000 characters' });
    expect((await history(client, { hist_access_type: 'search', pattern: '*'.repeat(1000) })).length).toBeGreaterThan(0);
  });

  it('a restarted kernel is a new session that still has the earlier ones', async () => {
    const client = await restart();
    await runAll(client, ['c = 3']);
    const tail = await history(client, { hist_access_type: 'tail', n: 3 });
    expect(tail).toEqual([[session, 3, 'a + b'], [session, 4, 'b = 2'], [session + 1, 1, 'c = 3']]);
    expect(await history(client, { hist_access_type: 'range', session: -1, start: 1, stop: 3 }))
      .toEqual([[session, 1, 'a = 1'], [session, 2, 'b = 2']]);
    const found = await history(client, { hist_access_type: 'search', pattern: '? = ?', unique: true });
    expect(found.map(([, , input]) => input)).toEqual(['a = 1', 'b = 2', 'c = 3']);
  });

  it('keeps the file as JSON lines in the place $PYSWITCH_HISTORY_FILE names', () => {
    const records = fs.readFileSync(historyFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(records).toContainEqual({ session: session + 1, line: 1, input: 'c = 3' });
    expect(records).toContainEqual({ session: session + 1 });
  });

  it('kernels started together get sessions of their own', async () => {
    const together = await Promise.all([TestKernel.start(), TestKernel.start(), TestKernel.start()]);
    try {
      const sessions = await Promise.all(together.map(async (each) => {
        await runAll(each.client, ['together = 1']);
        return (await history(each.client, { hist_access_type: 'tail', n: 1 }))[0][0];
      }));
      expect(new Set(sessions).size).toBe(3);
      expect(Math.min(...sessions)).toBeGreaterThan(session + 1);
    } finally {
      await Promise.all(together.map((each) => each.stop()));
    }
  });

  it('a history file that cannot be written leaves the history in memory', async () => {
    process.env.PYSWITCH_HISTORY_FILE = path.join(historyFile, 'not-a-directory', 'history.jsonl');
    try {
      const client = await restart();
      await runAll(client, ['d = 4']);
      expect(await history(client, { hist_access_type: 'tail', n: 5 })).toEqual([[1, 1, 'd = 4']]);
    } finally {
      process.env.PYSWITCH_HISTORY_FILE = historyFile;
    }
  });

  it('a file past its bound is cut down to the newest inputs; numbering goes on', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ session: 50, line: i + 1, input: `${i} ${'x'.repeat(1000)}` }));
    fs.writeFileSync(historyFile, `${big.join('\n')}\n`);
    const client = await restart();
    await runAll(client, ['e = 5']);
    const tail = await history(client, { hist_access_type: 'tail', n: 2 }); // answered once the file is read
    expect(tail.map(([s, line]) => [s, line])).toEqual([[50, 5000], [51, 1]]);
    const size = fs.statSync(historyFile).size;
    expect(size).toBeLessThan(2.5 * 1024 * 1024);
    expect(size).toBeGreaterThan(1024 * 1024);
  });
});
