// Everything the kernel says on iopub: status, side effects of requests, the welcome to new subscribers.
import { ParentHeader } from '../protocol/header';
import { Session } from '../protocol/session';
import { Message } from '../protocol/wire';
import { KernelSockets } from '../transport/kernel-sockets';

export type ExecutionState = 'starting' | 'busy' | 'idle';
type Parent = Message<unknown> | ParentHeader;

export class Publisher {
  constructor(private readonly sockets: KernelSockets, private readonly session: Session) {}

  publish(msgType: string, content: Buffer | object, parent: Parent = {}): Promise<void> {
    return this.sockets.send('iopub', this.session.frames(msgType, content, parent));
  }

  status(state: ExecutionState, parent: Parent = {}): Promise<void> {
    return this.publish('status', { execution_state: state }, parent);
  }

  // iopub_welcome tells a new subscriber that its subscription is live (messaging spec, XPUB iopub).
  welcome(topic: Buffer): Promise<void> {
    return this.publish('iopub_welcome', { subscription: topic.toString('utf8') });
  }
}
