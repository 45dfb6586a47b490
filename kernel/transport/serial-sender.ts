// zeromq.js v6 refuses a send while another is pending on the same socket: every send on a socket goes
// through one of these, which chains them in call order.
export interface FrameSink {
  send(frames: Buffer[]): Promise<void>;
}

export class SerialSender {
  private tail: Promise<void> = Promise.resolve();
  private unsettled = 0; // sends handed out whose promise has not settled yet

  constructor(private readonly sink: FrameSink) {}

  send(frames: Buffer[]): Promise<void> {
    // With nothing in flight the socket is free: the frames go to zmq now rather than a turn later.
    const sent = this.unsettled === 0 ? this.sendNow(frames) : this.tail.then(() => this.sink.send(frames));
    this.unsettled += 1;
    const settled = (): void => {
      this.unsettled -= 1;
    };
    this.tail = sent.then(settled, settled); // one failed send must not wedge the ones behind it
    return sent;
  }

  // Settles once every send asked for so far has been handed to zmq.
  idle(): Promise<void> {
    return this.tail;
  }

  // zeromq.js throws some errors (a closed socket) at once instead of rejecting.
  private sendNow(frames: Buffer[]): Promise<void> {
    try {
      return this.sink.send(frames);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
