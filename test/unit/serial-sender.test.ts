/// <reference types="jest" />
// SerialSender: sends on one socket never overlap and go out in call order; a free socket gets its
// frames at once; a send that fails, even by throwing, costs only itself.
import { FrameSink, SerialSender } from '../../kernel/transport/serial-sender';

// A socket whose sends stay pending until the test settles them; it fails any overlap as zeromq.js does.
class ManualSink implements FrameSink {
  readonly sent: string[] = [];
  private pending: { resolve: () => void; reject: (error: Error) => void } | undefined;
  throwNext = false;

  send(frames: Buffer[]): Promise<void> {
    if (this.throwNext) {
      this.throwNext = false;
      throw new Error('socket closed');
    }
    if (this.pending) throw new Error('EBUSY: a send overlapped another');
    this.sent.push(frames[0].toString());
    return new Promise((resolve, reject) => { this.pending = { resolve, reject }; });
  }

  settle(error?: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    if (error) pending?.reject(error);
    else pending?.resolve();
  }
}

const frame = (text: string): Buffer[] => [Buffer.from(text)];
const turn = (): Promise<void> => new Promise(setImmediate);

describe('SerialSender', () => {
  it('hands frames to a free socket before send() returns', () => {
    const sink = new ManualSink();
    void new SerialSender(sink).send(frame('a'));
    expect(sink.sent).toEqual(['a']);
  });

  it('queues sends behind a pending one, in call order, never overlapping', async () => {
    const sink = new ManualSink();
    const sender = new SerialSender(sink);
    const sends = ['a', 'b', 'c'].map((text) => sender.send(frame(text)));
    expect(sink.sent).toEqual(['a']);
    for (let i = 0; i < 3; i += 1) {
      await turn();
      sink.settle();
    }
    await Promise.all(sends);
    await sender.idle();
    expect(sink.sent).toEqual(['a', 'b', 'c']);
  });

  it('a send that rejects or throws fails alone, and the next one still goes out', async () => {
    const sink = new ManualSink();
    const sender = new SerialSender(sink);
    const first = sender.send(frame('a'));
    const second = sender.send(frame('b'));
    sink.settle(new Error('EHOSTUNREACH'));
    await expect(first).rejects.toThrow('EHOSTUNREACH');
    await turn();
    sink.settle();
    await second;
    sink.throwNext = true;
    await expect(sender.send(frame('c'))).rejects.toThrow('socket closed');
    const fourth = sender.send(frame('d'));
    sink.settle();
    await fourth;
    expect(sink.sent).toEqual(['a', 'b', 'd']);
  });
});
