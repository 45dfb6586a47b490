// The process environment of an active environment, as its activation script would leave it. PATH is
// always rebuilt from the baseline captured at kernel start, so switching never stacks prefixes.
import * as path from 'path';

import { EnvInfo } from './env-info';

export interface EnvironChange {
  set: Record<string, string>;
  unset: string[];
}

// Which variable names the active environment of each kind.
const MARKER = { venv: 'VIRTUAL_ENV', conda: 'CONDA_PREFIX' } as const;

export function environFor(env: EnvInfo, baselinePath: string): EnvironChange {
  const unset = ['PYTHONHOME', 'PYTHONPATH'];
  if (env.kind === 'system') {
    return { set: { PATH: baselinePath }, unset: [...unset, MARKER.venv, MARKER.conda] };
  }
  const binDir = path.dirname(env.executable);
  const rest = baselinePath === '' ? [] : baselinePath.split(path.delimiter).filter((entry) => entry !== binDir);
  const other = env.kind === 'venv' ? MARKER.conda : MARKER.venv;
  return {
    set: { [MARKER[env.kind]]: env.root, PATH: [binDir, ...rest].join(path.delimiter) },
    unset: [...unset, other],
  };
}

// Sets and unsets the variables of `change` in `environ` (process.env, or a child's copy of it).
export function applyEnvironChange(environ: NodeJS.ProcessEnv, change: EnvironChange): void {
  for (const [name, value] of Object.entries(change.set)) environ[name] = value;
  for (const name of change.unset) delete environ[name];
}
