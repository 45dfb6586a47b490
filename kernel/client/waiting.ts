// Bounded waiting: every wait on the kernel has a deadline, and says what it was waiting for (the
// deadline itself lives in common/, for the kernel's own waits too).
export { TimeoutError, withTimeout } from '../common/deadline';

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// A promise settled from outside, that remembers whether it has been.
export class Deferred<T> {
  readonly promise: Promise<T>;
  settled = false;
  private resolveFn!: (value: T) => void;
  private rejectFn!: (error: Error) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    this.promise.catch(() => undefined); // a rejection nobody waits for is not an error
  }

  resolve(value: T): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveFn(value);
  }

  reject(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectFn(error);
  }
}

// Rejects when the signal aborts; never settles without one.
export function abortion(signal: AbortSignal | undefined): Promise<never> {
  const aborted = new Promise<never>((_, reject) => {
    if (!signal) return;
    const reason = (): Error => (signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    if (signal.aborted) reject(reason());
    else signal.addEventListener('abort', () => reject(reason()), { once: true });
  });
  aborted.catch(() => undefined); // an abort after the wait is over is nobody's error
  return aborted;
}
