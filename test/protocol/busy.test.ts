/// <reference types="jest" />
// A kernel busy running a cell: heartbeat and control still answer at once, and interrupt_request stops
// the cell (CPU loop or blocking C call) without losing the user's variables.
import { performance } from 'perf_hooks';

import { executeContent } from '../../kernel/client/kernel-client';
import { isStatus } from '../../kernel/client/pending-request';
import { Message } from '../../kernel/protocol/wire';
import { useKernel } from '../helpers/kernel';
import { ofType, plainText } from '../helpers/messages';

const kernel = useKernel();
const isStream = (message: Message): boolean => message.header.msg_type === 'stream';

describe('while a cell runs', () => {
  it('the heartbeat echoes and control answers kernel_info, each within 1 s', kernel.test(async (client) => {
    const cell = await client.send('shell', 'execute_request', executeContent("import time\nprint('sleeping', flush=True)\ntime.sleep(5)"));
    await cell.iopubMatching(isStream, 10_000, 'the cell printing "sleeping"');

    expect(await client.heartbeat(1000)).toBeLessThan(1000);
    const start = performance.now();
    const info = await client.request('control', 'kernel_info_request', {}, 1000);
    expect(info.content.status).toBe('ok');
    expect(performance.now() - start).toBeLessThan(1000);
    expect(cell.iopub.some((message) => isStatus(message, 'idle'))).toBe(false); // it was really still running

    expect((await cell.reply(15_000)).content.status).toBe('ok');
    cell.dispose();
  }), 30_000);

  it.each([
    ['a CPU loop', "print('looping', flush=True)\nwhile True:\n    pass"],
    ['a blocking time.sleep(100)', "import time\nprint('sleeping', flush=True)\ntime.sleep(100)"],
  ])('interrupt_request stops %s: KeyboardInterrupt, variables kept', (_, code) => kernel.test(async (client) => {
    await client.execute('survivor = 41');
    const cell = await client.send('shell', 'execute_request', executeContent(code));
    await cell.iopubMatching(isStream, 10_000, 'the cell\'s first output');

    const interrupt = await client.request('control', 'interrupt_request', {}, 2000);
    expect(interrupt.header.msg_type).toBe('interrupt_reply');
    expect(interrupt.content.status).toBe('ok');
    const reply = await cell.reply(5000);
    expect(reply.content).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
    await cell.untilIdle(5000);
    cell.dispose();

    const after = await client.execute('survivor + 1');
    expect(plainText(ofType(after.iopub, 'execute_result')[0])).toBe('42');
  })(), 30_000);
});
