// Shell requests are served one at a time, in arrival order (a switch or an execute never overlaps
// another). Requests still waiting can be taken out, which is how stop_on_error aborts the ones queued
// behind a failed cell.
import { Message } from '../protocol/wire';

export class ShellQueue {
  private readonly waiting: Message[] = [];
  private draining = false;

  constructor(private readonly serve: (message: Message) => Promise<void>, private readonly onError: (e: unknown) => void) {}

  push(message: Message): void {
    this.waiting.push(message);
    if (!this.draining) void this.drain();
  }

  // Removes and returns the waiting requests that match.
  take(matches: (message: Message) => boolean): Message[] {
    const taken: Message[] = [];
    for (let i = 0; i < this.waiting.length; ) {
      if (matches(this.waiting[i])) taken.push(...this.waiting.splice(i, 1));
      else i += 1;
    }
    return taken;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let message = this.waiting.shift(); message; message = this.waiting.shift()) {
        try {
          await this.serve(message);
        } catch (error) {
          this.onError(error); // one request that failed inside the kernel must not stop the queue
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
