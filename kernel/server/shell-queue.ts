// Shell requests are served one at a time, in arrival order (a switch or an execute never overlaps
// another). Requests still waiting can be taken out, which is how stop_on_error aborts the ones queued
// behind a failed cell. The queue is bounded in count and bytes: push() settles only once there is room,
// and the shell socket is not read meanwhile, so further requests wait in zmq's queues (bounded by its
// high-water mark) and in the peers' own, instead of in the kernel's memory. The queue starts held:
// nothing is served before the kernel is ready (a new image that fails to start hands everything it
// holds on, unserved). The request being served can claim the next one, to start it early; a claimed
// request is served next whatever hold() says, since it has already started.
import { Message } from '../protocol/wire';

export interface QueueBounds {
  messages: number;
  bytes: number;
}

export const DEFAULT_QUEUE_BOUNDS: QueueBounds = { messages: 1000, bytes: 64 * 1024 * 1024 };

export class ShellQueue {
  private readonly waiting: { message: Message; bytes: number }[] = [];
  private waitingBytes = 0;
  private draining: Promise<void> | undefined; // while a request is being served
  private roomWaiters: (() => void)[] = [];
  private held = true;
  private claimed: Message | undefined; // taken out of line by the request being served, served next

  constructor(
    private readonly serve: (message: Message) => Promise<void>,
    private readonly onError: (e: unknown) => void,
    private bounds: QueueBounds = DEFAULT_QUEUE_BOUNDS,
  ) {}

  // Queues a request of `bytes` (its frames); settles when the queue has room for the next one.
  push(message: Message, bytes = 0): Promise<void> {
    this.waiting.push({ message, bytes });
    this.waitingBytes += bytes;
    if (!this.draining && !this.held) this.drain();
    return this.hasRoom() ? Promise.resolve() : new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  // Starts serving (once the kernel is ready).
  release(): void {
    this.held = false;
    if (!this.draining && this.waiting.length > 0) this.drain();
  }

  // Stops serving once the request being served is done (settles then); the rest stays queued, to be
  // taken (a re-exec carries it to the next image).
  hold(): Promise<void> {
    this.held = true;
    return this.draining ?? Promise.resolve();
  }

  // For a re-exec's hand-off: every request zmq has read must reach the next image (a socket closed with
  // requests still in zmq's queue loses them), so the bounds no longer hold the shell socket back. zmq's
  // high-water mark still bounds what there is to take.
  unbound(): void {
    this.bounds = { messages: Infinity, bytes: Infinity };
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }

  // Removes and returns the waiting requests that match.
  take(matches: (message: Message) => boolean): Message[] {
    const taken: Message[] = [];
    for (let i = 0; i < this.waiting.length; ) {
      if (matches(this.waiting[i].message)) taken.push(this.remove(i));
      else i += 1;
    }
    return taken;
  }

  // While a request is served: takes the next waiting one out of line if it matches, to be served right
  // after this one; nothing while held, so a hand-off still gets everything not yet started.
  claimNext(matches: (message: Message) => boolean): Message | undefined {
    if (this.held || this.claimed || this.waiting.length === 0 || !matches(this.waiting[0].message)) return undefined;
    this.claimed = this.remove(0);
    return this.claimed;
  }

  private hasRoom(): boolean {
    return this.waiting.length < this.bounds.messages && this.waitingBytes < this.bounds.bytes;
  }

  private remove(index: number): Message {
    const [{ message, bytes }] = this.waiting.splice(index, 1);
    this.waitingBytes -= bytes;
    if (this.hasRoom()) for (const resolve of this.roomWaiters.splice(0)) resolve();
    return message;
  }

  private drain(): void {
    let done = false;
    const serveAll = async (): Promise<void> => {
      try {
        while (this.claimed || (this.waiting.length > 0 && !this.held)) {
          const message = this.claimed ?? this.remove(0);
          this.claimed = undefined;
          try {
            await this.serve(message);
          } catch (error) {
            this.onError(error); // one request that failed inside the kernel must not stop the queue
          }
        }
      } finally {
        // At once, not a tick later: a request pushed right after the last one is served starts a drain.
        done = true;
        this.draining = undefined;
      }
    };
    const serving = serveAll();
    if (!done) this.draining = serving;
  }
}
