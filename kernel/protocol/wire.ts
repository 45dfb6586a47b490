// The Jupyter wire format: [identities..., "<IDS|MSG>", signature, header, parent_header, metadata,
// content, buffers...]. Decoding checks everything a peer could get wrong before anything acts on it.
import { Header, ParentHeader, isHeader } from './header';
import { MAX_JSON_DEPTH, exceedsDepth } from './json-depth';
import { ReplayGuard, Signer } from './signer';

export const DELIMITER = Buffer.from('<IDS|MSG>');

export interface Message<C = Record<string, unknown>> {
  identities: Buffer[];
  header: Header;
  parent_header: ParentHeader;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

// An outgoing message; `content` and `metadata` may already be JSON (the interpreter hands us its output
// that way).
export interface Outgoing {
  identities?: Buffer[];
  header: Header;
  parent_header: ParentHeader;
  metadata?: Buffer | Record<string, unknown>;
  content: Buffer | object;
  buffers?: Buffer[];
}

export type DecodeResult = { ok: true; message: Message } | { ok: false; reason: string };

const EMPTY_OBJECT = Buffer.from('{}');

// The header frame each decoded header was parsed from: a request's header is the parent header of
// every message it causes (five or more), and its own bytes say it as well as stringifying it again.
const headerFrames = new WeakMap<object, Buffer>();

function jsonFrame(value: Buffer | object): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
}

function headerFrame(header: object): Buffer {
  return headerFrames.get(header) ?? Buffer.from(JSON.stringify(header));
}

export function encode(message: Outgoing, signer: Signer): Buffer[] {
  const body = [
    headerFrame(message.header),
    headerFrame(message.parent_header),
    message.metadata ? jsonFrame(message.metadata) : EMPTY_OBJECT,
    jsonFrame(message.content),
  ];
  const signature = Buffer.from(signer.sign(body));
  return [...(message.identities ?? []), DELIMITER, signature, ...body, ...(message.buffers ?? [])];
}

function parseObject(frame: Buffer, what: string): Record<string, unknown> | string {
  if (exceedsDepth(frame)) return `${what} nests deeper than ${MAX_JSON_DEPTH} levels`;
  let value: unknown;
  try {
    value = JSON.parse(frame.toString('utf8'));
  } catch {
    return `${what} is not valid JSON`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${what} is not a JSON object`;
  return value as Record<string, unknown>;
}

export function decode(frames: Buffer[], signer: Signer, replay: ReplayGuard): DecodeResult {
  const at = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (at < 0) return { ok: false, reason: 'no <IDS|MSG> delimiter' };
  if (frames.length < at + 6) return { ok: false, reason: 'too few frames' };
  const [signature, ...rest] = frames.slice(at + 1);
  const body = rest.slice(0, 4);
  if (!signer.verify(signature, body)) return { ok: false, reason: 'bad signature' };
  if (!replay.admit(signature.toString('latin1'))) return { ok: false, reason: 'duplicate signature (replay)' };

  const [header, parent, metadata, content] = [
    parseObject(body[0], 'header'), parseObject(body[1], 'parent_header'),
    parseObject(body[2], 'metadata'), parseObject(body[3], 'content'),
  ];
  for (const part of [header, parent, metadata, content]) if (typeof part === 'string') return { ok: false, reason: part };
  if (!isHeader(header)) return { ok: false, reason: 'header lacks msg_id, session, username, msg_type or version' };
  headerFrames.set(header, body[0]);
  return {
    ok: true,
    message: {
      identities: frames.slice(0, at),
      header,
      parent_header: parent as ParentHeader,
      metadata: metadata as Record<string, unknown>,
      content: content as Record<string, unknown>,
      buffers: rest.slice(4),
    },
  };
}
