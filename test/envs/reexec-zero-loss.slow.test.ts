/// <reference types="jest" />
// Zero loss across a re-exec: a cell sent every 25 ms from before a re-exec switch until after it, RUNS
// times in a row; every request is answered once, with its own output, in order. `npm run soak` runs the
// same over 200 switches (reexec-zero-loss.soak.test.ts); reexec-zero-loss-ipc.slow.test.ts over ipc.
// PYSWITCH_ZERO_LOSS_RUNS and PYSWITCH_ZERO_LOSS_INTERVAL_MS change the count and the interval.
import * as path from 'path';

import { EnvComm } from '../../kernel/client/env-comm';
import { ExecuteResult } from '../../kernel/client/kernel-client';
import { requestSwitch } from '../helpers/env-switch';
import { useKernel } from '../helpers/kernel';
import { parentId, streamText } from '../helpers/messages';
import { Baseline, baseline, expectHealthy } from '../helpers/process-health';
import { testNeeding } from '../helpers/pythons';
import { PY311, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py311);

const RUNS = Number(process.env.PYSWITCH_ZERO_LOSS_RUNS ?? 20);
const TRANSPORT = process.env.PYSWITCH_ZERO_LOSS_TRANSPORT === 'ipc' ? 'ipc' : 'tcp';
const INTERVAL_MS = Number(process.env.PYSWITCH_ZERO_LOSS_INTERVAL_MS ?? 25); // less: more cells in the hand-off's window
const LEAD_CELLS = 4; // sent before the switch request
const TRAIL_CELLS = 8; // sent after its reply
const REPLY_MS = 60_000;
jest.setTimeout(Math.max(300_000, RUNS * 15_000));

const dir = tempTree('zero-loss');
const kernel = useKernel({ PYSWITCH_IPYTHON: '0' }, TRANSPORT);
let comm: EnvComm;
let before: Baseline;

beforeAll(async () => {
  await Promise.all([makeVenv(PY311, path.join(dir, 'a')), makeVenv(PY311, path.join(dir, 'b'))]);
  comm = new EnvComm(kernel.client);
  await comm.open();
  before = await baseline(kernel.client);
});
afterAll(() => removeTree(dir));

// What the hand-offs saw, summed over the kernel's "re-exec hand-off:" log lines (server/reexec.ts).
function handOffSummary(log: string): string {
  const lines = log.split('\n').filter((line) => line.includes('re-exec hand-off:'));
  const numbers = (pattern: RegExp): number[] => lines.map((line) => Number(pattern.exec(line)?.[1] ?? 0));
  const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
  const ms = numbers(/drained in (\d+) ms/).sort((a, b) => a - b);
  const closed = numbers(/closed after (\d+) ms/).sort((a, b) => a - b);
  return `hand-offs: ${lines.length}, ${sum(numbers(/(\d+) connection/))} connections drained; drain ${ms[Math.floor(ms.length / 2)] ?? 0} ms ` +
    `median, ${ms[ms.length - 1] ?? 0} ms max; sockets closed after ${closed[closed.length - 1] ?? 0} ms at most; ` +
    `accepted during the drain ${sum(numbers(/(\d+) accepted/))}, read after their peer had closed ` +
    `${sum(numbers(/(\d+) read after/))}, reads woken ${sum(numbers(/(\d+) read\(s\) woken/))}, cut at the deadline ${sum(numbers(/(\d+) cut at/))}`;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));

test(`${RUNS} re-exec switches over ${TRANSPORT} with a cell every ${INTERVAL_MS} ms: every cell answered once, with its output`, kernel.test(async (client) => {
  const replies = new Map<string, number>();
  const stop = client.observe((traffic) => {
    if (traffic.kind !== 'received' || traffic.message.header.msg_type !== 'execute_reply') return;
    const id = parentId(traffic.message) ?? '?';
    replies.set(id, (replies.get(id) ?? 0) + 1);
  });
  let sent = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const target = path.join(dir, run % 2 === 0 ? 'a' : 'b');
      const cells: Promise<ExecuteResult>[] = [];
      let switchSentAt = Infinity;
      const send = (): void => {
        const n = sent++;
        const sentAt = Date.now();
        // A lost cell says when it was sent, relative to the switch request.
        cells.push(client.execute(`print(${n})`, { timeoutMs: REPLY_MS }).catch((error: unknown) => {
          throw new Error(`run ${run}: cell ${n}, sent ${sentAt - switchSentAt} ms after the switch request: ${String(error)}`);
        }));
      };
      const first = sent;
      for (let i = 0; i < LEAD_CELLS; i++) {
        send();
        await tick();
      }
      let switched = false;
      switchSentAt = Date.now();
      const reply = requestSwitch(comm, target, 're-exec').finally(() => {
        switched = true;
      });
      while (!switched) {
        send();
        await tick();
      }
      for (let i = 0; i < TRAIL_CELLS; i++) {
        send();
        await tick();
      }
      expect((await reply).reply).toMatchObject({ ok: true, strategy: 're-exec', env: { root: target } });
      const results = await Promise.all(cells);
      results.forEach(({ reply: cellReply, iopub }, i) => {
        expect(cellReply.content.status).toBe('ok');
        expect(streamText(iopub, 'stdout')).toBe(`${first + i}\n`);
      });
      const counts = results.map((r) => r.reply.content.execution_count as number);
      expect(counts).toEqual(counts.map((_, i) => counts[0] + i)); // in order, none skipped or repeated
    }
  } finally {
    stop();
  }
  expect([...replies.values()].filter((count) => count !== 1)).toEqual([]);
  expect(replies.size).toBeGreaterThanOrEqual(sent);
  console.log(`zero loss: ${RUNS} re-exec switches over ${TRANSPORT}, ${sent} cells sent every ${INTERVAL_MS} ms through them, all answered once\n` +
    handOffSummary(kernel.kernel.output(Number.MAX_SAFE_INTEGER)));
  await expectHealthy(client, before);
}));
