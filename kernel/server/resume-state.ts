// What a kernel hands the new image of its process across a re-exec switch (execve keeps the PID, and the
// descriptors it passes on; nothing else): the switch context (its counter, its open pyswitch.env comms,
// the replay guard's memory, and the switch to report once the new image is up, with where its reply
// goes) and the requests it had not served yet. All of it travels in a sealed memfd with the connection
// (server/reexec.ts), which nothing outside the process can alter or remove, so none of it is lost.
import type { EnvInfo } from '../envs';
import type { Lost } from '../protocol/env-messages';
import type { ParentHeader } from '../protocol/header';

// Where the switch's outcome goes: the comm that asked, or the cell that called pyswitch.switch().
export interface ReplyTo {
  parent: ParentHeader; // empty when nothing asked (a fresh interpreter after the thread ended)
  commId: string | null;
  requestId: string | null;
}

export type FailureCode = 'init_failed' | 'timeout';

export interface PendingSwitch {
  target: EnvInfo; // the environment the new image starts in
  previous: EnvInfo; // where to come back to if it cannot
  startedAt: number; // Date.now() when the request was taken up
  lost: Lost;
  replyTo: ReplyTo;
  // Set when the new image is the way back after a failure: what to report (ok: false, restored).
  failure?: { code: FailureCode; message: string };
  recoveries?: number; // images that failed to start on the way back (previous env first, then system)
  // Set when no switch was asked for: a fresh interpreter after the Python thread ended (server/recovery.ts).
  recovery?: { reason: string };
}

export interface ResumeState {
  executionCount: number;
  baselinePath: string; // PATH at the first start, which every switch rebuilds PATH from
  envComms: string[];
  iopubSubscribers: number; // frontends' SUB sockets connected when the previous image went
  signatures: string[]; // the replay guard's memory (wire signatures already admitted)
  threadRecoveries?: number[]; // Date.now() of each recent fresh interpreter after the thread ended
  pending: PendingSwitch;
  queued: string[][]; // shell requests not served yet, as signed frames (base64)
  control: string[][]; // control requests that arrived while the previous image handed over
}
