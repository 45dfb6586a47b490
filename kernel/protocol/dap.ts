// Debug Adapter Protocol messages, as debug_request / debug_reply / debug_event carry them (messaging spec
// 5.5, "Debug request"), and the base protocol's framing (a Content-Length header, then the JSON body) in
// which the adapter speaks them over its socket.
import { Content, parse, read, ParseResult } from './fields';

export interface DapRequest {
  type: 'request';
  seq: number;
  command: string;
  arguments: Content;
}

export interface DapResponse {
  type: 'response';
  seq: number;
  request_seq: number;
  command: string;
  success: boolean;
  message?: string;
  body: Content;
}

export interface DapEvent {
  type: 'event';
  seq: number;
  event: string;
  body: Content;
}

export type DapMessage = DapRequest | DapResponse | DapEvent;

// A debug_request's content; `arguments` is always an object ({} when the frontend leaves it out).
export function parseDapRequest(content: Content): ParseResult<DapRequest> {
  return parse(() => ({
    type: 'request' as const,
    seq: read(content, 'seq', 'number'),
    command: read(content, 'command', 'string'),
    arguments: read(content, 'arguments', 'object', {}),
  }));
}

// A response to `request`: the frontend matches it by request_seq and command.
export function respond(request: Pick<DapRequest, 'seq' | 'command'>, body: Content = {}): DapResponse {
  return { type: 'response', seq: 0, request_seq: request.seq, command: request.command, success: true, body };
}

export function refuse(request: Pick<DapRequest, 'seq' | 'command'>, message: string): DapResponse {
  return { type: 'response', seq: 0, request_seq: request.seq, command: request.command, success: false, message, body: {} };
}

const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_BODY_BYTES = 256 * 1024 * 1024; // a bound on what a broken peer can make us buffer

export function encodeDap(message: DapMessage): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

// Cuts a byte stream into DAP messages. A malformed frame is an error: the stream cannot be resynchronised.
export class DapDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): DapMessage[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const messages: DapMessage[] = [];
    for (;;) {
      const headerEnd = this.buffered.indexOf(HEADER_END);
      if (headerEnd < 0) return messages;
      const length = contentLength(this.buffered.subarray(0, headerEnd).toString('ascii'));
      const start = headerEnd + HEADER_END.length;
      if (this.buffered.length < start + length) return messages;
      const body = this.buffered.subarray(start, start + length).toString('utf8');
      this.buffered = this.buffered.subarray(start + length);
      messages.push(checkMessage(JSON.parse(body) as unknown));
    }
  }
}

function contentLength(header: string): number {
  for (const line of header.split('\r\n')) {
    const match = /^content-length:\s*(\d+)\s*$/i.exec(line);
    if (match) {
      const length = Number(match[1]);
      if (length > MAX_BODY_BYTES) throw new Error(`DAP message of ${length} bytes is too large`);
      return length;
    }
  }
  throw new Error(`DAP header without Content-Length: ${JSON.stringify(header.slice(0, 200))}`);
}

function checkMessage(value: unknown): DapMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('DAP message is not an object');
  const message = value as Content;
  const type = message.type;
  if (type !== 'request' && type !== 'response' && type !== 'event') throw new Error(`DAP message of type ${JSON.stringify(type)}`);
  if (type === 'response' && typeof message.request_seq !== 'number') throw new Error('DAP response without request_seq');
  if (type === 'event' && typeof message.event !== 'string') throw new Error('DAP event without a name');
  if (typeof message.body !== 'object' || message.body === null) message.body = {};
  return message as unknown as DapMessage;
}
