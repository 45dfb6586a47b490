/// <reference types="jest" />
// A str's text/plain is its repr (native/str_repr.h scans a plain ASCII str once instead of per
// character): the kernel's repr against the builtin over strs that each take one of its ways, in the
// embedded interpreter, and long results in both modes end to end.
import { KernelFixture, useKernel } from '../helpers/kernel';
import { ofType, plainText, streamText } from '../helpers/messages';

// Each character repr treats apart, alone, at both ends, on both sides of the scan's 4096-byte blocks,
// and in pairs; a str subclass with its own __repr__, and objects that are not str.
const COMPARE = String.raw`
import _pyswitch_host
specials = ['\\', '\t', '\n', '\r', '\x00', '\x1f', '\x7f', '\x80', '\xe9', '\u20ac', '\U0001f600', '\ud800',
            "'", '"', ' ', '~', 'a']
corpus = ['', "'", '"', "'\"", 'x' * 100000, "x'" * 3000, 'x"' * 3000, "'" * 9000 + '"']
for c in specials:
    for before, after in (('', ''), ('x' * 5000, ''), ('', 'y' * 5000), ('x' * 4095, 'y'), ('x' * 4096, 'y'),
                          ('x' * 4097, 'y' * 9000)):
        corpus.append(before + c + after)
    for d in specials:
        corpus.append('x' * 4000 + c + 'y' * 200 + d + 'z' * 5000)

class Shown(str):
    def __repr__(self):
        return 'shown'

others = [Shown('abc'), 1, 2.5, None, b"b'", [1, 'a'], {'k': "'"}]
wrong = [s for s in corpus + others if _pyswitch_host.repr(s) != repr(s)]
print(len(corpus), 'compared;', 'wrong:', [repr(s)[:40] for s in wrong[:3]])
`;

function reprSuite(mode: string, kernel: KernelFixture): void {
  describe(`a str's repr, ${mode}`, () => {
    it('the kernel\'s repr is the builtin\'s, for every kind of str and for other objects', kernel.test(async (client) => {
      const { reply, iopub } = await client.execute(COMPARE, { timeoutMs: 60_000 });
      expect(reply.content.status).toBe('ok');
      expect(streamText(iopub, 'stdout')).toMatch(/^\d+ compared; wrong: \[\]\n$/);
    }), 60_000);

    // One quote: repr quotes with the other; both: it quotes with ' and escapes the ones inside.
    for (const [what, chunk, expected] of [
      ['plain text', 'abc ~', (text: string) => `'${text}'`],
      ['with single quotes', "it's", (text: string) => `"${text}"`],
      ['with both quotes', 'say "it\'s"', (text: string) => `'${text.replace(/'/g, "\\'")}'`],
    ] as const) {
      it(`a 2 M-character str ${what} shows as its repr`, kernel.test(async (client) => {
        const repeats = Math.ceil(2_000_000 / chunk.length);
        const { iopub } = await client.execute(`${JSON.stringify(chunk)} * ${repeats}`, { timeoutMs: 60_000 });
        const text = plainText(ofType(iopub, 'execute_result')[0]);
        expect(text === expected(chunk.repeat(repeats))).toBe(true);
      }), 60_000);
    }
  });
}

reprSuite('plain mode', useKernel({ PYSWITCH_IPYTHON: '0' }));
reprSuite('IPython mode', useKernel());
