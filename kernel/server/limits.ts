// The kernel's bounds in bytes, with their defaults (README, "Reliability"); each can be changed through
// an environment variable of the kernel process (a kernelspec's "env"), for frontends that need more.
import { log } from '../common/log';

export interface KernelLimits {
  maxMessageBytes: number; // largest frame a peer may send on shell, control or stdin (widget buffers are big)
  heldIopubBytes: number; // output held while no frontend is subscribed to iopub
  shellQueueBytes: number; // requests waiting in the shell queue, before the kernel stops reading shell
  shellQueueMessages: number;
}

const MIB = 1024 * 1024;

const DEFAULTS: KernelLimits = {
  maxMessageBytes: 256 * MIB,
  heldIopubBytes: 64 * MIB,
  shellQueueBytes: 64 * MIB,
  shellQueueMessages: 1000,
};

const VARIABLES: Record<keyof KernelLimits, string> = {
  maxMessageBytes: 'PYSWITCH_MAX_MESSAGE_BYTES',
  heldIopubBytes: 'PYSWITCH_HELD_IOPUB_BYTES',
  shellQueueBytes: 'PYSWITCH_SHELL_QUEUE_BYTES',
  shellQueueMessages: 'PYSWITCH_SHELL_QUEUE_MESSAGES',
};

export function kernelLimits(env: NodeJS.ProcessEnv = process.env): KernelLimits {
  const limits = { ...DEFAULTS };
  for (const key of Object.keys(VARIABLES) as (keyof KernelLimits)[]) {
    const text = env[VARIABLES[key]];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (Number.isSafeInteger(value) && value > 0) limits[key] = value;
    else log(`ignored ${VARIABLES[key]}=${JSON.stringify(text)}: not a positive integer`);
  }
  return limits;
}
