// The kernel's five sockets, bound as the connection file says. Shell, control and stdin are ROUTERs,
// iopub an XPUB (so we see subscriptions and can welcome subscribers), heartbeat a ROUTER that zmq echoes
// off Node's main loop (heartbeat.ts).
// Each listens on a socket the kernel makes (ZMQ_USE_FD; native/listeners.h): over tcp next to a standby
// on the same port, over ipc alone on its path, where a re-exec puts a standby in its place. A re-exec
// makes the standby the listener and hands it to the next image, so the ports (or paths) never come
// free, and connection attempts wait in its backlog meanwhile.
import * as fs from 'fs';
import { isIP } from 'net';
import * as zmq from 'zeromq';

import { CHANNELS, Channel, ConnectionInfo, endpoint, ipcPath } from './connection-file';
import { Heartbeat } from './heartbeat';
import { OptionSetter, ZMQ_USE_FD } from './zmq-options';
import { SerialSender } from './serial-sender';

export type RequestChannel = 'shell' | 'control' | 'stdin';
// A descriptor per channel (listening sockets a re-exec hands over).
export type Listeners = Record<Channel, number>;

// A connection zmq accepted and has not closed yet: `peerGone` once the peer has closed its side too,
// `unread` bytes still waiting in it for zmq to read.
export interface OpenConnection {
  inode: number;
  listener: number; // the index of the listener that accepted it, in the list connections() was given
  peerGone: boolean;
  unread: number;
}

// The socket operations zmq does not offer (native/listeners.h), provided by the layer above.
export interface ListenerOps {
  bindTcp(ip: string, port: number, listen: boolean): number;
  takeOver(fd: number): void;
  bindUnix(path: string): number;
  takeOverPath(path: string): number;
  adoptListener(fd: number, where: number | string): void;
  connections(listeners: number[], shutdownWrite: boolean): OpenConnection[];
}

// What a hand-off saw, for the kernel's log: the connections it drained, those zmq accepted while it
// drained (connection attempts that were under way when the standbys took over), those whose peer had
// closed while bytes were still unread in them (zmq reads them before it closes), and those still open
// at the deadline, which were cut with what they carried.
export interface HandOffReport {
  listeners?: Listeners;
  drained: number;
  acceptedDuringDrain: number;
  peerGoneUnread: Channel[]; // one entry per such connection
  readsWoken: number; // times a socket had frames its pending receive had not been woken for
  unclosed: number;
  drainMs: number; // until every connection was gone
  ms: number; // until the sockets were closed
}

const SMALL_FRAME_BYTES = 64 * 1024;

export interface SocketLimits {
  maxMessageBytes: number; // per frame (ZMQ_MAXMSGSIZE): a peer that sends a larger one is disconnected (docs/reliability-facts.md, fact 2)
}

// Something went wrong with one message or one peer, not with the socket: the kernel logs it and goes on.
export type SocketFault = (what: string, error: unknown) => void;

// The kernel's side of the five channels, as the server layer uses them: an interface, so the layers above
// can be tested against a fake beside the real sockets.
export interface KernelTransport {
  // Sends on a channel; sends on one channel go out in call order.
  send(channel: RequestChannel | 'iopub', frames: Buffer[]): Promise<void>;
  // Every multipart message that arrives on a request channel, until close(). The next one is read once
  // `onFrames` has settled: a consumer that is full holds the socket back (zmq's high-water mark applies).
  serve(channel: RequestChannel, onFrames: (frames: Buffer[]) => void | Promise<void>): Promise<void>;
  // Calls back for each iopub subscription (true) and unsubscription (false, also when a subscriber leaves).
  serveSubscriptions(onChange: (subscribed: boolean, topic: Buffer) => void): Promise<void>;
  // For `ms`, a reply to a frontend that is not connected yet waits for it instead of being dropped.
  openReconnectWindow(ms: number): void;
  // Drains every connection and closes, for a re-exec; returns the listening sockets to hand over (none
  // when zmq bound the sockets itself: a tcp host name) and what it saw.
  handOff(deadlineMs: number): Promise<HandOffReport>;
  close(): void;
}

const RECONNECT_RETRY_MS = 20;
const NOBODY = [Buffer.from('pyswitch: no such peer'), Buffer.alloc(0)];

// zeromq.js hands a received frame over 128 bytes as a Buffer over libzmq's own message, and libzmq's
// decoder puts the small messages of one read into one shared buffer (8 KiB and up), freed when the last
// of them is. V8 is told only of each frame's length, so a frame kept past a scavenge (a request's header
// is, while it is served) held a whole chunk until a full GC that a small heap seldom reaches: about
// 2 KiB per request, in malloc's arena of zmq's I/O thread (docs/performance.md, "Growth per request, Node's side").
// A small frame is copied into memory of its own at once, and zmq's Buffer dies young.
const COPIED_FRAME_BYTES = 64 * 1024;

function ownCopy(frame: Buffer): Buffer {
  if (frame.length >= COPIED_FRAME_BYTES) return frame; // a message that large has a buffer of its own
  const copy = Buffer.allocUnsafeSlow(frame.length); // not a slice of Node's shared pool either
  frame.copy(copy);
  return copy;
}

// Makes zeromq.js check a ROUTER's pending receive again (see handOff), with a send to no peer: dropped,
// or refused (EHOSTUNREACH) while the reconnect window is open, or busy (EBUSY).
function wake(router: zmq.Router): void {
  try {
    router.send(NOBODY).catch(() => undefined);
  } catch {
    // busy: a send in progress makes zeromq.js look again when it completes
  }
}
const HANDOFF_POLL_MS = 2;

export class KernelSockets implements KernelTransport {
  private readonly routers: Record<RequestChannel, zmq.Router>;
  private readonly iopub: zmq.XPublisher;
  private heartbeat: Heartbeat | undefined;
  private heartbeatClosed: Promise<void> | undefined;
  private readonly senders: Record<RequestChannel | 'iopub', SerialSender>;
  private closed = false;
  private reconnectUntil = 0;
  // zmq's listening sockets, and their standbys (over ipc, made at the hand-off).
  private listeners: { active: Listeners; standby?: Listeners } | undefined;
  private handingOff = false;
  private readonly loops: Promise<void>[] = [];

  private constructor(private readonly info: ConnectionInfo, limits: SocketLimits, private readonly onFault: SocketFault,
    private readonly ops?: ListenerOps) {
    const maxMessageSize = limits.maxMessageBytes;
    this.routers = {
      shell: new zmq.Router({ linger: 1000, maxMessageSize }),
      control: new zmq.Router({ linger: 1000, maxMessageSize }),
      stdin: new zmq.Router({ linger: 1000, maxMessageSize }),
    };
    // iopub receives only subscriptions: it needs no more than a small frame (nor does the heartbeat's
    // socket, heartbeat.ts).
    this.iopub = new zmq.XPublisher({ verbosity: 'allSubsUnsubs', linger: 1000, maxMessageSize: SMALL_FRAME_BYTES });
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
      if (this.closed) return; // a closed socket takes no options (ENOTSOCK, thrown in a timer)
      for (const router of Object.values(this.routers)) {
        router.mandatory = false;
        router.sendTimeout = -1;
      }
    }, ms).unref();
  }

  // A peer that is gone for good (it left after the reconnect window) loses its reply, as a ROUTER outside
  // the window drops it: that is the peer's loss, never an error of the kernel's.
  private async sendRouted(router: zmq.Router, frames: Buffer[]): Promise<void> {
    for (;;) {
      try {
        await router.send(frames);
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== 'EHOSTUNREACH' && code !== 'EAGAIN') throw error;
        if (Date.now() >= this.reconnectUntil) {
          this.onFault('a reply to a peer that has left was dropped', error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_RETRY_MS));
      }
    }
  }

  // `ops`: listen on descriptors of our own (tcp to a numeric address, as Jupyter writes it; else zmq
  // binds and resolves); `inherited`: the ones a previous image handed over.
  static async bind(info: ConnectionInfo, limits: SocketLimits, onFault: SocketFault, ops?: ListenerOps,
    inherited?: Listeners): Promise<KernelSockets> {
    const sockets = new KernelSockets(info, limits, onFault, ops);
    const tcp = info.transport === 'tcp';
    if (ops && (!tcp || isIP(info.ip) !== 0 || info.ip === '*')) {
      const active = {} as Listeners;
      const standby = {} as Listeners;
      for (const channel of CHANNELS) {
        const port = info[`${channel}_port`];
        if (inherited) ops.adoptListener(inherited[channel], tcp ? port : ipcPath(info, channel));
        active[channel] = inherited ? inherited[channel] : tcp ? ops.bindTcp(info.ip, port, true) : ops.bindUnix(ipcPath(info, channel));
        if (tcp) standby[channel] = ops.bindTcp(info.ip, port, false);
        if (channel !== 'hb') (sockets.socket(channel) as unknown as OptionSetter).setInt32Option(ZMQ_USE_FD, active[channel]);
      }
      sockets.listeners = { active, standby: tcp ? standby : undefined };
    }
    const bound = CHANNELS.filter((channel) => channel !== 'hb').map((channel) => sockets.socket(channel).bind(endpoint(info, channel)));
    const [heartbeat] = await Promise.all([
      Heartbeat.start(endpoint(info, 'hb'), SMALL_FRAME_BYTES, onFault, sockets.listeners?.active.hb), ...bound]);
    sockets.heartbeat = heartbeat;
    return sockets;
  }

  private socket(channel: Exclude<Channel, 'hb'>): zmq.Socket {
    return channel === 'iopub' ? this.iopub : this.routers[channel];
  }

  // Ends every frontend connection without losing a frame either way, for a re-exec. What was sent is
  // out first. The standbys start listening and take every new connection, which waits in their backlogs
  // for the next image (zmq's listeners accept no more; over ipc, each standby is renamed over its path).
  // Then each connection zmq accepted is half-closed: a frontend's zmq reads to the end, closes, and
  // reconnects (into a backlog); what it sent before closing is still read here and handed to the serve()
  // callbacks. Waits until zmq has closed every
  // connection, which it does once it has read it to the end (peers that never close: until
  // `deadlineMs`), then closes the sockets. A connection whose peer has closed is not gone yet: what the
  // peer sent before its FIN may still be unread (docs/reliability-facts.md, fact 7). Not zmq_unbind: it
  // would drop the accepted connections at once, with what they still carry.
  async handOff(deadlineMs: number): Promise<HandOffReport> {
    await Promise.all(Object.values(this.senders).map((sender) => sender.idle()));
    const { ops, listeners } = this;
    const started = Date.now();
    const until = started + deadlineMs;
    this.handingOff = true;
    const report: HandOffReport = { drained: 0, acceptedDuringDrain: 0, peerGoneUnread: [], readsWoken: 0, unclosed: 0, drainMs: 0, ms: 0 };
    if (ops && listeners) {
      const standby = listeners.standby ?? {} as Listeners;
      for (const channel of CHANNELS) {
        if (listeners.standby) ops.takeOver(standby[channel]);
        else standby[channel] = ops.takeOverPath(ipcPath(this.info, channel));
      }
      report.listeners = standby;
      const active = CHANNELS.map((channel) => listeners.active[channel]);
      const seen = new Set<number>();
      const peerGoneUnread = new Map<number, Channel>();
      for (let round = 0; ; round++) {
        const open = ops.connections(active, true);
        for (const connection of open) {
          if (!seen.has(connection.inode) && round > 0) report.acceptedDuringDrain += 1;
          seen.add(connection.inode);
          if (connection.peerGone && connection.unread > 0) peerGoneUnread.set(connection.inode, CHANNELS[connection.listener]);
        }
        report.unclosed = open.length;
        if (open.length === 0 || Date.now() >= until) break;
        await new Promise((resolve) => setTimeout(resolve, HANDOFF_POLL_MS));
      }
      report.drained = seen.size;
      report.peerGoneUnread = [...peerGoneUnread.values()];
    }
    report.drainMs = Date.now() - started;
    // The last frames read are still in zmq's queues until serve() has taken them. Asking zmq whether a
    // socket is readable (ZMQ_EVENTS) takes the wake-up that zeromq.js's pending receive waits for, which
    // then never resolves (docs/reliability-facts.md, fact 9). A send makes zeromq.js look again, and
    // one to no peer is dropped by the ROUTER. A frame received reaches serve()'s callback a turn later.
    for (;;) {
      const readable = Object.values(this.routers).filter((router) => router.readable);
      if (readable.length === 0 || Date.now() >= until) break;
      report.readsWoken += readable.length;
      for (const router of readable) wake(router);
      await new Promise(setImmediate);
    }
    this.close();
    await Promise.all([...this.loops, this.heartbeatClosed]);
    report.ms = Date.now() - started;
    return report;
  }

  send(channel: RequestChannel | 'iopub', frames: Buffer[]): Promise<void> {
    return this.senders[channel].send(frames);
  }

  serve(channel: RequestChannel, onFrames: (frames: Buffer[]) => void | Promise<void>): Promise<void> {
    const loop = (async () => {
      try {
        for await (const frames of this.routers[channel]) {
          try {
            await onFrames(frames.map(ownCopy));
          } catch (error) {
            this.onFault(`a message on ${channel} could not be handled`, error);
          }
        }
      } catch (error) {
        if (!this.closed) throw error;
      }
    })();
    this.loops.push(loop.catch(() => undefined));
    return loop;
  }

  async serveSubscriptions(onChange: (subscribed: boolean, topic: Buffer) => void): Promise<void> {
    try {
      for await (const [event] of this.iopub) {
        if (event.length > 0 && (event[0] === 0 || event[0] === 1)) {
          try {
            onChange(event[0] === 1, event.subarray(1));
          } catch (error) {
            this.onFault('an iopub subscription could not be handled', error);
          }
        }
      }
    } catch (error) {
      if (!this.closed) throw error;
    }
  }

  // Over ipc zmq leaves the socket files of descriptors it was given alone: they go with the kernel, unless
  // a re-exec has put its standbys there.
  close(): void {
    if (!this.closed && !this.handingOff && this.listeners && this.info.transport === 'ipc') {
      for (const channel of CHANNELS) fs.rmSync(ipcPath(this.info, channel), { force: true });
    }
    this.closed = true;
    for (const socket of [...Object.values(this.routers), this.iopub]) socket.close();
    this.heartbeatClosed ??= this.heartbeat?.close();
  }
}
