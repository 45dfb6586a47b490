// zeromq.js v6 refuses a send while another is pending on the same socket: every send on a socket goes
// through one of these, which chains them in call order.
export interface FrameSink {
  send(frames: Buffer[]): Promise<void>;
}

export class SerialSender {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly sink: FrameSink) {}

  send(frames: Buffer[]): Promise<void> {
    const sent = this.tail.then(() => this.sink.send(frames));
    this.tail = sent.catch(() => undefined); // one failed send must not wedge the ones behind it
    return sent;
  }
}
