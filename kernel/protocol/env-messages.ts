// The `pyswitch.env` comm protocol, v1 (DESIGN.md): requests a frontend sends as comm_open or comm_msg
// data, and the replies and events the kernel sends back as comm_msg data.
import type { DiscoveredEnv, EnvInfo, SwitchErrorCode } from '../envs';
import { Content, FieldError, ParseResult, parse, read } from './fields';

export const ENV_COMM_TARGET = 'pyswitch.env';

export type EnvRequest =
  | { request: 'switch'; id: string | null; target: string; strategy: 'in-process' | 're-exec' | null }
  | { request: 'current'; id: string | null }
  | { request: 'discover'; id: string | null; roots: string[]; depth: number | null };

export type EnvErrorCode = SwitchErrorCode | 'bad_request';

// What a successful switch drops: the user's variables, and the interpreter's own comms (widgets).
export interface Lost {
  variables: true;
  comms: number;
}

export type EnvReply =
  | { reply: 'switch'; id: string | null; ok: true; env: EnvInfo; previous: EnvInfo; strategy: 'in-process' | 're-exec'; elapsed_ms: number; lost: Lost }
  | { reply: 'switch'; id: string | null; ok: false; env: EnvInfo; error: { code: EnvErrorCode; message: string }; restored: boolean }
  | { reply: 'current'; id: string | null; env: EnvInfo }
  | { reply: 'discover'; id: string | null; envs: DiscoveredEnv[] }
  | { reply: string; id: string | null; ok: false; error: { code: 'bad_request'; message: string } };

export interface EnvChanged {
  event: 'env_changed';
  env: EnvInfo;
}

export function parseEnvRequest(data: Content): ParseResult<EnvRequest> {
  return parse((): EnvRequest => {
    const id = read(data, 'id', 'string', null);
    const request = read(data, 'request', 'string');
    switch (request) {
      case 'switch':
        const strategy = read(data, 'strategy', 'string', null);
        if (strategy !== null && strategy !== 'in-process' && strategy !== 're-exec') {
          throw new FieldError('"strategy" must be in-process or re-exec');
        }
        return { request, id, target: read(data, 'target', 'string'), strategy };
      case 'current':
        return { request, id };
      case 'discover': {
        const roots: unknown[] = read(data, 'roots', 'array', ['.']);
        if (!roots.every((root) => typeof root === 'string')) throw new FieldError('"roots" must be a list of paths');
        const depth = read(data, 'depth', 'number', null);
        if (depth !== null && !(Number.isInteger(depth) && depth >= 0)) throw new FieldError('"depth" must be a non-negative integer');
        return { request, id, roots: roots as string[], depth };
      }
      default:
        throw new FieldError('"request" must be switch, current or discover');
    }
  });
}
