// The time limits of a switch (defaults in README, "Switches and re-exec"). The variables let tests, and
// users on slow disks, set them.
function msFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// Resolve, preflight and the thread check: until the point of no return (error code `timeout`).
export const SWITCH_TIMEOUT_MS = msFromEnv('PYSWITCH_SWITCH_TIMEOUT_MS', 60_000);
// Finalizing the interpreter (atexit handlers, joined threads), and an in-process switch as a whole:
// past it, the process image is replaced anyway.
export const FINALIZE_TIMEOUT_MS = msFromEnv('PYSWITCH_FINALIZE_TIMEOUT_MS', 5_000);
// A re-exec's new image, from execve until its interpreter is up: past it, the image goes back.
export const START_TIMEOUT_MS = msFromEnv('PYSWITCH_START_TIMEOUT_MS', 60_000);
// Frontends close a half-closed connection within a millisecond on loopback; a peer that never does
// (not a zmq socket) holds the hand-off up this long at most.
export const HANDOFF_TIMEOUT_MS = 2_000;
