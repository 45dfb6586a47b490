// Bounded waiting: every wait has a deadline, and says what it was waiting for.
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`no ${what} within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

// ms may be Infinity: waits a person controls (a cell that runs for hours) have no deadline of ours.
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  if (ms === Infinity) return promise;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
