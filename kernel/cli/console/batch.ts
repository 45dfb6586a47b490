// The console fed from a pipe or file: the input is split into cells as a REPL would read it, the cells
// run in order, and only their output is printed (no prompts, no Out[N]), so
// `printf 'print(6*7)\n' | pyswitch console` prints exactly `42`.
// The exit status is 1 when any cell failed, 0 otherwise: a script driving the console can tell, and,
// as in a REPL, a failed cell does not stop the ones after it. input() fails at once (StdinNotImplementedError):
// our stdin is the code being run, there is nobody to answer. Environment commands (:env, :envs, :switch)
// work here too, so a script can switch between cells.
import { KernelClient } from '../../client/kernel-client';
import { CellAssembler, kernelCompleteness } from './cells';
import { EnvCommands } from './env-commands';
import { ConsoleStreams, OutputRenderer } from './output';

export function inputLines(source: string): string[] {
  const lines = source.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop(); // the newline ending the last line
  return lines;
}

export async function runBatch(client: KernelClient, source: string, streams: ConsoleStreams): Promise<number> {
  const renderer = new OutputRenderer(streams, false);
  const assembler = new CellAssembler(kernelCompleteness(client));
  let failed = false;
  const run = async (code: string): Promise<void> => {
    const { reply } = await client.execute(code, { timeoutMs: Infinity, allowStdin: false, onIopub: renderer.render });
    if (reply.content.status !== 'ok') failed = true;
  };
  const envCommands = new EnvCommands(client, streams);
  for (const line of inputLines(source)) {
    if (!assembler.pending && (await envCommands.serve(line))) continue;
    const step = await assembler.add(line);
    if (step.kind === 'run') await run(step.code);
  }
  const rest = assembler.finish();
  if (rest !== undefined) await run(rest);
  return failed ? 1 : 0;
}
