// The kernel's five sockets, bound as the connection file says. Shell, control and stdin are ROUTERs,
// iopub an XPUB (so we see subscriptions and can welcome subscribers), heartbeat a REP that echoes.
import * as zmq from 'zeromq';

import { Channel, ConnectionInfo, endpoint } from './connection-file';
import { SerialSender } from './serial-sender';

export type RequestChannel = 'shell' | 'control' | 'stdin';

const RECONNECT_RETRY_MS = 20;

export class KernelSockets {
  private readonly routers: Record<RequestChannel, zmq.Router>;
  private readonly iopub = new zmq.XPublisher({ verbosity: 'allSubsUnsubs', linger: 1000 });
  private readonly heartbeat = new zmq.Reply({ linger: 0 });
  private readonly senders: Record<RequestChannel | 'iopub', SerialSender>;
  private closed = false;
  private reconnectUntil = 0;

  private constructor() {
    this.routers = {
      shell: new zmq.Router({ linger: 1000 }),
      control: new zmq.Router({ linger: 1000 }),
      stdin: new zmq.Router({ linger: 1000 }),
    };
    const routed = (router: zmq.Router) => ({ send: (frames: Buffer[]) => this.sendRouted(router, frames) });
    this.senders = {
      shell: new SerialSender(routed(this.routers.shell)),
      control: new SerialSender(routed(this.routers.control)),
      stdin: new SerialSender(routed(this.routers.stdin)),
      iopub: new SerialSender(this.iopub),
    };
  }

  // After a re-exec the frontends' sockets reconnect within ~100 ms, but a ROUTER drops what is sent to a
  // peer it does not know yet. For `ms`, sends to unknown peers wait for them instead (ROUTER_MANDATORY,
  // retried), so the replies to requests carried over from the previous image reach their frontends.
  openReconnectWindow(ms: number): void {
    this.reconnectUntil = Date.now() + ms;
    for (const router of Object.values(this.routers)) {
      router.mandatory = true;
      router.sendTimeout = ms;
    }
    setTimeout(() => {
      this.reconnectUntil = 0;
      for (const router of Object.values(this.routers)) {
        router.mandatory = false;
        router.sendTimeout = -1;
      }
    }, ms).unref();
  }

  private async sendRouted(router: zmq.Router, frames: Buffer[]): Promise<void> {
    for (;;) {
      try {
        await router.send(frames);
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (Date.now() >= this.reconnectUntil || (code !== 'EHOSTUNREACH' && code !== 'EAGAIN')) throw error;
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_RETRY_MS));
      }
    }
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
