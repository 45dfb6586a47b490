// Hand-made wire frames, for feeding the kernel (and our decoder) messages a correct peer never sends.
import { randomUUID } from 'crypto';

import { Header, PROTOCOL_VERSION } from '../../kernel/protocol/header';
import { Signer } from '../../kernel/protocol/signer';
import { DELIMITER } from '../../kernel/protocol/wire';

export function header(msgType: string): Header {
  return {
    msg_id: randomUUID(),
    session: randomUUID(),
    username: 'test',
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

// The four signed frames as given (objects become JSON; strings are taken as they are, valid or not).
export interface Parts {
  header: object | string;
  parent?: object | string;
  metadata?: object | string;
  content?: object | string;
}

function body(parts: Parts): Buffer[] {
  return [parts.header, parts.parent ?? {}, parts.metadata ?? {}, parts.content ?? {}].map((part) =>
    Buffer.from(typeof part === 'string' ? part : JSON.stringify(part)));
}

// [<IDS|MSG>, signature, header, parent, metadata, content], signed by `signer` whatever the parts hold.
export function signedFrames(signer: Signer, parts: Parts): Buffer[] {
  const frames = body(parts);
  return [DELIMITER, Buffer.from(signer.sign(frames)), ...frames];
}
