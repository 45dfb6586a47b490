// An environment as the comm protocol reports it (the ENV object of DESIGN.md), and the version rule.
import { EnvError } from './env-error';

export type EnvKind = 'venv' | 'conda' | 'system';

export interface EnvInfo {
  kind: EnvKind;
  root: string; // the environment directory as named (symlinks kept); a base installation's sys.prefix
  executable: string; // the interpreter as named (symlinks kept): what sys.executable becomes
  version: string; // "3.11.7"
  base_prefix: string;
  include_system_site_packages: boolean;
}

// "3.11.7", "3.11.7.final.0" (virtualenv's version_info), "3.13.0rc1" → "3.11.7" / "3.13.0"; null if none.
export function normalizeVersion(text: string): string | null {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return match ? `${match[1]}.${match[2]}.${match[3] ?? '0'}` : null;
}

export function majorMinorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

// The mission rule: a kernel keeps the major.minor of its first interpreter for its whole life (one native
// build serves one major.minor, DESIGN fact 2).
export function checkVersionRule(env: EnvInfo, majorMinor: string): void {
  if (majorMinorOf(env.version) !== majorMinor) {
    throw new EnvError('version_mismatch', `${env.executable} is Python ${env.version}, but this kernel runs ` +
      `Python ${majorMinor} for its whole life: only a ${majorMinor}.x environment can be switched to`);
  }
}
