// The interactive console: `In [N]: ` prompts with continuation lines, output as it arrives, Ctrl-C to
// interrupt a running cell (or drop the line being typed), input() answered at the terminal, Ctrl-D to quit.
import { RunningKernel } from '../../client/running-kernel';
import { KernelSpec } from '../../client/kernelspec';
import { CellAssembler, kernelCompleteness } from './cells';
import { ENV_COMMANDS_HELP, EnvCommands } from './env-commands';
import { ConsoleStreams, OutputRenderer } from './output';
import { TerminalReader } from './terminal-reader';

// What input() gets when the user presses Ctrl-D: ipykernel (and pyswitch) raise EOFError for it.
const EOF_VALUE = '\x04';

function continuationPrompt(count: number): string {
  const width = `In [${count}]: `.length;
  return `${' '.repeat(Math.max(width - 5, 0))}...: `;
}

export async function runInteractive(
  kernel: RunningKernel,
  interruptMode: KernelSpec['interruptMode'],
  reader: TerminalReader,
  streams: ConsoleStreams,
): Promise<number> {
  const client = kernel.client;
  const renderer = new OutputRenderer(streams, true);
  const assembler = new CellAssembler(kernelCompleteness(client));
  const interrupt = (): void => {
    kernel.interrupt(interruptMode).catch((error: unknown) => streams.err.write(`interrupt failed: ${String(error)}\n`));
  };
  reader.onBusyInterrupt = interrupt;
  client.onInputRequest(async ({ prompt, password }) => {
    const answer = await reader.read(prompt, { password });
    if (answer.kind === 'line') return answer.text;
    if (answer.kind === 'eof') return EOF_VALUE;
    interrupt(); // Ctrl-C at an input() prompt interrupts the cell, as in a terminal Python
    return null;
  });

  const banner = client.kernelInfo.content.banner;
  if (typeof banner === 'string' && banner.trim() !== '') streams.out.write(`${banner.trimEnd()}\n`);
  streams.out.write(`${ENV_COMMANDS_HELP}\n\n`);
  const envCommands = new EnvCommands(client, streams);

  let count = 1;
  let indent = '';
  for (;;) {
    const prompt = assembler.pending ? continuationPrompt(count) : `In [${count}]: `;
    const line = await reader.read(prompt, { prefill: indent });
    if (line.kind === 'eof') return 0;
    indent = '';
    if (line.kind === 'interrupt') {
      assembler.clear();
      continue;
    }
    if (!assembler.pending && (await envCommands.serve(line.text))) continue;
    const step = await assembler.add(line.text);
    if (step.kind === 'more') indent = step.indent;
    if (step.kind !== 'run') continue;
    const { reply } = await client.execute(step.code, { timeoutMs: Infinity, onIopub: renderer.render });
    const executed = reply.content.execution_count;
    if (typeof executed === 'number') count = executed + 1;
    renderer.endLine();
    streams.out.write('\n'); // IPython's blank line between cells
  }
}
