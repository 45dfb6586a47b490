// Versions of environments, and the version rule. EnvInfo is the comm protocol's ENV object.
import type { EnvInfo } from '../protocol/env-messages';
import { EnvError } from './env-error';

export type { EnvInfo, EnvKind } from '../protocol/env-messages';

// "3.11.7", "3.11.7.final.0" (virtualenv's version_info), "3.13.0rc1" → "3.11.7" / "3.13.0"; null if none.
export function normalizeVersion(text: string): string | null {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return match ? `${match[1]}.${match[2]}.${match[3] ?? '0'}` : null;
}

export function majorMinorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

// The mission rule: a kernel keeps the major.minor of its first interpreter for its whole life (one native
// build serves one major.minor: docs/runtime-facts.md, fact 2).
export function checkVersionRule(env: EnvInfo, majorMinor: string): void {
  if (majorMinorOf(env.version) !== majorMinor) {
    throw new EnvError('version_mismatch', `${env.executable} is Python ${env.version}, but this kernel runs ` +
      `Python ${majorMinor} for its whole life: only a ${majorMinor}.x environment can be switched to`);
  }
}
