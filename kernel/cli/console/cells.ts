// Turning lines into cells as a REPL does: lines accumulate until the kernel's is_complete_request says
// the code is complete (or invalid: the user should see that error now). A blank line ends an indented
// block; open brackets or strings continue past it when the kernel says the code is still incomplete.
import { KernelClient } from '../../client/kernel-client';
import { TimeoutError } from '../../client/waiting';

export interface Completeness {
  status: 'complete' | 'incomplete' | 'invalid' | 'unknown';
  indent: string;
}
export type CompletenessCheck = (code: string) => Promise<Completeness>;

export type Step = { kind: 'run'; code: string } | { kind: 'more'; indent: string } | { kind: 'nothing' };

const STATUSES: readonly string[] = ['complete', 'incomplete', 'invalid', 'unknown'];

// The kernel's verdict; a kernel that does not answer in time (or says nonsense) counts as `unknown`. Other
// failures (the kernel died) are not a verdict and propagate.
export function kernelCompleteness(client: KernelClient, timeoutMs = 5000): CompletenessCheck {
  return async (code) => {
    let content: Record<string, unknown>;
    try {
      ({ content } = await client.request('shell', 'is_complete_request', { code }, timeoutMs));
    } catch (error) {
      if (error instanceof TimeoutError) return { status: 'unknown', indent: '' };
      throw error;
    }
    const status = STATUSES.includes(String(content.status)) ? (content.status as Completeness['status']) : 'unknown';
    return { status, indent: typeof content.indent === 'string' ? content.indent : '' };
  };
}

export class CellAssembler {
  private lines: string[] = [];

  constructor(private readonly check: CompletenessCheck) {}

  get pending(): boolean {
    return this.lines.length > 0;
  }

  async add(line: string): Promise<Step> {
    if (line.trim() === '') {
      if (!this.pending) return { kind: 'nothing' };
      // `unknown` (a kernel that cannot tell) takes the blank line as the end, the usual heuristic.
      const { status, indent } = await this.check(`${this.code()}\n`);
      if (status !== 'incomplete') return { kind: 'run', code: this.take() };
      this.lines.push('');
      return { kind: 'more', indent };
    }
    this.lines.push(line);
    const { status, indent } = await this.check(this.code());
    if (status === 'complete' || status === 'invalid') return { kind: 'run', code: this.take() };
    return { kind: 'more', indent };
  }

  // End of input: whatever is pending runs as it is.
  finish(): string | undefined {
    return this.pending ? this.take() : undefined;
  }

  clear(): void {
    this.lines = [];
  }

  private code(): string {
    return this.lines.join('\n');
  }

  private take(): string {
    const code = this.code().trimEnd();
    this.lines = [];
    return code;
  }
}
