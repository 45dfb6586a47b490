/// <reference types="jest" />
// complete_request on the default interpreter: the cases every completer passes, and what jedi adds
// when the interpreter has it (expressions, names the cell binds before it runs).
import { useKernel } from '../helpers/kernel';
import { streamText } from '../helpers/messages';
import { complete, completionCases } from './completion-cases';

const kernel = useKernel();

describe('complete_request', () => {
  completionCases(kernel);

  it('goes to jedi, when the interpreter has it, for what only the cell text tells', kernel.test(async (client) => {
    const { iopub } = await client.execute("import importlib.util\nprint(importlib.util.find_spec('jedi') is not None)");
    const hasJedi = streamText(iopub, 'stdout') === 'True\n';
    expect((await complete(client, '"abc".up')).matches).toEqual(hasJedi ? ['upper'] : []);
    expect((await complete(client, 'not_run_yet = 1\nnot_run')).matches).toEqual(hasJedi ? ['not_run_yet'] : []);
  }));
});
