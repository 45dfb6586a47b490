/// <reference types="jest" />
// execute_request on a kernel that stays healthy throughout: what is published, in which order, and
// what the reply says.
import { executeContent } from '../../kernel/client/kernel-client';
import { useKernel } from '../helpers/kernel';
import { ofType, outputs, parentId, plainText, streamText } from '../helpers/messages';
import { Message } from '../../kernel/protocol/wire';

const kernel = useKernel();

// Adjacent stream messages of one stream read as one: kernels may split or batch output freely.
function summary(messages: Message[]): [string, unknown][] {
  const result: [string, unknown][] = [];
  for (const message of outputs(messages)) {
    const type = message.header.msg_type;
    const last = result[result.length - 1];
    if (type === 'stream' && last?.[0] === `stream:${String(message.content.name)}`) last[1] = `${String(last[1])}${String(message.content.text)}`;
    else if (type === 'stream') result.push([`stream:${String(message.content.name)}`, message.content.text]);
    else if (type === 'error') result.push([type, message.content.ename]);
    else result.push([type, plainText(message)]);
  }
  return result;
}

function firstDifference(a: string, b: string): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) if (a[i] !== b[i]) return i;
  return -1;
}

describe('execute_request', () => {
  it('publishes busy, execute_input, idle with the request as parent; the reply counts the cell', kernel.test(async (client) => {
    const { reply, iopub } = await client.execute('x = 1');
    const requestId = parentId(reply);
    expect(reply.header.msg_type).toBe('execute_reply');
    expect(reply.content).toMatchObject({ status: 'ok', execution_count: expect.any(Number), user_expressions: {} });
    expect(iopub.map((message) => message.header.msg_type)).toEqual(['status', 'execute_input', 'status']);
    expect(iopub[0].content.execution_state).toBe('busy');
    expect(iopub[2].content.execution_state).toBe('idle');
    expect(iopub[1].content).toEqual({ code: 'x = 1', execution_count: reply.content.execution_count });
    expect(iopub.map(parentId)).toEqual([requestId, requestId, requestId]);
  }));

  it('streams stdout and stderr', kernel.test(async (client) => {
    const { reply, iopub } = await client.execute("import sys\nprint('to stdout')\nprint('to stderr', file=sys.stderr)");
    expect(reply.content.status).toBe('ok');
    expect(streamText(iopub, 'stdout')).toBe('to stdout\n');
    expect(streamText(iopub, 'stderr')).toBe('to stderr\n');
  }));

  it('publishes the value of a trailing expression as execute_result', kernel.test(async (client) => {
    const { reply, iopub } = await client.execute('6*7');
    const results = ofType(iopub, 'execute_result');
    expect(results).toHaveLength(1);
    expect(results[0].content).toMatchObject({ data: { 'text/plain': '42' }, metadata: {}, execution_count: reply.content.execution_count });
  }));

  it('reports an exception as error (reply and iopub) with a traceback free of kernel internals', kernel.test(async (client) => {
    const { reply, iopub } = await client.execute("def inner():\n    raise ValueError('bad value')\ninner()");
    expect(reply.content).toMatchObject({ status: 'error', ename: 'ValueError', evalue: 'bad value' });
    const errors = ofType(iopub, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].content).toMatchObject({ ename: 'ValueError', evalue: 'bad value', traceback: reply.content.traceback });
    const traceback = reply.content.traceback as unknown[];
    expect(traceback.every((line) => typeof line === 'string')).toBe(true);
    const text = traceback.join('\n');
    expect(text).toContain('inner');
    expect(text).toContain('bad value');
    expect(text).not.toMatch(/kernel[\\/]lang|pyswitch[\\/]_|_pyswitch_host|run_cell/);
  }));

  it('loads C extension modules (libpython is global: json gets its C scanner)', kernel.test(async (client) => {
    const { reply, iopub } = await client.execute('import math, _ctypes, _json, json; json.decoder.c_scanstring is not None');
    expect(reply.content.status).toBe('ok');
    expect(plainText(ofType(iopub, 'execute_result')[0])).toBe('True');
  }));

  it('keeps the order of print / display / print / error', kernel.test(async (client) => {
    const code = [
      'try:',
      '    from pyswitch import display',
      'except ImportError:',
      '    from IPython.display import display',
      "print('one')",
      "display({'text/plain': 'two'}, raw=True)",
      "print('three')",
      "raise RuntimeError('four')",
    ].join('\n');
    const { iopub } = await client.execute(code);
    expect(summary(iopub)).toEqual([
      ['stream:stdout', 'one\n'],
      ['display_data', 'two'],
      ['stream:stdout', 'three\n'],
      ['error', 'RuntimeError'],
    ]);
  }));

  it('silent: no execute_input, no execute_result, execution_count unchanged', kernel.test(async (client) => {
    const before = await client.execute('1');
    const silent = await client.execute('6*7', { silent: true });
    expect(silent.reply.content.status).toBe('ok');
    expect(ofType(silent.iopub, 'execute_input')).toEqual([]);
    expect(ofType(silent.iopub, 'execute_result')).toEqual([]);
    const after = await client.execute('2');
    expect(after.reply.content.execution_count).toBe((before.reply.content.execution_count as number) + 1);
  }));

  it('evaluates user_expressions after the code, each on its own', kernel.test(async (client) => {
    const { reply } = await client.execute('base = 21', { userExpressions: { doubled: 'base * 2', broken: '1/0' } });
    expect(reply.content.status).toBe('ok');
    const expressions = reply.content.user_expressions as Record<string, Record<string, unknown>>;
    expect(expressions.doubled).toMatchObject({ status: 'ok', data: { 'text/plain': '42' }, metadata: {} });
    expect(expressions.broken).toMatchObject({ status: 'error', ename: 'ZeroDivisionError' });
  }));

  it('delivers 200,000 printed lines complete, in order, in far fewer messages', kernel.test(async (client) => {
    const lines = 200_000;
    const { reply, iopub } = await client.execute(`for i in range(${lines}):\n    print(i)`, { timeoutMs: 60_000 });
    expect(reply.content.status).toBe('ok');
    const text = streamText(iopub, 'stdout');
    const expected = `${Array.from({ length: lines }, (_, i) => i).join('\n')}\n`;
    expect(text.length).toBe(expected.length);
    expect(firstDifference(text, expected)).toBe(-1);
    expect(ofType(iopub, 'stream').length).toBeLessThan(lines / 100);
  }), 90_000);

  it('pipelined cells: each one\'s messages in order, none before the idle of the cell ahead of it', kernel.test(async (client) => {
    const seen: Message[] = [];
    const cells = [];
    for (let i = 0; i < 30; i += 1) {
      // Half of them wait a little, so the next one is queued behind a cell that is still running.
      const code = `import time\nprint('cell ${i}')\n${i % 2 ? 'time.sleep(0.002)\n' : ''}${i}`;
      cells.push(await client.send('shell', 'execute_request', executeContent(code), (message) => seen.push(message)));
    }
    const replies = await Promise.all(cells.map((cell) => cell.reply(20_000)));
    await Promise.all(cells.map((cell) => cell.untilIdle(20_000)));
    expect(replies.map((reply) => reply.content.status)).toEqual(cells.map(() => 'ok'));
    const counts = replies.map((reply) => Number(reply.content.execution_count));
    expect(counts).toEqual(counts.map((_, i) => counts[0] + i));
    const ids = replies.map(parentId);
    const byCell = (message: Message): number => ids.indexOf(parentId(message));
    // Cell by cell, never interleaved: busy, execute_input, its output, its result, idle.
    expect(seen.map(byCell)).toEqual(ids.flatMap((_, i) => [i, i, i, i, i]));
    ids.forEach((_, i) => {
      const own = seen.filter((message) => byCell(message) === i);
      expect(own.map((message) => `${message.header.msg_type}:${typeof message.content.execution_state === 'string' ? message.content.execution_state : ''}`))
        .toEqual(['status:busy', 'execute_input:', 'stream:', 'execute_result:', 'status:idle']);
      expect(streamText(own, 'stdout')).toBe(`cell ${i}\n`);
      expect(plainText(ofType(own, 'execute_result')[0])).toBe(String(i));
      expect(ofType(own, 'execute_input')[0].content.execution_count).toBe(counts[i]);
    });
  }), 60_000);
});
