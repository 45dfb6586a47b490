// Typed contents of the messages the kernel reads and writes. Request contents come from the network, so
// each has a parser that checks its fields and says what is wrong.
import { Content, FieldError, ParseResult, parse, read } from './fields';

export type { Content, ParseResult } from './fields';

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions: Record<string, string>;
  allow_stdin: boolean;
  stop_on_error: boolean;
}

export interface ErrorFields {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type ExecuteReply =
  | { status: 'ok'; execution_count: number; user_expressions: Content; payload: Content[] }
  | ({ status: 'error'; execution_count: number; user_expressions: Content } & ErrorFields)
  | { status: 'aborted' };

export interface LanguageInfo {
  name: 'python';
  version: string;
  mimetype: string;
  file_extension: string;
  pygments_lexer: string;
  codemirror_mode: { name: string; version: number };
  nbconvert_exporter: string;
}

export interface KernelInfoReply {
  status: 'ok';
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: LanguageInfo;
  banner: string;
  help_links: { text: string; url: string }[];
  debugger: boolean; // deprecated in 5.5 for supported_features, still what frontends read
  supported_features: string[];
}

// connect_request is deprecated in protocol 5.1 but still answered, as ipykernel does: the ports.
export interface ConnectReply {
  status: 'ok';
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
  control_port: number;
}

export interface IsCompleteRequest {
  code: string;
}

// Cursor offsets count Unicode code points (messaging spec); the kernel passes them to Python,
// whose strings index the same way, and never converts them to JavaScript's UTF-16 units.
// A null cursor_pos means the end of the code.
export interface CompleteRequest {
  code: string;
  cursor_pos: number | null;
}

export interface CompleteReply {
  status: 'ok';
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: { _jupyter_types_experimental?: { start: number; end: number; text: string; type: string; signature: string }[] };
}

export interface InspectRequest {
  code: string;
  cursor_pos: number | null;
  detail_level: number; // 0: signature and docstring; 1 and above: the source too
}

export interface InspectReply {
  status: 'ok';
  found: boolean;
  data: Record<string, string>;
  metadata: Content;
}

export interface CommInfoRequest {
  target_name: string | null; // null: comms of every target
}

export interface CommInfoReply {
  status: 'ok';
  comms: Record<string, { target_name: string }>;
}

// comm_open from the frontend; `data` is always an object (spec), {} when a frontend leaves it out.
export interface CommOpen {
  comm_id: string;
  target_name: string;
  data: Content;
}

// comm_msg and comm_close.
export interface CommMessage {
  comm_id: string;
  data: Content;
}

export interface ShutdownRequest {
  restart: boolean;
}

export interface InputReply {
  value: string;
}

export type HistoryRequest =
  | { hist_access_type: 'tail'; output: boolean; raw: boolean; n: number }
  | { hist_access_type: 'range'; output: boolean; raw: boolean; session: number; start: number; stop: number }
  | { hist_access_type: 'search'; output: boolean; raw: boolean; n: number | null; pattern: string; unique: boolean };

function readOffset(content: Content, name: string): number | null {
  const value = read(content, name, 'number', null);
  if (value !== null && !(Number.isInteger(value) && value >= 0)) throw new FieldError(`"${name}" must be a non-negative integer`);
  return value;
}

export function parseExecuteRequest(content: Content): ParseResult<ExecuteRequest> {
  return parse(() => {
    const silent = read(content, 'silent', 'boolean', false);
    const userExpressions = read(content, 'user_expressions', 'object', {});
    if (Object.values(userExpressions).some((e) => typeof e !== 'string')) {
      throw new FieldError('"user_expressions" must map names to strings');
    }
    return {
      code: read(content, 'code', 'string'),
      silent,
      // A silent request never enters the history (messaging spec).
      store_history: !silent && read(content, 'store_history', 'boolean', true),
      user_expressions: userExpressions as Record<string, string>,
      allow_stdin: read(content, 'allow_stdin', 'boolean', true),
      stop_on_error: read(content, 'stop_on_error', 'boolean', true),
    };
  });
}

export function parseIsCompleteRequest(content: Content): ParseResult<IsCompleteRequest> {
  return parse(() => ({ code: read(content, 'code', 'string') }));
}

export function parseCompleteRequest(content: Content): ParseResult<CompleteRequest> {
  return parse(() => ({ code: read(content, 'code', 'string'), cursor_pos: readOffset(content, 'cursor_pos') }));
}

export function parseInspectRequest(content: Content): ParseResult<InspectRequest> {
  return parse(() => ({
    code: read(content, 'code', 'string'),
    cursor_pos: readOffset(content, 'cursor_pos'),
    detail_level: readOffset(content, 'detail_level') ?? 0,
  }));
}

export function parseCommInfoRequest(content: Content): ParseResult<CommInfoRequest> {
  return parse(() => ({ target_name: read(content, 'target_name', 'string', null) }));
}

export function parseCommOpen(content: Content): ParseResult<CommOpen> {
  return parse(() => ({
    comm_id: read(content, 'comm_id', 'string'),
    target_name: read(content, 'target_name', 'string'),
    data: read(content, 'data', 'object', {}),
  }));
}

export function parseCommMessage(content: Content): ParseResult<CommMessage> {
  return parse(() => ({ comm_id: read(content, 'comm_id', 'string'), data: read(content, 'data', 'object', {}) }));
}

export function parseShutdownRequest(content: Content): ParseResult<ShutdownRequest> {
  return parse(() => ({ restart: read(content, 'restart', 'boolean', false) }));
}

export function parseInputReply(content: Content): ParseResult<InputReply> {
  return parse(() => ({ value: read(content, 'value', 'string') }));
}

export function parseHistoryRequest(content: Content): ParseResult<HistoryRequest> {
  return parse((): HistoryRequest => {
    const output = read(content, 'output', 'boolean', false);
    const raw = read(content, 'raw', 'boolean', true);
    const type = read(content, 'hist_access_type', 'string');
    switch (type) {
      case 'tail':
        return { hist_access_type: type, output, raw, n: read(content, 'n', 'number', 10) };
      case 'range':
        return {
          hist_access_type: type, output, raw,
          session: read(content, 'session', 'number', 0),
          start: read(content, 'start', 'number', 0),
          stop: read(content, 'stop', 'number', Number.MAX_SAFE_INTEGER),
        };
      case 'search':
        return {
          hist_access_type: type, output, raw,
          n: read(content, 'n', 'number', null),
          pattern: read(content, 'pattern', 'string', '*'),
          unique: read(content, 'unique', 'boolean', false),
        };
      default:
        throw new FieldError('"hist_access_type" must be tail, range or search');
    }
  });
}
