// The kernel's client end of a debug adapter's loopback socket: requests get their own sequence numbers
// and are matched to their responses; events go to one listener. Runs on Node's loop, so it keeps
// answering while the Python thread is stopped at a breakpoint.
import * as net from 'net';

import { Content } from '../protocol/fields';
import { DapDecoder, DapEvent, DapMessage, DapResponse, encodeDap } from '../protocol/dap';

export interface DapHandlers {
  onEvent(event: DapEvent): void;
  // Once, when the connection ends; `ours`: by close(), not by the adapter or the network.
  onClose(reason: Error, ours: boolean): void;
}

interface Waiter {
  resolve: (response: DapResponse) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class DapConnection {
  private nextSeq = 1;
  private readonly waiting = new Map<number, Waiter>();
  private closedBecause: Error | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly handlers: DapHandlers,
    private readonly timeoutMs: number,
  ) {
    const decoder = new DapDecoder();
    socket.on('data', (chunk: Buffer) => {
      let messages: DapMessage[];
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        this.end(error instanceof Error ? error : new Error(String(error)), false);
        return;
      }
      for (const message of messages) this.dispatch(message);
    });
    socket.on('error', (error) => this.end(error, false));
    socket.on('close', () => this.end(new Error('the debug adapter closed its connection'), false));
  }

  static connect(port: number, handlers: DapHandlers, timeoutMs: number): Promise<DapConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.setNoDelay(true);
      const failed = (error: Error) => reject(new Error(`cannot connect to the debug adapter on 127.0.0.1:${port}: ${error.message}`));
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.off('error', failed);
        resolve(new DapConnection(socket, handlers, timeoutMs));
      });
    });
  }

  // Sends a request and resolves with its response (a failed one too); rejects when the connection ends
  // or the adapter does not answer in time.
  request(command: string, args: Content = {}): Promise<DapResponse> {
    if (this.closedBecause) return Promise.reject(this.closedBecause);
    const seq = this.nextSeq++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(new Error(`the debug adapter did not answer ${command} within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.waiting.set(seq, { resolve, reject, timer });
      this.socket.write(encodeDap({ type: 'request', seq, command, arguments: args }));
    });
  }

  // Sends a request whose response nobody waits for (pydevd answers some only once a thread resumes).
  send(command: string, args: Content = {}): void {
    if (this.closedBecause) return;
    this.socket.write(encodeDap({ type: 'request', seq: this.nextSeq++, command, arguments: args }));
  }

  close(): void {
    this.end(new Error('the debug session ended'), true);
  }

  private end(reason: Error, ours: boolean): void {
    if (this.closedBecause) return;
    this.closedBecause = reason;
    this.socket.destroy();
    for (const waiter of this.waiting.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(reason);
    }
    this.waiting.clear();
    this.handlers.onClose(reason, ours);
  }

  private dispatch(message: DapMessage): void {
    if (message.type === 'event') {
      this.handlers.onEvent(message);
    } else if (message.type === 'response') {
      const waiter = this.waiting.get(message.request_seq);
      if (!waiter) return; // answered after its timeout: nobody waits for it any more
      this.waiting.delete(message.request_seq);
      clearTimeout(waiter.timer);
      waiter.resolve(message);
    }
    // Reverse requests (runInTerminal...) are not used by an attached, in-process adapter.
  }
}
