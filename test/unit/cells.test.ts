/// <reference types="jest" />
// Splitting console input into cells, against a scripted is_complete (the kernel's verdicts are tested
// with the kernel; here: what the console does with them).
import { CellAssembler, Completeness } from '../../kernel/cli/console/cells';

type Verdicts = Record<string, Completeness['status'] | [Completeness['status'], string]>;

async function feed(lines: string[], verdicts: Verdicts): Promise<{ steps: unknown[]; rest: string | undefined; asked: string[] }> {
  const asked: string[] = [];
  const assembler = new CellAssembler((code) => {
    asked.push(code);
    const verdict = verdicts[code];
    if (verdict === undefined) return Promise.reject(new Error(`unexpected is_complete for ${JSON.stringify(code)}`));
    return Promise.resolve(Array.isArray(verdict) ? { status: verdict[0], indent: verdict[1] } : { status: verdict, indent: '' });
  });
  const steps = [];
  for (const line of lines) steps.push(await assembler.add(line));
  return { steps, rest: assembler.finish(), asked };
}

describe('CellAssembler', () => {
  it('runs a complete line at once', async () => {
    expect(await feed(['x = 1'], { 'x = 1': 'complete' })).toEqual({
      steps: [{ kind: 'run', code: 'x = 1' }], rest: undefined, asked: ['x = 1'],
    });
  });

  it('continues an indented block with the kernel\'s indent; a blank line ends it', async () => {
    const { steps, rest } = await feed(['for i in r:', '    f(i)', ''], {
      'for i in r:': ['incomplete', '    '],
      'for i in r:\n    f(i)': ['incomplete', '    '],
      'for i in r:\n    f(i)\n': 'complete',
    });
    expect(steps).toEqual([
      { kind: 'more', indent: '    ' },
      { kind: 'more', indent: '    ' },
      { kind: 'run', code: 'for i in r:\n    f(i)' },
    ]);
    expect(rest).toBeUndefined();
  });

  it('keeps an open bracket going past a blank line when the kernel says incomplete', async () => {
    const { steps } = await feed(['x = [', '', '1]'], {
      'x = [': 'incomplete',
      'x = [\n': 'incomplete',
      'x = [\n\n1]': 'complete',
    });
    expect(steps[2]).toEqual({ kind: 'run', code: 'x = [\n\n1]' });
  });

  it('runs invalid code at once, so the error shows', async () => {
    expect((await feed(['1 +* 2'], { '1 +* 2': 'invalid' })).steps).toEqual([{ kind: 'run', code: '1 +* 2' }]);
  });

  it('takes a blank line as the end when the kernel cannot tell (unknown)', async () => {
    const { steps } = await feed(['%%magic', ''], { '%%magic': 'unknown', '%%magic\n': 'unknown' });
    expect(steps).toEqual([{ kind: 'more', indent: '' }, { kind: 'run', code: '%%magic' }]);
  });

  it('ignores blank lines between cells without asking the kernel', async () => {
    expect(await feed(['', '   '], {})).toEqual({ steps: [{ kind: 'nothing' }, { kind: 'nothing' }], rest: undefined, asked: [] });
  });

  it('hands over what is pending at the end of input', async () => {
    expect((await feed(['if x:', '    y()'], { 'if x:': 'incomplete', 'if x:\n    y()': 'incomplete' })).rest).toBe('if x:\n    y()');
  });
});
