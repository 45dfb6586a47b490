/// <reference types="jest" />
// Top-level await in cells, as ipykernel supports it, in plain mode and in IPython mode: awaiting cells
// run on one event loop for the session, produce results, and can be interrupted.
import { executeContent } from '../../kernel/client/kernel-client';
import { Message } from '../../kernel/protocol/wire';
import { KernelFixture, useKernel } from '../helpers/kernel';
import { ofType, plainText, stdoutOf } from '../helpers/messages';

const isStream = (message: Message): boolean => message.header.msg_type === 'stream';

function awaitSuite(mode: string, kernel: KernelFixture): void {
  describe(`top-level await, ${mode}`, () => {
    it('an awaiting cell gives its result and keeps its variables', kernel.test(async (client) => {
      const { reply, iopub } = await client.execute(
        'import asyncio\nawait asyncio.sleep(0.01)\nanswer = await asyncio.sleep(0, result=42)\nanswer');
      expect(reply.content.status).toBe('ok');
      expect(plainText(ofType(iopub, 'execute_result')[0])).toBe('42');
      expect(await stdoutOf(client, 'print(answer + 1)')).toBe('43\n');
    }));

    it('the loop outlives a cell: a task started in one cell is awaited in the next', kernel.test(async (client) => {
      await stdoutOf(client, 'import asyncio\ntask = asyncio.ensure_future(asyncio.sleep(0.01, result="done"))');
      expect(await stdoutOf(client, 'print(await task)')).toBe('done\n');
    }));

    it('an interrupt stops an awaiting cell and the kernel goes on', kernel.test(async (client) => {
      const cell = await client.send('shell', 'execute_request',
        executeContent("import asyncio\nprint('waiting', flush=True)\nawait asyncio.sleep(100)"));
      await cell.iopubMatching(isStream, 10_000, "the cell's first output");
      await client.request('control', 'interrupt_request', {}, 2000);
      const reply = await cell.reply(5000);
      expect(reply.content.status).toBe('error');
      expect(['KeyboardInterrupt', 'CancelledError']).toContain(reply.content.ename);
      await cell.untilIdle(5000);
      cell.dispose();
      expect(await stdoutOf(client, 'print(await asyncio.sleep(0, result="alive"))')).toBe('alive\n');
    }), 30_000);
  });
}

awaitSuite('plain mode', useKernel({ PYSWITCH_IPYTHON: '0' }));
awaitSuite('IPython mode', useKernel());
