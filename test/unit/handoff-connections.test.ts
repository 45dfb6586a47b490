/// <reference types="jest" />
// What the re-exec hand-off sees of the connections zmq accepted (native/listeners.h, connections()), on
// real sockets of this process. A connection half-closed by the kernel, then sent to and closed by its
// peer, still counts while what the peer sent is unread: the old count skipped it once getpeername()
// failed, so the drain could end and close it unread, which lost a cell across a re-exec about once in
// 700 switches (docs/reliability-facts.md, fact 7). Over tcp and over unix-domain sockets (ipc).
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { ProcessAddon, processAddon } from '../../kernel/interpreter/process-addon';
import { defaultPython, pythonInfo } from '../../kernel/interpreter/python-info';

const SENT = Buffer.alloc(100, 'x');
const WAIT_MS = 5000;
let addon: ProcessAddon;
let dir: string;
beforeAll(async () => {
  addon = processAddon((await pythonInfo(defaultPython())).majorMinor);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-conn-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const fdOf = (handle: net.Server): number => (handle as unknown as { _handle: { fd: number } })._handle.fd;

// Until `done` holds, checked on every turn of the event loop (the OS changes the socket's state on its own).
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not reached in ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

// A server whose accepted connection is never read (as zmq's, before its I/O thread gets to it).
async function connected(transport: 'tcp' | 'unix', file: string) {
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  await new Promise<void>((resolve) => (transport === 'tcp' ? server.listen(0, '127.0.0.1', resolve) : server.listen(file, resolve)));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect(transport === 'tcp'
    ? { port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true }
    : { path: file, allowHalfOpen: true });
  return { server, socket: await accepted, client, listener: fdOf(server) };
}

for (const transport of ['tcp', 'unix'] as const) {
  test(`${transport}: a connection stays counted while its closed peer's last bytes are unread`, async () => {
    const { server, socket, client, listener } = await connected(transport, path.join(dir, `${transport}.sock`));
    try {
      const ended = new Promise((resolve) => client.once('end', resolve));
      expect(addon.connections([listener], true)).toEqual([expect.objectContaining({ listener: 0, peerGone: false, unread: 0 })]);
      await ended; // our half-close reached the peer, which sends a frame and closes, as zmq does
      client.end(SENT);
      const seen = () => addon.connections([listener], false)[0];
      await until(() => seen()?.unread === SENT.length && (transport === 'unix' || (seen()?.peerGone ?? false)));
      expect(addon.connections([listener], false)).toHaveLength(1);
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.destroy();
      await closed;
      expect(addon.connections([listener], false)).toEqual([]);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
}
