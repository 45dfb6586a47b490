/// <reference types="jest" />
// A re-exec switch with two iopub subscribers, one of which comes back late. The new image holds the
// switch's outcome until as many SUB sockets have subscribed again as were there (server/publisher.ts,
// bounded by 10 s), and must release it as soon as the late one's subscription arrives, to both:
// - a frontend that reconnects late (here: a new SUB, 300 ms after the first subscriber is back);
// - a frontend that reconnected at once but reads its SUB only 300 ms later: zmq re-sends a SUB's
//   subscription to a new connection only when its owner calls into the socket (docs/reliability-facts.md,
//   fact 12), so every frontend waits until then.
// One that never comes back holds the outcome until the hold ends, and the kernel says so in its log.
import * as path from 'path';
import * as zmq from 'zeromq';

import { EnvComm, EnvData } from '../../kernel/client/env-comm';
import { KernelClient } from '../../kernel/client/kernel-client';
import { Deferred, delay, withTimeout } from '../../kernel/client/waiting';
import { Session } from '../../kernel/protocol/session';
import { Message } from '../../kernel/protocol/wire';
import { endpoint } from '../../kernel/transport/connection-file';
import { requestSwitch } from '../helpers/env-switch';
import { useKernel } from '../helpers/kernel';
import { testNeeding } from '../helpers/pythons';
import { nextMessage } from '../helpers/raw-sockets';
import { PY311, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py311);
jest.setTimeout(120_000);
const REPLY_MS = 60_000;
// Well inside the 10 s hold (PEER_RECONNECT_MS): an outcome released only when the hold ends fails this.
const OUTCOME_MS = 5000;
// How long after the first subscriber is back the second one is: the scenario itself, not a wait for
// anything.
const LATE_MS = 300;

const dir = tempTree('reexec-late-sub');
const at = (...parts: string[]): string => path.join(dir, ...parts);
const kernel = useKernel({ PYSWITCH_IPYTHON: '0' });
let comm: EnvComm;
let session: Session;
const sockets: zmq.Socket[] = [];

beforeAll(async () => {
  await Promise.all(['a', 'b'].map((name) => makeVenv(PY311, at(name))));
  comm = new EnvComm(kernel.client);
  await comm.open();
  const { connection } = kernel.kernel.running.process;
  session = new Session(connection.key, connection.signature_scheme);
});
afterAll(() => {
  for (const socket of sockets) socket.close();
  removeTree(dir);
});

// A SUB to everything on the kernel's iopub; `reconnect: false` leaves it away once the kernel drops its
// connection.
function subscriber(reconnect = true): zmq.Subscriber {
  const sub = new zmq.Subscriber({ linger: 0, ...(reconnect ? {} : { reconnectInterval: -1 }) });
  sockets.push(sub);
  sub.connect(endpoint(kernel.kernel.running.process.connection, 'iopub'));
  sub.subscribe('');
  return sub;
}

async function messageOf(sub: zmq.Subscriber, wanted: (message: Message) => boolean): Promise<Message> {
  for (;;) {
    const message = await nextMessage(sub, session);
    if (wanted(message)) return message;
  }
}

const isWelcome = (message: Message): boolean => message.header.msg_type === 'iopub_welcome';
const envData = (message: Message): EnvData | undefined =>
  message.header.msg_type === 'comm_msg' && message.content.comm_id === comm.commId ? message.content.data as EnvData : undefined;

// When `sub` has had the switch's reply and env_changed.
async function outcomeAt(sub: zmq.Subscriber): Promise<number> {
  const seen: EnvData[] = [];
  while (!seen.some((data) => data.event === 'env_changed') || !seen.some((data) => 'reply' in data)) {
    seen.push(envData(await messageOf(sub, (message) => envData(message) !== undefined)) as EnvData);
  }
  return Date.now();
}

// A re-exec to `target` while `second` (subscribed and welcomed) is subscribed beside the client's own
// SUB. The client's SUB comes back at once: the new image's welcome to it (its first message) is the
// moment the other is late from. `late` then brings the second subscriber back and returns its SUB.
// Both must get the outcome within OUTCOME_MS of that.
async function switchWithLateSubscriber(client: KernelClient, target: string, second: zmq.Subscriber,
  late: () => zmq.Subscriber): Promise<void> {
  const oldImage = (await messageOf(second, isWelcome)).header.session;
  const firstBack = new Deferred<number>();
  const stop = client.observe((traffic) => {
    if (traffic.kind === 'received' && traffic.channel === 'iopub' && isWelcome(traffic.message) &&
      traffic.message.header.session !== oldImage && !firstBack.settled) firstBack.resolve(Date.now());
  });
  try {
    const switched = requestSwitch(comm, at(target), 're-exec').then(({ reply }) => ({ reply, at: Date.now() }));
    await withTimeout(firstBack.promise, REPLY_MS, 'the new image\'s welcome to the client\'s SUB');
    await delay(LATE_MS);
    const lateAt = Date.now();
    const sub = late();
    const [prompt, lateOutcome] = await Promise.all([withTimeout(switched, REPLY_MS, 'the switch\'s reply'),
      withTimeout(outcomeAt(sub), OUTCOME_MS, 'the switch\'s outcome at the late subscriber')]);
    expect(prompt.reply).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at(target) } });
    expect(lateOutcome - lateAt).toBeLessThan(OUTCOME_MS);
    // The client's SUB had it once the late one was back (held for it), not when the hold ended.
    expect(prompt.at).toBeGreaterThanOrEqual(lateAt);
    expect(prompt.at - lateAt).toBeLessThan(OUTCOME_MS);
    sub.close();
  } finally {
    stop();
  }
}

test(`a frontend whose SUB is back ${LATE_MS} ms after the first gets the switch's outcome at once, and so does the first`,
  kernel.test(async (client) => {
    for (const target of ['a', 'b']) {
      const away = subscriber(false);
      await switchWithLateSubscriber(client, target, away, () => {
        away.close();
        return subscriber();
      });
    }
  }));

test(`a frontend that reads its reconnected SUB only ${LATE_MS} ms after the first is back: both get the outcome then`,
  kernel.test(async (client) => {
    for (const target of ['a', 'b']) {
      // Not read from its welcome on: its connection comes back, its subscription only with the next call.
      const idle = subscriber();
      await switchWithLateSubscriber(client, target, idle, () => idle);
    }
  }));

test('a subscriber that never comes back holds the outcome only until the hold ends, which the kernel logs',
  kernel.test(async () => {
    const gone = subscriber(false);
    await messageOf(gone, isWelcome);
    const { reply } = await requestSwitch(comm, at('a'), 're-exec');
    expect(reply).toMatchObject({ ok: true, strategy: 're-exec', env: { root: at('a') } });
    expect(kernel.kernel.output()).toMatch(/iopub: released what was held for \d+ ms with 1 of 2 subscribers back/);
    gone.close();
  }));
