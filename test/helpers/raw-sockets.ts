/// <reference types="jest" />
// A frontend of bare zmq sockets, for what a full client hides: requests sent by hand before anyone
// subscribes to iopub, and an iopub SUB that connects late.
import * as zmq from 'zeromq';

import { KernelProcess, launchKernel } from '../../kernel/client/launcher';
import { withTimeout } from '../../kernel/client/waiting';
import { Session } from '../../kernel/protocol/session';
import { Message } from '../../kernel/protocol/wire';
import { ConnectionInfo, endpoint } from '../../kernel/transport/connection-file';
import { kernelCommand } from './kernel';

export interface BareKernel {
  kernel: KernelProcess;
  session: Session;
  sockets: zmq.Socket[]; // closed after the file's tests
  shell(): zmq.Dealer; // a new DEALER on shell, in `sockets`
}

// One kernel per test file that nobody has connected to yet: launched in beforeAll, killed in afterAll
// with every socket the tests opened. Read its fields inside tests only.
export function useBareKernel(): BareKernel {
  const bare = { sockets: [] as zmq.Socket[] } as unknown as BareKernel;
  beforeAll(async () => {
    bare.kernel = await launchKernel(kernelCommand(), { output: 'ignore' });
    bare.session = new Session(bare.kernel.connection.key, bare.kernel.connection.signature_scheme);
    bare.shell = () => {
      const shell = new zmq.Dealer({ linger: 0 });
      bare.sockets.push(shell);
      shell.connect(endpoint(bare.kernel.connection, 'shell'));
      return shell;
    };
  });
  afterAll(async () => {
    for (const socket of bare.sockets) socket.close();
    await bare.kernel.kill();
    bare.kernel.removeConnectionFile();
  });
  return bare;
}

// The next message that decodes (frames that do not are skipped).
export async function nextMessage(socket: zmq.Dealer | zmq.Subscriber, session: Session): Promise<Message> {
  for (;;) {
    const decoded = session.decode(await socket.receive());
    if (decoded.ok) return decoded.message;
  }
}

// Subscribes to iopub now and returns the messages whose parent is `requestId`, up to its idle. The
// socket goes into `sockets` for the caller to close.
export async function lateIopubOf(connection: ConnectionInfo, session: Session, requestId: string,
  sockets: zmq.Socket[], timeoutMs: number): Promise<Message[]> {
  const iopub = new zmq.Subscriber({ linger: 0 });
  sockets.push(iopub);
  iopub.connect(endpoint(connection, 'iopub'));
  iopub.subscribe('');
  const seen: Message[] = [];
  await withTimeout((async () => {
    for (;;) {
      const message = await nextMessage(iopub, session);
      if ((message.parent_header as { msg_id?: string }).msg_id !== requestId) continue;
      seen.push(message);
      if (message.content.execution_state === 'idle') return;
    }
  })(), timeoutMs, 'the held idle');
  return seen;
}
