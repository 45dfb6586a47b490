// The kernel's five sockets, bound as the connection file says. Shell, control and stdin are ROUTERs,
// iopub an XPUB (so we see subscriptions and can welcome subscribers), heartbeat a REP that echoes.
import * as zmq from 'zeromq';

import { Channel, ConnectionInfo, endpoint } from './connection-file';
import { SerialSender } from './serial-sender';

export type RequestChannel = 'shell' | 'control' | 'stdin';

export class KernelSockets {
  private readonly routers: Record<RequestChannel, zmq.Router>;
  private readonly iopub = new zmq.XPublisher({ verbosity: 'allSubsUnsubs', linger: 1000 });
  private readonly heartbeat = new zmq.Reply({ linger: 0 });
  private readonly senders: Record<RequestChannel | 'iopub', SerialSender>;
  private closed = false;
  private shellPeers = 0;
  private readonly shellPeerWaiters: (() => void)[] = [];

  private constructor() {
    this.routers = {
      shell: new zmq.Router({ linger: 1000 }),
      control: new zmq.Router({ linger: 1000 }),
      stdin: new zmq.Router({ linger: 1000 }),
    };
    this.senders = {
      shell: new SerialSender(this.routers.shell),
      control: new SerialSender(this.routers.control),
      stdin: new SerialSender(this.routers.stdin),
      iopub: new SerialSender(this.iopub),
    };
    this.routers.shell.events.on('handshake', () => {
      this.shellPeers += 1;
      for (const wake of this.shellPeerWaiters.splice(0)) wake();
    });
  }

  // Resolves true once a frontend's shell socket has completed its handshake, false after timeoutMs. A
  // ROUTER drops replies to peers it does not know: requests carried over a re-exec must wait for this.
  shellPeer(timeoutMs: number): Promise<boolean> {
    if (this.shellPeers > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.shellPeerWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  static async bind(info: ConnectionInfo): Promise<KernelSockets> {
    const sockets = new KernelSockets();
    const bindings: [Channel, zmq.Socket][] = [
      ['shell', sockets.routers.shell], ['control', sockets.routers.control], ['stdin', sockets.routers.stdin],
      ['iopub', sockets.iopub], ['hb', sockets.heartbeat],
    ];
    await Promise.all(bindings.map(([channel, socket]) => socket.bind(endpoint(info, channel))));
    void sockets.echoHeartbeats();
    return sockets;
  }

  send(channel: RequestChannel | 'iopub', frames: Buffer[]): Promise<void> {
    return this.senders[channel].send(frames);
  }

  // Every multipart message that arrives on a request channel, until close().
  async serve(channel: RequestChannel, onFrames: (frames: Buffer[]) => void): Promise<void> {
    try {
      for await (const frames of this.routers[channel]) onFrames(frames);
    } catch (error) {
      if (!this.closed) throw error;
    }
  }

  // Calls back for each iopub subscription (true) and unsubscription (false, also when a subscriber leaves).
  async serveSubscriptions(onChange: (subscribed: boolean, topic: Buffer) => void): Promise<void> {
    try {
      for await (const [event] of this.iopub) {
        if (event.length > 0 && (event[0] === 0 || event[0] === 1)) onChange(event[0] === 1, event.subarray(1));
      }
    } catch (error) {
      if (!this.closed) throw error;
    }
  }

  close(): void {
    this.closed = true;
    for (const socket of [...Object.values(this.routers), this.iopub, this.heartbeat]) socket.close();
  }

  private async echoHeartbeats(): Promise<void> {
    try {
      for await (const frames of this.heartbeat) await this.heartbeat.send(frames);
    } catch (error) {
      if (!this.closed) throw error;
    }
  }
}
