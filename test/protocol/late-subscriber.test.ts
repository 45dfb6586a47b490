// A frontend whose iopub SUB connects after its first request still sees that request's output and its
// `idle`: the kernel holds iopub messages while nobody is subscribed (jupyter console only waits for a
// shell reply before its first execute, so this race is real under load).
import { withTimeout } from '../../kernel/client/waiting';
import { lateIopubOf, nextMessage, useBareKernel } from '../helpers/raw-sockets';

const WAIT_MS = 20_000;

describe('iopub with a late subscriber', () => {
  const bare = useBareKernel();

  test('output published before the SUB connected is delivered once it subscribes', async () => {
    const { session, sockets } = bare;
    const shell = bare.shell();
    const request = session.frames('execute_request', { code: "print('early bird')", silent: false });
    const requestId = (JSON.parse(request[2].toString()) as { msg_id: string }).msg_id;
    await shell.send(request);
    const reply = await withTimeout(nextMessage(shell, session), WAIT_MS, 'execute_reply');
    expect(reply.content.status).toBe('ok');

    const seen = await lateIopubOf(bare.kernel.connection, session, requestId, sockets, WAIT_MS);
    expect(seen.map((m) => m.header.msg_type === 'status' ? String(m.content.execution_state) : m.header.msg_type))
      .toEqual(['busy', 'execute_input', 'stream', 'idle']);
  });
});
