// A frontend whose iopub SUB connects after its first request still sees that request's output and its
// `idle`: the kernel holds iopub messages while nobody is subscribed (jupyter console only waits for a
// shell reply before its first execute, so this race is real under load).
import * as zmq from 'zeromq';

import { kernelCommand } from '../helpers/kernel';
import { KernelProcess, launchKernel } from '../../kernel/client/launcher';
import { withTimeout } from '../../kernel/client/waiting';
import { Session } from '../../kernel/protocol/session';
import { Message } from '../../kernel/protocol/wire';
import { endpoint } from '../../kernel/transport/connection-file';

const WAIT_MS = 20_000;

async function nextMessage(socket: zmq.Dealer | zmq.Subscriber, session: Session): Promise<Message> {
  for (;;) {
    const decoded = session.decode(await socket.receive());
    if (decoded.ok) return decoded.message;
  }
}

describe('iopub with a late subscriber', () => {
  let kernel: KernelProcess;
  const sockets: zmq.Socket[] = [];

  beforeAll(async () => {
    kernel = await launchKernel(kernelCommand(), { output: 'ignore' });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await kernel.kill();
    kernel.removeConnectionFile();
  });

  test('output published before the SUB connected is delivered once it subscribes', async () => {
    const session = new Session(kernel.connection.key, kernel.connection.signature_scheme);
    const shell = new zmq.Dealer({ linger: 0 });
    sockets.push(shell);
    shell.connect(endpoint(kernel.connection, 'shell'));
    const request = session.frames('execute_request', { code: "print('early bird')", silent: false });
    const requestId = (JSON.parse(request[2].toString()) as { msg_id: string }).msg_id;
    await shell.send(request);
    const reply = await withTimeout(nextMessage(shell, session), WAIT_MS, 'execute_reply');
    expect(reply.content.status).toBe('ok');

    const iopub = new zmq.Subscriber({ linger: 0 });
    sockets.push(iopub);
    iopub.connect(endpoint(kernel.connection, 'iopub'));
    iopub.subscribe('');
    const seen: string[] = [];
    await withTimeout((async () => {
      for (;;) {
        const message = await nextMessage(iopub, session);
        if ((message.parent_header as { msg_id?: string }).msg_id !== requestId) continue;
        const { content } = message;
        seen.push(message.header.msg_type === 'status' ? String(content.execution_state) : message.header.msg_type);
        if (content.execution_state === 'idle') return;
      }
    })(), WAIT_MS, 'the held idle');
    expect(seen).toEqual(['busy', 'execute_input', 'stream', 'idle']);
  });
});
