/// <reference types="jest" />
// A 10 M-character result reaches the frontend exactly as Python had it, in plain mode and in IPython
// mode: its text goes from the str to the wire in one copy, written as a JSON string by the native side
// (native/json_pytext.h), so every kind of character that JSON escapes or UTF-8 encodes is in it.
import { KernelFixture, useKernel } from '../helpers/kernel';
import { ofType, plainText } from '../helpers/messages';

// Quotes, backslashes, control characters (short and \u00XX escapes), DEL, 2-, 3- and 4-byte UTF-8, a
// lone surrogate (which UTF-8 cannot carry) and a newline inside. No other line break (\f, \r, ...):
// IPython's pretty printer splits a repr on those and joins the lines with "\n".
const CHUNK = 'ab"c\\d\te\bfg\x00h\x1fi\x7fj é€😀 \ud800k\nl';
const REPEATS = Math.ceil(10_000_000 / CHUNK.length);
const TEXT = CHUNK.repeat(REPEATS) + 'end';
// The same text built in Python, returned by a repr, so that the result's text/plain is the text itself.
const CELL = [
  `TEXT = ${JSON.stringify(CHUNK)} * ${REPEATS} + "end"`,
  'class Big:',
  '    def __repr__(self):',
  '        return TEXT',
  'Big()',
].join('\n');

// Python's len() counts code points; JavaScript's length counts UTF-16 units.
function codePoints(text: string): number {
  return Array.from(text).length;
}

function firstDifference(a: string, b: string): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) if (a[i] !== b[i]) return i;
  return -1;
}

function bigOutputSuite(mode: string, kernel: KernelFixture): void {
  describe(`a 10 M-character result, ${mode}`, () => {
    it('arrives character for character, and the kernel goes on', kernel.test(async (client) => {
      const { reply, iopub } = await client.execute(CELL, { timeoutMs: 60_000 });
      expect(reply.content.status).toBe('ok');
      const results = ofType(iopub, 'execute_result');
      expect(results).toHaveLength(1);
      const text = plainText(results[0]);
      if (typeof text !== 'string') throw new Error(`text/plain is a ${typeof text}`);
      expect({ length: text.length, firstDifference: firstDifference(text, TEXT) }).toEqual({ length: TEXT.length, firstDifference: -1 });
      const after = await client.execute('len(TEXT)');
      expect(plainText(ofType(after.iopub, 'execute_result')[0])).toBe(String(REPEATS * codePoints(CHUNK) + 3));
    }), 120_000);
  });
}

// ASCII text has a path of its own (a vectorized count of what to escape, then runs or one memcpy); a
// piece is written natively from 64 KiB on (kernel/lang/pyswitch/_wire.py), so 1 M characters will do.
function asciiSuite(mode: string, kernel: KernelFixture): void {
  for (const [what, chunk] of [['with escapes', 'ab"c\\d\te\x00h\x1fi\x7fj\nl'], ['with nothing to escape', 'xyz 0123~']]) {
    it(`ASCII text ${what}, ${mode}, arrives character for character`, kernel.test(async (client) => {
      const repeats = Math.ceil(1_000_000 / chunk.length);
      const { iopub } = await client.execute(
        `class Big:\n    def __repr__(self):\n        return ${JSON.stringify(chunk)} * ${repeats}\nBig()`, { timeoutMs: 60_000 });
      expect(plainText(ofType(iopub, 'execute_result')[0])).toBe(chunk.repeat(repeats));
    }), 60_000);
  }
}

const plain = useKernel({ PYSWITCH_IPYTHON: '0' });
const ipython = useKernel();
bigOutputSuite('plain mode', plain);
bigOutputSuite('IPython mode', ipython);
asciiSuite('plain mode', plain);
asciiSuite('IPython mode', ipython);
