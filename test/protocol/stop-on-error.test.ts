/// <reference types="jest" />
// stop_on_error: requests queued behind a failing cell are aborted, not run.
import { executeContent } from '../../kernel/client/kernel-client';
import { useKernel } from '../helpers/kernel';
import { plainText, ofType } from '../helpers/messages';

const kernel = useKernel();

describe('stop_on_error', () => {
  it('true: the executes pipelined behind a failing one are answered "aborted" and do not run', kernel.test(async (client) => {
    const cells = [];
    for (const code of ["raise ValueError('stop here')", 'second = 2', 'third = 3']) {
      cells.push(await client.send('shell', 'execute_request', executeContent(code, { stopOnError: true })));
    }
    const replies = await Promise.all(cells.map((cell) => cell.reply(10_000)));
    expect(replies.map((reply) => reply.content.status)).toEqual(['error', 'aborted', 'aborted']);
    expect(replies[0].content.ename).toBe('ValueError');
    const check = await client.execute("('second' in globals(), 'third' in globals())");
    expect(check.reply.content.status).toBe('ok');
    expect(plainText(ofType(check.iopub, 'execute_result')[0])).toBe('(False, False)');
  }));

  it('false: the next execute runs although the one before failed', kernel.test(async (client) => {
    const failing = await client.send('shell', 'execute_request', executeContent("raise ValueError('go on')", { stopOnError: false }));
    const next = await client.send('shell', 'execute_request', executeContent('after = 1'));
    expect((await failing.reply(10_000)).content.status).toBe('error');
    expect((await next.reply(10_000)).content.status).toBe('ok');
  }));
});
