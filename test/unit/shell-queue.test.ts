// The shell queue's hold (server/shell-queue.ts): a kernel whose interpreter is gone stops serving once
// the request being served is answered, and hands the rest on (server/recovery.ts).
import { Deferred } from '../../kernel/client/waiting';
import { Message } from '../../kernel/protocol/wire';
import { ShellQueue } from '../../kernel/server/shell-queue';
import { header } from '../helpers/frames';

function request(id: string): Message {
  return { identities: [], header: { ...header('execute_request'), msg_id: id }, parent_header: {}, metadata: {}, content: {}, buffers: [] };
}

test('hold settles once the request being served is done; the rest stays queued, to be taken', async () => {
  const served: string[] = [];
  const first = new Deferred<void>();
  const queue = new ShellQueue(async (m) => {
    served.push(m.header.msg_id);
    if (m.header.msg_id === 'a') await first.promise;
  }, (e) => { throw e; });
  queue.release();
  void queue.push(request('a'));
  void queue.push(request('b'));
  void queue.push(request('c'));
  let held = false;
  const holding = queue.hold().then(() => { held = true; });
  await Promise.resolve();
  expect(held).toBe(false); // 'a' is still being served
  first.resolve();
  await holding;
  expect(served).toEqual(['a']);
  expect(queue.take(() => true).map((m) => m.header.msg_id)).toEqual(['b', 'c']);
});

test('hold with nothing being served settles at once, and a request pushed meanwhile waits', async () => {
  const served: string[] = [];
  const queue = new ShellQueue((m) => { served.push(m.header.msg_id); return Promise.resolve(); }, (e) => { throw e; });
  queue.release();
  await queue.hold();
  void queue.push(request('a'));
  await Promise.resolve();
  expect(served).toEqual([]);
  queue.release();
  await Promise.resolve();
  expect(served).toEqual(['a']);
});

test('a request claimed by the one being served comes next, even past a hold; nothing is claimed while held', async () => {
  const served: string[] = [];
  const first = new Deferred<void>();
  const claims: (string | undefined)[] = [];
  const queue: ShellQueue = new ShellQueue(async (m) => {
    served.push(m.header.msg_id);
    if (m.header.msg_id !== 'a') return;
    claims.push(queue.claimNext((next) => next.header.msg_id === 'c')?.header.msg_id); // not the next in line
    claims.push(queue.claimNext(() => true)?.header.msg_id);
    await first.promise;
  }, (e) => { throw e; });
  void queue.push(request('a'));
  void queue.push(request('b'));
  void queue.push(request('c'));
  queue.release();
  const holding = queue.hold();
  first.resolve();
  await holding;
  expect(claims).toEqual([undefined, 'b']);
  expect(served).toEqual(['a', 'b']); // b had started: the hold came after it
  expect(queue.claimNext(() => true)).toBeUndefined();
  expect(queue.take(() => true).map((m) => m.header.msg_id)).toEqual(['c']);
});
