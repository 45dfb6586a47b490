// The heartbeat channel: a ROUTER whose every ping goes out through a DEALER connected to itself and so
// comes straight back to its sender, moved between the two by zmq_proxy on a thread of libuv's pool
// (zeromq.js's Proxy), never by JavaScript: a frontend sees the kernel alive while Node's main loop is
// held up (a long synchronous step, a burst of output), as ipykernel's zmq.device thread does. Not a
// worker thread: its V8 isolate and Node environment cost ~10 MiB of RSS, this ~0.2 MiB; and not one
// socket at both ends of the proxy (ipykernel's way), which crashes zeromq.js: docs/runtime-facts.md,
// facts 10 and 11. Checked in test/unit/heartbeat.test.ts.
import * as zmq from 'zeromq';

import { OptionSetter, ZMQ_USE_FD } from './zmq-options';

// The echo stopped after it was bound: the kernel logs it and goes on.
export type HeartbeatFault = (what: string, error: unknown) => void;

let loopsMade = 0; // each heartbeat's DEALER loop has an inproc address of its own

export class Heartbeat {
  private running = true;
  private readonly stopped: Promise<void>;

  private constructor(private readonly proxy: zmq.Proxy<zmq.Router, zmq.Dealer>, onFault: HeartbeatFault) {
    // An exiting process must stop the proxy first: its thread would keep zmq's context from ending
    // and the process from exiting.
    const stopOnExit = (): void => this.stop();
    process.once('exit', stopOnExit);
    this.stopped = proxy.run().then(
      () => undefined,
      (error: unknown) => {
        if (this.running) onFault('the heartbeat stopped', error);
      },
    ).finally(() => {
      this.running = false;
      process.removeListener('exit', stopOnExit);
    });
  }

  // Resolves once the socket is bound at `endpoint`; rejects with the reason when it cannot be. `listenFd`:
  // a listening socket of the kernel's for zmq to use (ZMQ_USE_FD, kernel-sockets.ts). A ping larger than
  // `maxMessageBytes` disconnects its peer (ZMQ_MAXMSGSIZE).
  static async start(endpoint: string, maxMessageBytes: number, onFault: HeartbeatFault, listenFd?: number): Promise<Heartbeat> {
    const router = new zmq.Router({ linger: 0, maxMessageSize: maxMessageBytes });
    const loop = new zmq.Dealer({ linger: 0 });
    try {
      if (listenFd !== undefined) (router as unknown as OptionSetter).setInt32Option(ZMQ_USE_FD, listenFd);
      await router.bind(endpoint);
      const address = `inproc://pyswitch-heartbeat-${process.pid}-${++loopsMade}`;
      await loop.bind(address);
      loop.connect(address);
    } catch (error) {
      router.close();
      loop.close();
      throw new Error(`cannot bind the heartbeat at ${endpoint}: ${String(error)}`, { cause: error });
    }
    return new Heartbeat(new zmq.Proxy(router, loop), onFault);
  }

  // Stops the echo; resolves once the proxy has closed both sockets.
  close(): Promise<void> {
    this.stop();
    return this.stopped;
  }

  private stop(): void {
    if (!this.running) return;
    this.running = false;
    this.proxy.terminate();
  }
}
