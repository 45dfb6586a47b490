/// <reference types="jest" />
// comm_info_request: the open comms, all or of one target_name.
import { useKernel } from '../helpers/kernel';

const kernel = useKernel();

describe('comm_info_request', () => {
  it('lists no comms while none is open, with or without target_name', kernel.test(async (client) => {
    for (const content of [{}, { target_name: 'jupyter.widget' }, { target_name: null }]) {
      const reply = await client.request('shell', 'comm_info_request', content);
      expect(reply.header.msg_type).toBe('comm_info_reply');
      expect(reply.content).toEqual({ status: 'ok', comms: {} });
    }
  }));

  it('rejects a target_name that is no string', kernel.test(async (client) => {
    const reply = await client.request('shell', 'comm_info_request', { target_name: 7 });
    expect(reply.content).toMatchObject({ status: 'error', ename: 'BadRequest', evalue: expect.stringContaining('target_name') });
  }));
});
