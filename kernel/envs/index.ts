// The environment layer of a switch: resolve a target, preflight it into the plan the native re-init
// follows, and discover environments on disk. The switch itself (finalize, re-init, comm) uses these.
export { EnvError } from './env-error';
export type { SwitchErrorCode } from './env-error';
export { checkVersionRule, majorMinorOf } from './env-info';
export type { EnvInfo, EnvKind } from './env-info';
export { resolveTarget } from './resolver';
export type { ResolveOptions, ResolvedTarget } from './resolver';
export { preflight } from './preflight';
export type { PreflightRules, SwitchPlan } from './preflight';
export type { EnvironChange } from './environ';
export { DEFAULT_DEPTH, MAX_DEPTH, discover } from './discover';
export type { DiscoverOptions, DiscoveredEnv } from './discover';
