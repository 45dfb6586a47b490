// One side of a Jupyter session: makes headers for the messages it sends, and encodes/decodes frames
// with the session's key.
import { randomUUID } from 'crypto';

import { Header, PROTOCOL_VERSION, ParentHeader } from './header';
import { ReplayGuard, Signer } from './signer';
import { DELIMITER, DecodeResult, Message, Outgoing, decode, encode } from './wire';

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
    return encode({ header: this.header(msgType), parent_header: parentHeader, content, ...extra }, this.signer);
  }

  // A received message signed again as it was (a re-exec carries unserved requests to the new image).
  resign(message: Message): Buffer[] {
    return encode(message, this.signer);
  }

  // The replay guard's memory, for the next image of the process: signed frames captured before a re-exec
  // are refused after it too. `carried`: frames (from resign()) the next image is handed to serve, whose
  // signatures it must still admit once.
  recentSignatures(carried: Buffer[][]): string[] {
    const handed = new Set(carried.map((frames) => frames[frames.findIndex((frame) => frame.equals(DELIMITER)) + 1].toString('latin1')));
    return this.replay.recent().filter((signature) => !handed.has(signature));
  }

  rememberSignatures(signatures: string[]): void {
    for (const signature of signatures) this.replay.admit(signature);
  }

  decode(frames: Buffer[]): DecodeResult {
    return decode(frames, this.signer, this.replay);
  }
}
