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

// The argument types of the requests the kernel passes to the adapter (the DAP specification's). pydevd
// reads them unchecked on its one reader thread, and a wrong type there (a path that is a number or holds
// a NUL, `levels: "x"`, `frameId: null`) ends that thread: every later request, and a stopped cell, would
// wait for an answer that never comes (docs/debugger.md, fact 20). So a request that does not fit is
// refused before it goes.
type Scalar = 'int' | 'count' | 'string' | 'path' | 'boolean' | 'object';
type Kind = Scalar | Shape | readonly [Kind];
class Optional {
  constructor(readonly kind: Kind) {}
}
interface Shape {
  readonly [field: string]: Kind | Optional;
}
const opt = (kind: Kind): Optional => new Optional(kind);

const SOURCE: Shape = { path: opt('path'), name: opt('string'), sourceReference: opt('int') };
const THREAD: Shape = { threadId: 'int' };
const FORMAT = opt('object');
const ARGUMENTS: Readonly<Record<string, Shape>> = {
  setBreakpoints: {
    source: SOURCE, lines: opt(['int']), sourceModified: opt('boolean'),
    breakpoints: opt([{ line: 'int', column: opt('int'), condition: opt('string'), hitCondition: opt('string'), logMessage: opt('string') }]),
  },
  setExceptionBreakpoints: { filters: ['string'], filterOptions: opt([{ filterId: 'string', condition: opt('string') }]), exceptionOptions: opt(['object']) },
  setFunctionBreakpoints: { breakpoints: [{ name: 'string', condition: opt('string'), hitCondition: opt('string') }] },
  stackTrace: { threadId: 'int', startFrame: opt('count'), levels: opt('count'), format: FORMAT },
  scopes: { frameId: 'int' },
  variables: { variablesReference: 'int', filter: opt('string'), start: opt('count'), count: opt('count'), format: FORMAT },
  setVariable: { variablesReference: 'int', name: 'string', value: 'string', format: FORMAT },
  evaluate: { expression: 'string', frameId: opt('int'), context: opt('string'), format: FORMAT },
  setExpression: { expression: 'string', value: 'string', frameId: opt('int'), format: FORMAT },
  continue: { ...THREAD, singleThread: opt('boolean') },
  next: { ...THREAD, singleThread: opt('boolean'), granularity: opt('string') },
  stepIn: { ...THREAD, singleThread: opt('boolean'), targetId: opt('int'), granularity: opt('string') },
  stepOut: { ...THREAD, singleThread: opt('boolean'), granularity: opt('string') },
  pause: THREAD,
  exceptionInfo: THREAD,
  completions: { text: 'string', column: 'int', line: opt('int'), frameId: opt('int') },
  gotoTargets: { source: SOURCE, line: 'int', column: opt('int') },
  goto: { threadId: 'int', targetId: 'int' },
  stepInTargets: { frameId: 'int' },
};

// What is wrong with a request's arguments, or null when they fit (or the command is not one checked).
export function dapArgumentsError(command: string, args: Content): string | null {
  const shape = Object.prototype.hasOwnProperty.call(ARGUMENTS, command) ? ARGUMENTS[command] : undefined;
  return shape ? mismatch(args, shape, 'arguments') : null;
}

function mismatch(value: unknown, kind: Kind, where: string): string | null {
  if (Array.isArray(kind)) {
    if (!Array.isArray(value)) return `"${where}" must be an array`;
    for (let i = 0; i < value.length; i += 1) {
      const wrong = mismatch(value[i], (kind as readonly [Kind])[0], `${where}[${i}]`);
      if (wrong) return wrong;
    }
    return null;
  }
  if (typeof kind === 'object') {
    if (!isObject(value)) return `"${where}" must be an object`;
    for (const [field, spec] of Object.entries(kind as Shape)) {
      const optional = spec instanceof Optional;
      const fieldValue = value[field];
      if (fieldValue === undefined || (optional && fieldValue === null)) {
        if (!optional) return `"${where}.${field}" is required`;
        continue;
      }
      const wrong = mismatch(fieldValue, optional ? spec.kind : spec, `${where}.${field}`);
      if (wrong) return wrong;
    }
    return null;
  }
  return scalarFits(value, kind) ? null : `"${where}" must be ${SCALAR_NAMES[kind]}`;
}

const SCALAR_NAMES: Record<Scalar, string> = {
  int: 'an integer', count: 'a non-negative integer', string: 'a string', path: 'a path (a string without NUL)',
  boolean: 'a boolean', object: 'an object',
};

function scalarFits(value: unknown, kind: Scalar): boolean {
  switch (kind) {
    case 'int':
      return Number.isSafeInteger(value);
    case 'count':
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case 'string':
      return typeof value === 'string';
    case 'path':
      return typeof value === 'string' && !value.includes('\0');
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isObject(value);
  }
}

function isObject(value: unknown): value is Content {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
