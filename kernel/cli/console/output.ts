// Kernel output as a terminal shows it: streams as they are, results and displays as text/plain, errors
// as their traceback. With prompt numbers (interactive) results read `Out[N]: ...` as in IPython.
import { Message } from '../../protocol/wire';

export interface ConsoleStreams {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function plainText(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const plain = (data as Record<string, unknown>)['text/plain'];
  return typeof plain === 'string' ? plain : undefined;
}

export class OutputRenderer {
  private atLineStart = true;

  constructor(private readonly streams: ConsoleStreams, private readonly promptNumbers: boolean) {}

  readonly render = (message: Message): void => {
    const content = message.content;
    switch (message.header.msg_type) {
      case 'stream':
        this.write(content.name === 'stderr' ? 'err' : 'out', text(content.text));
        break;
      case 'execute_result':
        this.result(plainText(content.data) ?? '', content.execution_count);
        break;
      case 'display_data':
      case 'update_display_data':
        this.display(content.data);
        break;
      case 'error':
        this.error(content);
        break;
      default:
        break; // status, execute_input, clear_output, comms: nothing a terminal shows
    }
  };

  // Before a prompt: output that did not end its line must not share it with the prompt.
  endLine(): void {
    if (!this.atLineStart) this.write('out', '\n');
  }

  private result(plain: string, count: unknown): void {
    if (!this.promptNumbers) {
      this.write('out', `${plain}\n`);
      return;
    }
    // IPython starts a multi-line result on its own line.
    this.endLine();
    this.write('out', `Out[${typeof count === 'number' ? count : ' '}]: ${plain.includes('\n') ? '\n' : ''}${plain}\n`);
  }

  private display(data: unknown): void {
    const plain = plainText(data);
    if (plain !== undefined) {
      this.write('out', `${plain}\n`);
      return;
    }
    const types = typeof data === 'object' && data !== null ? Object.keys(data) : [];
    if (types.length > 0) this.write('out', `<${types.join(', ')} output not shown in a terminal>\n`);
  }

  private error(content: Record<string, unknown>): void {
    const traceback = Array.isArray(content.traceback) ? content.traceback.filter((line) => typeof line === 'string') : [];
    const lines = traceback.length > 0 ? traceback : [`${text(content.ename)}: ${text(content.evalue)}`];
    this.endLine();
    this.write('err', `${lines.join('\n')}\n`);
  }

  private write(stream: 'out' | 'err', chunk: string): void {
    if (chunk === '') return;
    this.streams[stream].write(chunk);
    this.atLineStart = chunk.endsWith('\n');
  }
}
