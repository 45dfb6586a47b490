// Everything the kernel says on iopub: status, side effects of requests, the welcome to new subscribers.
// While nobody is subscribed, messages are held (bounded) and go out when a subscriber arrives: a frontend
// whose SUB socket connects after its first request (jupyter console only waits for the shell reply)
// would otherwise wait forever for an `idle` that was published into the void. What is held is bounded in
// bytes and in count: the oldest stream output goes first, and a note in the stream says what was dropped.
// Holding ends with the first subscriptions and does not come back when subscribers leave: any local peer
// can send XPUB unsubscriptions for topics it never subscribed to (zmq passes them on), so they must not
// make the kernel hold what its real subscribers are waiting for (docs/reliability-facts.md, fact 1).
import { ParentHeader } from '../protocol/header';
import { Session } from '../protocol/session';
import { Message, Outgoing } from '../protocol/wire';
import { KernelTransport } from '../transport/kernel-sockets';
import { log, logLimited } from '../common/log';
import { errorMessage } from '../common/error-message';

export type ExecutionState = 'starting' | 'busy' | 'idle';
type Parent = Message<unknown> | ParentHeader;

const MAX_HELD_MESSAGES = 10_000;
const STATUS_CONTENT: Record<ExecutionState, Buffer> = {
  starting: Buffer.from(JSON.stringify({ execution_state: 'starting' })),
  busy: Buffer.from(JSON.stringify({ execution_state: 'busy' })),
  idle: Buffer.from(JSON.stringify({ execution_state: 'idle' })),
};
export const DEFAULT_HELD_BYTES = 64 * 1024 * 1024;

interface HeldMessage {
  frames: Buffer[];
  bytes: number;
  stream: boolean;
  parent: Parent;
}
// Stands where dropped output of one request was; becomes a stream message when released.
interface DropNote {
  parent: Parent;
  messages: number;
  bytes: number;
}
type Held = HeldMessage | DropNote;

function parentId(parent: Parent): string {
  const header = 'header' in parent ? parent.header : parent;
  return typeof header.msg_id === 'string' ? header.msg_id : '';
}

export class Publisher {
  private subscriptions = 0; // subscriptions less unsubscriptions: what a re-exec waits to see again
  private subscribed = 0; // subscriptions seen by this image
  private held: Held[] = [];
  private heldBytes = 0;
  private readonly notes = new Map<string, DropNote>(); // by the parent's msg_id
  // Subscribers to wait for before releasing held messages (after a re-exec: as many as were there).
  private expected = 1;

  constructor(private readonly sockets: Pick<KernelTransport, 'send'>, private readonly session: Session, private readonly maxHeldBytes = DEFAULT_HELD_BYTES) {}

  get subscribers(): number {
    return this.subscriptions;
  }

  // After a re-exec, `count` frontends' SUB sockets reconnect one by one (jupyter_server has several):
  // hold messages until all have subscribed again, or `ms` have passed, so none of them misses the
  // switch's outcome. Each subscription is released on as it arrives, however late. A SUB re-sends its
  // subscription only when its owner next calls into it (docs/reliability-facts.md, fact 12): one that
  // is not read holds every frontend's outcome until then.
  awaitSubscribers(count: number, ms: number): void {
    this.expected = Math.max(1, count);
    setTimeout(() => {
      if (this.subscribed < this.expected) {
        log(`iopub: released what was held for ${ms} ms with ${this.subscribed} of ${this.expected} subscribers back`);
      }
      this.expected = 1;
      void this.release();
    }, ms).unref();
  }

  // `extra`: the message's own metadata and binary buffers (comm messages carry them).
  publish(msgType: string, content: Buffer | object, parent: Parent = {}, extra: Pick<Outgoing, 'metadata' | 'buffers'> = {}): Promise<void> {
    const frames = this.session.frames(msgType, content, parent, extra);
    if (this.held.length === 0 && this.subscribed >= this.expected) return this.send(frames);
    const bytes = frames.reduce((sum, frame) => sum + frame.length, 0);
    this.held.push({ frames, bytes, stream: msgType === 'stream', parent });
    this.heldBytes += bytes;
    while ((this.heldBytes > this.maxHeldBytes || this.held.length > MAX_HELD_MESSAGES) && this.dropOldest());
    return Promise.resolve();
  }

  // The oldest stream output matters least to a late subscriber; other messages go only when no stream
  // output is left. False when there is nothing left to drop.
  private dropOldest(): boolean {
    let at = this.held.findIndex((entry) => 'frames' in entry && entry.stream);
    if (at < 0) at = this.held.findIndex((entry) => 'frames' in entry);
    if (at < 0) return false;
    const dropped = this.held[at] as HeldMessage;
    this.heldBytes -= dropped.bytes;
    const id = parentId(dropped.parent);
    let note = this.notes.get(id);
    if (note) {
      this.held.splice(at, 1);
    } else {
      note = { parent: dropped.parent, messages: 0, bytes: 0 };
      this.held[at] = note;
      this.notes.set(id, note);
    }
    note.messages += 1;
    note.bytes += dropped.bytes;
    return true;
  }

  // What iopub could not send is the subscribers' loss, never the failure of the request that published it.
  private send(frames: Buffer[]): Promise<void> {
    return this.sockets.send('iopub', frames).catch((error: unknown) =>
      logLimited('iopub send failures', `an iopub message was not sent: ${errorMessage(error)}`));
  }

  private framesOf(entry: Held): Buffer[] {
    if ('frames' in entry) return entry.frames;
    const text = `[pyswitch: ${entry.messages} output message${entry.messages === 1 ? '' : 's'} (${entry.bytes} bytes) ` +
      'dropped while no frontend was listening]\n';
    return this.session.frames('stream', { name: 'stderr', text }, entry.parent);
  }

  async subscriptionChanged(subscribed: boolean, topic: Buffer): Promise<void> {
    this.subscriptions = Math.max(0, this.subscriptions + (subscribed ? 1 : -1));
    if (subscribed) this.subscribed += 1;
    if (!subscribed) return;
    await this.welcome(topic);
    await this.release();
  }

  private async release(): Promise<void> {
    if (this.subscribed < this.expected) return;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    this.notes.clear();
    // All enqueued at once, so nothing published meanwhile can overtake them.
    await Promise.all(held.map((entry) => this.send(this.framesOf(entry))));
  }

  // Two of every request's messages: their content is encoded once, not for each.
  status(state: ExecutionState, parent: Parent = {}): Promise<void> {
    return this.publish('status', STATUS_CONTENT[state], parent);
  }

  // iopub_welcome tells a new subscriber that its subscription is live (messaging spec, XPUB iopub).
  private welcome(topic: Buffer): Promise<void> {
    return this.send(this.session.frames('iopub_welcome', { subscription: topic.toString('utf8') }));
  }
}
