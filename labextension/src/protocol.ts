// The `pyswitch.env` comm protocol (v1) as the frontend sees it: what it sends and what the kernel
// answers. The kernel's side is kernel/protocol/env-messages.ts; this package is built apart from it (for
// the browser), so it states the same shapes. Discovery may leave `version` and `compatible` unknown (null).
export const ENV_COMM_TARGET = 'pyswitch.env';

export type EnvKind = 'venv' | 'conda' | 'system';

export interface EnvInfo {
  kind: EnvKind;
  root: string;
  executable: string;
  version: string | null;
  base_prefix?: string;
  include_system_site_packages?: boolean;
}

export interface DiscoveredEnv extends EnvInfo {
  compatible: boolean | null;
}

export type SwitchStrategy = 'in-process' | 're-exec';

export interface SwitchError {
  code: string;
  message: string;
}

export type SwitchReply =
  | { reply: 'switch'; id: string; ok: true; env: EnvInfo; previous: EnvInfo; strategy: SwitchStrategy; elapsed_ms: number; lost?: { variables: boolean; comms: number } }
  | { reply: 'switch'; id: string; ok: false; env?: EnvInfo; error: SwitchError; restored?: boolean };

export interface CurrentReply {
  reply: 'current';
  id: string;
  env: EnvInfo;
}

export interface DiscoverReply {
  reply: 'discover';
  id: string;
  envs: DiscoveredEnv[];
}

export interface FailedReply {
  reply: string;
  id: string;
  ok: false;
  error: SwitchError;
}

export type EnvRequest =
  | { request: 'switch'; target: string }
  | { request: 'current' }
  | { request: 'discover'; roots: string[]; depth: number };

export type ReplyTo<R extends EnvRequest> = R extends { request: 'switch' } ? SwitchReply
  : R extends { request: 'current' } ? CurrentReply | FailedReply
  : DiscoverReply | FailedReply;

export interface EnvChanged {
  event: 'env_changed';
  env: EnvInfo;
}

// The name an environment is shown by: its folder's name, or "system" for the kernel's own Python.
export function envName(env: EnvInfo): string {
  if (env.kind === 'system') return 'system';
  const parts = env.root.split('/').filter((part) => part !== '');
  return parts[parts.length - 1] ?? env.root;
}

export function versionText(env: EnvInfo): string {
  return env.version === null ? 'version unknown' : `Python ${env.version}`;
}
