/// <reference types="jest" />
// The debugger's pieces that need no kernel: DAP framing, and the cell file names JupyterLab computes.
import { DapDecoder, dapArgumentsError, encodeDap, parseDapRequest } from '../../kernel/protocol/dap';
import { CellFiles, HASH_SEED, murmur2 } from '../../kernel/server/debug-cells';

describe('DAP framing', () => {
  it('cuts a stream into messages wherever its chunks end', () => {
    const first = encodeDap({ type: 'event', seq: 1, event: 'stopped', body: { threadId: 1, reason: 'breakpoint' } });
    const second = encodeDap({ type: 'response', seq: 2, request_seq: 7, command: 'evaluate', success: true, body: { result: 'é 漢' } });
    const stream = Buffer.concat([first, second]);
    for (let cut = 1; cut < stream.length; cut += 7) {
      const decoder = new DapDecoder();
      const messages = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(messages.map((m) => m.seq)).toEqual([1, 2]);
      expect(messages[1]).toMatchObject({ type: 'response', request_seq: 7, body: { result: 'é 漢' } });
    }
  });

  it('refuses frames it cannot resynchronise after', () => {
    expect(() => new DapDecoder().push(Buffer.from('X-Other: 1\r\n\r\n{}'))).toThrow(/Content-Length/);
    expect(() => new DapDecoder().push(Buffer.from('Content-Length: 2\r\n\r\n[]'))).toThrow(/not an object/);
    expect(() => new DapDecoder().push(Buffer.from('Content-Length: 999999999999\r\n\r\n'))).toThrow(/too large/);
  });

  it('parses a debug_request content and says which field is wrong', () => {
    expect(parseDapRequest({ type: 'request', seq: 3, command: 'debugInfo' })).toEqual({
      ok: true, value: { type: 'request', seq: 3, command: 'debugInfo', arguments: {} },
    });
    expect(parseDapRequest({ seq: 'x', command: 'next' })).toEqual({ ok: false, error: '"seq" must be a number, not string' });
    expect(parseDapRequest({ seq: 1 })).toEqual({ ok: false, error: '"command" is required' });
  });

  // The arguments that ended pydevd's reader thread when they reached it (docs/debugger.md), and what fits.
  it.each([
    ['setBreakpoints', { source: { path: '/tmp/a\0b.py' }, breakpoints: [{ line: 3 }] }, '"arguments.source.path" must be a path (a string without NUL)'],
    ['setBreakpoints', { source: { path: 42 } }, '"arguments.source.path" must be a path (a string without NUL)'],
    ['setBreakpoints', { source: { path: '/x.py' }, breakpoints: 'x' }, '"arguments.breakpoints" must be an array'],
    ['setBreakpoints', { source: { path: '/x.py' }, breakpoints: [{ line: 2 }, { line: '3' }] }, '"arguments.breakpoints[1].line" must be an integer'],
    ['scopes', { frameId: null }, '"arguments.frameId" must be an integer'],
    ['stackTrace', { threadId: 1, startFrame: -3, levels: 'x' }, '"arguments.startFrame" must be a non-negative integer'],
    ['variables', {}, '"arguments.variablesReference" is required'],
  ])('refuses %s with %j before it reaches the adapter', (command, args, error) => {
    expect(dapArgumentsError(command, args)).toBe(error);
  });

  it.each([
    ['setBreakpoints', { source: { path: '/x.py' }, breakpoints: [{ line: 2, condition: 'x > 1' }], sourceModified: false }],
    ['setBreakpoints', { source: { path: '/x.py' }, breakpoints: [] }],
    ['stackTrace', { threadId: 1 }],
    ['stackTrace', { threadId: 1, startFrame: 0, levels: 20, format: null }],
    ['evaluate', { expression: 'x', context: 'repl' }],
    ['continue', { threadId: 1 }],
    ['attach', { justMyCode: 'whatever' }], // not checked: the kernel adds its own fields
  ])('passes %s with %j as it is', (command, args) => {
    expect(dapArgumentsError(command, args)).toBeNull();
  });
});

describe('cell files', () => {
  // Values of ipykernel.compiler.murmur2_x86(code, 0xC70F6907), which JupyterLab's debugger matches.
  it.each([
    ['', 3990065800],
    ['a', 2167009006],
    ['abc', 3350977461],
    ['abcd', 804720481],
    ['print(1)\n', 3089598676],
    ['x = "é ü 漢字"\nprint(x)', 2754070325],
  ])('murmur2(%j) is %d', (code, hash) => {
    expect(murmur2(code, HASH_SEED)).toBe(hash);
  });

  it('names a cell prefix + hash + .py', () => {
    const cells = new CellFiles();
    expect(cells.pathOf('print(1)\n')).toBe(`${cells.prefix}3089598676.py`);
  });
});
