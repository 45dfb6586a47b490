// At most `concurrency` operations at once; the others wait their turn, in order.
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await operation();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}
