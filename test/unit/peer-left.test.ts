/// <reference types="jest" />
// A reply to a peer the ROUTER does not know (it left, and has not come back within the reconnect window):
// it is retried while the window lasts, then dropped, and the send settles instead of rethrowing
// EHOSTUNREACH (which used to end the kernel with an unhandled rejection).
import { newConnectionInfo } from '../../kernel/client/new-connection';
import { KernelSockets } from '../../kernel/transport/kernel-sockets';

test('a reply routed to a peer that is gone is dropped once the reconnect window is over', async () => {
  const info = { ...(await newConnectionInfo()), ip: '127.0.0.1' };
  const faults: string[] = [];
  const sockets = await KernelSockets.bind(info, { maxMessageBytes: 1024 * 1024 }, (what) => faults.push(what));
  try {
    // A window that is over as the reply goes out: the ROUTER is still mandatory, so zmq says EHOSTUNREACH
    // (what a reply sent during a window and retried past its end meets).
    sockets.openReconnectWindow(0);
    await expect(sockets.send('control', [Buffer.from('a-peer-that-left'), Buffer.from('reply')])).resolves.toBeUndefined();
    expect(faults).toEqual(['a reply to a peer that has left was dropped']);
  } finally {
    sockets.close();
  }
});
