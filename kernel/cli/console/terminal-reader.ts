// Line input from a terminal with readline: history, prompts with a pre-filled indent, hidden password
// entry, Ctrl-C and Ctrl-D. Readline stays active while a cell runs, so keys typed ahead are kept and
// Ctrl-C arrives as a key (the terminal is raw) to interrupt the kernel instead of killing us.
import * as readline from 'readline';
import { Writable } from 'stream';

export type ReadResult = { kind: 'line'; text: string } | { kind: 'interrupt' } | { kind: 'eof' };

export interface ReadOptions {
  password?: boolean;
  prefill?: string;
}

// readline's output: passed to the terminal, except while a password is typed.
class MaskableOutput extends Writable {
  masked = false;

  constructor(private readonly terminal: NodeJS.WriteStream) {
    super();
    terminal.on('resize', () => this.emit('resize'));
  }

  // readline wraps long lines by these.
  get columns(): number {
    return this.terminal.columns;
  }

  get rows(): number {
    return this.terminal.rows;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.masked) callback();
    else this.terminal.write(chunk, callback);
  }
}

export class TerminalReader {
  // Called for Ctrl-C while no line is being read, i.e. while a cell runs.
  onBusyInterrupt: () => void = () => undefined;
  private readonly output: MaskableOutput;
  private rl: readline.Interface | undefined;
  private history: string[] = [];
  private readonly typedAhead: string[] = [];
  private waiter: ((result: ReadResult) => void) | undefined;
  private readingPassword = false;
  private closing = false;

  constructor(private readonly input: NodeJS.ReadStream, private readonly terminal: NodeJS.WriteStream) {
    this.output = new MaskableOutput(terminal);
    this.open();
  }

  read(prompt: string, options: ReadOptions = {}): Promise<ReadResult> {
    const ahead = this.typedAhead.shift();
    if (ahead !== undefined) {
      this.terminal.write(`${prompt}${options.password ? '' : ahead}\n`); // the transcript shows what ran
      return Promise.resolve({ kind: 'line', text: ahead });
    }
    const rl = this.rl;
    if (rl === undefined) return Promise.resolve({ kind: 'eof' });
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.readingPassword = options.password === true;
      if (this.readingPassword) {
        this.terminal.write(prompt);
        rl.setPrompt('');
        this.output.masked = true;
        rl.prompt();
      } else {
        rl.setPrompt(prompt);
        rl.prompt();
        if (options.prefill) rl.write(options.prefill);
      }
    });
  }

  close(): void {
    this.closing = true;
    this.rl?.close();
  }

  private open(): void {
    const rl = readline.createInterface({ input: this.input, output: this.output, terminal: true, history: this.history });
    rl.on('history', (history: string[]) => {
      if (this.readingPassword) history.shift(); // a password must not come back with the up arrow
      this.history = history;
    });
    rl.on('line', (line) => {
      if (this.waiter) this.settle({ kind: 'line', text: line });
      else this.typedAhead.push(line);
    });
    rl.on('SIGINT', () => {
      if (!this.waiter) {
        this.onBusyInterrupt();
        return;
      }
      this.discardLine(rl);
      this.settle({ kind: 'interrupt' });
    });
    rl.on('close', () => {
      this.rl = undefined;
      this.settle({ kind: 'eof' });
      // Ctrl-D closes readline; unless the input really ended (or we close), the session goes on.
      if (!this.closing && !this.input.readableEnded) this.open();
    });
    this.rl = rl;
  }

  // Ctrl-C at a prompt: the typed text stays on screen marked ^C, and is gone from the input.
  private discardLine(rl: readline.Interface): void {
    this.output.masked = true;
    rl.write(null, { ctrl: true, name: 'e' });
    rl.write(null, { ctrl: true, name: 'u' });
    this.output.masked = false;
    this.terminal.write('^C');
  }

  private settle(result: ReadResult): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    if (this.readingPassword) {
      this.output.masked = false;
      this.readingPassword = false;
      if (result.kind === 'line') this.terminal.write('\n'); // readline's own newline was masked
    }
    if (result.kind !== 'line') this.terminal.write('\n');
    waiter(result);
  }
}
