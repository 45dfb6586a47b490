/// <reference types="jest" />
// kernel_info_request on shell and control: who the kernel is and what language it runs.
import { pythonVersion, useKernel } from '../helpers/kernel';
import { parentId } from '../helpers/messages';

const kernel = useKernel();

describe('kernel_info_request', () => {
  it('is answered on shell with the implementation and language_info of the interpreter', kernel.test(async (client) => {
    const request = await client.send('shell', 'kernel_info_request', {});
    const reply = await request.reply(5000);
    expect(reply.header.msg_type).toBe('kernel_info_reply');
    expect(parentId(reply)).toBe(request.msgId);
    expect(reply.content).toMatchObject({
      status: 'ok',
      protocol_version: expect.stringMatching(/^5\.\d+$/),
      implementation: 'pyswitch',
      implementation_version: expect.any(String),
      banner: expect.any(String),
      language_info: {
        name: 'python',
        version: pythonVersion(),
        mimetype: 'text/x-python',
        file_extension: '.py',
        pygments_lexer: 'ipython3',
        codemirror_mode: { name: 'ipython', version: 3 },
        nbconvert_exporter: 'python',
      },
    });
  }));

  it('is wrapped in busy ... idle on iopub, with the request as parent', kernel.test(async (client) => {
    const request = await client.send('shell', 'kernel_info_request', {});
    const iopub = await request.untilIdle(5000);
    request.dispose();
    expect(iopub.map((message) => [message.header.msg_type, message.content.execution_state])).toEqual([
      ['status', 'busy'],
      ['status', 'idle'],
    ]);
    expect(iopub.map(parentId)).toEqual([request.msgId, request.msgId]);
  }));

  it('is answered on control too', kernel.test(async (client) => {
    const reply = await client.request('control', 'kernel_info_request', {}, 5000);
    expect(reply.header.msg_type).toBe('kernel_info_reply');
    expect(reply.content).toMatchObject({ status: 'ok', implementation: 'pyswitch' });
  }));

  it('echoes on the heartbeat', kernel.test(async (client) => {
    expect(await client.heartbeat(1000)).toBeLessThan(1000);
  }));
});
