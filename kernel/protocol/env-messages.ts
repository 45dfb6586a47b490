// The `pyswitch.env` comm protocol, v1 (README, "The `pyswitch.env` comm"): requests a frontend sends
// as comm_open or comm_msg data, and the replies and events the kernel sends back as comm_msg data. The
// environment layer (kernel/envs) produces these types; they live here so that the protocol imports
// nothing above it.
import { Content, FieldError, ParseResult, parse, read } from './fields';

export const ENV_COMM_TARGET = 'pyswitch.env';

export type EnvKind = 'venv' | 'conda' | 'system';

// An environment as the protocol reports it (ENV).
export interface EnvInfo {
  kind: EnvKind;
  root: string; // the environment directory as named (symlinks kept); a base installation's sys.prefix
  executable: string; // the interpreter as named (symlinks kept): what sys.executable becomes
  version: string; // "3.11.7"
  base_prefix: string;
  include_system_site_packages: boolean;
}

// An environment `discover` found, described from its files alone, and whether a switch to it can be taken
// (its major.minor); what no file tells is null.
export type DiscoveredEnv = Omit<EnvInfo, 'version' | 'base_prefix'> & {
  version: string | null; // X.Y.Z, or X.Y when only names tell it
  base_prefix: string | null;
  compatible: boolean | null; // null when the version is unknown
};

// Why a switch target was refused.
export type SwitchErrorCode = 'not_found' | 'not_python' | 'version_mismatch' | 'broken_env' | 'init_failed' | 'busy' | 'timeout' | 'internal_error';

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
  | { reply: string; id: string | null; ok: false; error: { code: 'bad_request' | 'internal_error'; message: string } };

export interface EnvChanged {
  event: 'env_changed';
  env: EnvInfo;
}

export function parseEnvRequest(data: Content): ParseResult<EnvRequest> {
  return parse((): EnvRequest => {
    const id = read(data, 'id', 'string', null);
    const request = read(data, 'request', 'string');
    switch (request) {
      case 'switch': {
        const strategy = read(data, 'strategy', 'string', null);
        if (strategy !== null && strategy !== 'in-process' && strategy !== 're-exec') {
          throw new FieldError('"strategy" must be in-process or re-exec');
        }
        return { request, id, target: read(data, 'target', 'string'), strategy };
      }
      case 'current':
        return { request, id };
      case 'discover': {
        const roots: unknown[] = read(data, 'roots', 'array', ['.']);
        if (!roots.every((root) => typeof root === 'string')) throw new FieldError('"roots" must be a list of paths');
        const depth = read(data, 'depth', 'number', null);
        if (depth !== null && !(Number.isInteger(depth) && depth >= 0)) throw new FieldError('"depth" must be a non-negative integer');
        return { request, id, roots, depth };
      }
      default:
        throw new FieldError('"request" must be switch, current or discover');
    }
  });
}
