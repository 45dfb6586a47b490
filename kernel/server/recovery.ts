// A fresh interpreter after the Python thread ended under the kernel (a C++ exception, pthread_exit
// called from Python): the process image is replaced by a re-exec into the environment it was in, as a
// switch to it would (server/reexec.ts), so the PID, the ports, the open comms and the counter stay, and
// the requests that arrived meanwhile are served by the new image. Bounded: a thread that keeps ending
// (a crash loop) leaves the kernel answering errors instead of re-executing for ever.
import type { EnvInfo } from '../envs';
import type { ParentHeader } from '../protocol/header';
import { PendingSwitch } from './resume-state';

// At most this many fresh interpreters within the window; the next death is answered with errors only.
export const MAX_RECOVERIES = 3;
export const RECOVERY_WINDOW_MS = 60_000;

// The recoveries (Date.now() of each) still inside the window, and whether one more is allowed.
export function recoveryBudget(past: number[], now: number): { allowed: boolean; recent: number[] } {
  const recent = past.filter((at) => now - at < RECOVERY_WINDOW_MS);
  return { allowed: recent.length < MAX_RECOVERIES, recent };
}

// The "switch" a recovery hands to the next image: into the environment the kernel is in. If that image
// cannot start, it goes back as a failed switch would (reexec.ts, wayBack): the same environment, then
// the system interpreter.
export function recoverySwitch(env: EnvInfo, reason: string, parent: ParentHeader): PendingSwitch {
  return { target: env, previous: env, startedAt: Date.now(), lost: { variables: true, comms: 0 },
    replyTo: { parent, commId: null, requestId: null }, recovery: { reason } };
}

// What the requests in flight when the thread ended are told (on stderr, before their error replies).
export function endedNotice(reason: string, allowed: boolean): string {
  return allowed
    ? `pyswitch: the Python thread has ended (${reason}); the kernel starts a fresh interpreter in the same ` +
      'process, as a restart would: variables start afresh, and requests sent meanwhile are served there\n'
    : `pyswitch: the Python thread has ended (${reason}), for the ${MAX_RECOVERIES + 1}th time within ` +
      `${RECOVERY_WINDOW_MS / 1000} s; the kernel does not start another interpreter: every request that needs ` +
      'one is answered with an error until the kernel is restarted\n';
}

// The new image's first output, as a restarted kernel's: where the fresh interpreter runs.
export function recoveredNotice(pending: PendingSwitch): string {
  const { target, failure } = pending;
  const where = `${target.kind} ${target.root} (Python ${target.version})`;
  return failure
    ? `pyswitch: after the Python thread ended, a fresh interpreter started in ${where}: ${failure.message}\n`
    : `pyswitch: after the Python thread ended, a fresh interpreter started in ${where}; variables start afresh\n`;
}
