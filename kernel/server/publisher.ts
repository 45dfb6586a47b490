// Everything the kernel says on iopub: status, side effects of requests, the welcome to new subscribers.
// While nobody is subscribed, messages are held (bounded) and go out when a subscriber arrives: a frontend
// whose SUB socket connects after its first request (jupyter console only waits for the shell reply)
// would otherwise wait forever for an `idle` that was published into the void.
import { ParentHeader } from '../protocol/header';
import { Session } from '../protocol/session';
import { Message, Outgoing } from '../protocol/wire';
import { KernelSockets } from '../transport/kernel-sockets';

export type ExecutionState = 'starting' | 'busy' | 'idle';
type Parent = Message<unknown> | ParentHeader;

const MAX_HELD_MESSAGES = 10_000;

export class Publisher {
  private subscriptions = 0;
  private held: Buffer[][] = [];
  // Subscribers to wait for before releasing held messages (after a re-exec: as many as were there).
  private expected = 1;

  constructor(private readonly sockets: KernelSockets, private readonly session: Session) {}

  get subscribers(): number {
    return this.subscriptions;
  }

  // After a re-exec, `count` frontends' SUB sockets reconnect one by one (jupyter_server has several):
  // hold messages until all are back, or `ms` have passed, so none of them misses the switch's outcome.
  awaitSubscribers(count: number, ms: number): void {
    this.expected = Math.max(1, count);
    setTimeout(() => {
      this.expected = 1;
      void this.release();
    }, ms).unref();
  }

  // `extra`: the message's own metadata and binary buffers (comm messages carry them).
  publish(msgType: string, content: Buffer | object, parent: Parent = {}, extra: Pick<Outgoing, 'metadata' | 'buffers'> = {}): Promise<void> {
    const frames = this.session.frames(msgType, content, parent, extra);
    if (this.held.length === 0 && this.subscriptions >= this.expected) return this.sockets.send('iopub', frames);
    if (this.held.length === MAX_HELD_MESSAGES) this.held.shift(); // the oldest matter least to a late subscriber
    this.held.push(frames);
    return Promise.resolve();
  }

  async subscriptionChanged(subscribed: boolean, topic: Buffer): Promise<void> {
    this.subscriptions = Math.max(0, this.subscriptions + (subscribed ? 1 : -1));
    if (!subscribed) return;
    await this.welcome(topic);
    await this.release();
  }

  private async release(): Promise<void> {
    if (this.subscriptions < this.expected) return;
    const held = this.held;
    this.held = [];
    // All enqueued at once, so nothing published meanwhile can overtake them.
    await Promise.all(held.map((frames) => this.sockets.send('iopub', frames)));
  }

  status(state: ExecutionState, parent: Parent = {}): Promise<void> {
    return this.publish('status', { execution_state: state }, parent);
  }

  // iopub_welcome tells a new subscriber that its subscription is live (messaging spec, XPUB iopub).
  private welcome(topic: Buffer): Promise<void> {
    return this.sockets.send('iopub', this.session.frames('iopub_welcome', { subscription: topic.toString('utf8') }));
  }
}
