// One side of a Jupyter session: makes headers for the messages it sends, and encodes/decodes frames
// with the session's key.
import { randomUUID } from 'crypto';

import { Header, PROTOCOL_VERSION, ParentHeader } from './header';
import { ReplayGuard, Signer } from './signer';
import { DecodeResult, Message, Outgoing, decode, encode } from './wire';

export class Session {
  readonly id = randomUUID();
  private readonly replay = new ReplayGuard();
  private readonly signer: Signer;

  constructor(key: string, scheme = 'hmac-sha256', private readonly username = 'pyswitch') {
    this.signer = new Signer(scheme, key);
  }

  header(msgType: string): Header {
    return {
      msg_id: randomUUID(),
      session: this.id,
      username: this.username,
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    };
  }

  // Frames for a new message of `msgType`; replies and side effects name their request as parent.
  frames(
    msgType: string,
    content: Buffer | object,
    parent?: Message<unknown> | ParentHeader,
    extra: Pick<Outgoing, 'identities' | 'metadata' | 'buffers'> = {},
  ): Buffer[] {
    const parentHeader = parent && 'header' in parent ? parent.header : (parent ?? {});
    return encode({ header: this.header(msgType), parent_header: parentHeader as ParentHeader, content, ...extra }, this.signer);
  }

  // A received message signed again as it was (a re-exec carries unserved requests to the new image,
  // whose replay guard has not seen them).
  resign(message: Message): Buffer[] {
    return encode(message, this.signer);
  }

  decode(frames: Buffer[]): DecodeResult {
    return decode(frames, this.signer, this.replay);
  }
}
