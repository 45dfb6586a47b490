// What a kernel restarted by its frontend keeps: the environment it was in. A frontend restarts a kernel
// with a shutdown_request (restart: true), then starts a new process on the same connection file
// (docs/frontend-restart.md), so the state lives in a private file next to the connection file and named
// after it: every process image of the kernel, a re-exec's too, finds it from its `-f`. It is written at
// that shutdown and taken (read and removed) by the next process at its start; a plain shutdown writes
// none and removes any, so a new kernel starts where its kernelspec says.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import type { EnvInfo } from '../envs';

interface RestartState {
  session: string; // digest of the connection key: a file left by another kernel's session is not ours
  env: EnvInfo;
}

export function restartStateFile(connectionFile: string): string {
  return path.join(path.dirname(connectionFile), `.${path.basename(connectionFile)}.pyswitch-restart`);
}

function sessionOf(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

export function writeRestartState(connectionFile: string, key: string, env: EnvInfo): void {
  const file = restartStateFile(connectionFile);
  const state: RestartState = { session: sessionOf(key), env };
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600, flag: 'wx' });
}

export function forgetRestartState(connectionFile: string): void {
  fs.rmSync(restartStateFile(connectionFile), { force: true });
}

// The environment the previous process of this kernel was in when its frontend restarted it; null when
// there is none (a fresh start), or when the file is unreadable or belongs to another session. Removed
// either way: a second start must not act on it again.
export function takeRestartState(connectionFile: string, key: string): EnvInfo | null {
  const file = restartStateFile(connectionFile);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  fs.rmSync(file, { force: true });
  try {
    const state = JSON.parse(text) as Partial<RestartState>;
    const env = state.env as Partial<EnvInfo> | undefined;
    if (state.session !== sessionOf(key) || typeof env?.executable !== 'string' || typeof env.root !== 'string') return null;
    return state.env as EnvInfo;
  } catch {
    return null;
  }
}
