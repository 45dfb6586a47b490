// One request we sent, and what the kernel answered with it as parent: the reply on its channel and the
// iopub messages up to the `idle` status that ends its handling.
import { Header } from '../protocol/header';
import { Message } from '../protocol/wire';
import { Deferred, withTimeout } from './waiting';

export type IopubListener = (message: Message) => void;

export function isStatus(message: Message, state: 'busy' | 'idle' | 'starting'): boolean {
  return message.header.msg_type === 'status' && message.content.execution_state === state;
}

export class PendingRequest {
  readonly iopub: Message[] = [];
  private readonly replied = new Deferred<Message>();
  private readonly idle = new Deferred<Message[]>();
  private watchers: { matches: (message: Message) => boolean; found: Deferred<Message> }[] = [];

  constructor(
    readonly header: Header,
    private readonly onIopub: IopubListener | undefined,
    private readonly forget: () => void,
  ) {}

  get msgId(): string {
    return this.header.msg_id;
  }

  addReply(message: Message): void {
    this.replied.resolve(message);
  }

  addIopub(message: Message): void {
    this.iopub.push(message);
    this.onIopub?.(message);
    for (const watcher of this.watchers) if (watcher.matches(message)) watcher.found.resolve(message);
    this.watchers = this.watchers.filter((watcher) => !watcher.found.settled);
    if (isStatus(message, 'idle')) this.idle.resolve([...this.iopub]);
  }

  // The first iopub message (already received or still to come) that matches.
  iopubMatching(matches: (message: Message) => boolean, timeoutMs: number, what: string): Promise<Message> {
    const found = new Deferred<Message>();
    const earlier = this.iopub.find(matches);
    if (earlier) found.resolve(earlier);
    else this.watchers.push({ matches, found });
    return withTimeout(found.promise, timeoutMs, `${what} after ${this.header.msg_type} ${this.msgId}`);
  }

  reply(timeoutMs: number): Promise<Message> {
    return withTimeout(this.replied.promise, timeoutMs, `reply to ${this.header.msg_type} ${this.msgId}`);
  }

  // Every iopub message with this request as parent, in arrival order, once `idle` has come.
  untilIdle(timeoutMs: number): Promise<Message[]> {
    return withTimeout(this.idle.promise, timeoutMs, `idle status after ${this.header.msg_type} ${this.msgId}`);
  }

  fail(error: Error): void {
    this.replied.reject(error);
    this.idle.reject(error);
    for (const watcher of this.watchers) watcher.found.reject(error);
  }

  // Stop routing messages here; later ones with this parent count as unclaimed.
  dispose(): void {
    this.forget();
  }
}
