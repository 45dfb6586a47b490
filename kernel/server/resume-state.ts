// What a kernel hands the new image of its process across a re-exec switch (execve keeps the PID and
// the ports, nothing else): its counter, its open pyswitch.env comms, the requests it had not served
// yet, and the switch to report once the new image is up. A private temp file, read once and removed.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { EnvInfo } from '../envs';
import type { Lost } from '../protocol/env-messages';
import type { Header } from '../protocol/header';

// Where the switch's outcome goes: the comm that asked, or the cell that called pyswitch.switch().
export interface ReplyTo {
  parent: Header;
  commId: string | null;
  requestId: string | null;
}

export interface PendingSwitch {
  target: EnvInfo; // the environment the new image starts in
  previous: EnvInfo; // where to come back to if it cannot
  startedAt: number; // Date.now() when the request was taken up
  lost: Lost;
  replyTo: ReplyTo;
  // Set when the new image is the way back after a failure: what to report (ok: false, restored).
  failure?: { code: 'init_failed'; message: string };
}

export interface ResumeState {
  executionCount: number;
  baselinePath: string; // PATH at the first start, which every switch rebuilds PATH from
  envComms: string[];
  iopubSubscribers: number; // frontends' SUB sockets connected when the previous image went
  queued: string[][]; // shell requests not served yet, as signed frames (base64)
  pending: PendingSwitch;
}

export const RESUME_PREFIX = 'pyswitch-resume-';

export function writeResumeState(state: ResumeState): string {
  const file = path.join(os.tmpdir(), `${RESUME_PREFIX}${process.pid}-${crypto.randomBytes(6).toString('hex')}.json`);
  fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
  return file;
}

// Reads the state and removes the file: a second image must not act on it again.
export function takeResumeState(file: string): ResumeState {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ResumeState;
  } finally {
    fs.rmSync(file, { force: true });
  }
}
