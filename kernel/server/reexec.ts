// The re-exec path of a switch (DESIGN.md, switching step 3), in three parts:
// - the hand-off, in the image that goes: the interpreter is finalized under a deadline (a hung atexit
//   handler or thread cannot keep the image from being replaced), the sockets are drained right up to
//   execve (KernelSockets.handOff), and the connection, the kernel's state with the requests not served
//   yet, and the listening sockets go through execve as inherited descriptors;
// - the resume, in the image that comes: the hand-off is read before anything else;
// - the recovery of an image that fails before its interpreter is up: a second re-exec, back to the
//   previous environment (then to the system interpreter); it never just exits while a way back is left.
import * as fs from 'fs';

import { EnvInfo, resolveTarget } from '../envs';
import { processAddon } from '../interpreter/process-addon';
import { withTimeout } from '../common/deadline';
import { ConnectionInfo, parseConnectionInfo } from '../transport/connection-file';
import { KernelTransport, Listeners } from '../transport/kernel-sockets';
import { log } from '../common/log';
import { ProcessImage } from './process-image';
import { PendingSwitch, ResumeState } from './resume-state';
import { FINALIZE_TIMEOUT_MS, HANDOFF_TIMEOUT_MS } from './switch-limits';
import { errorMessage } from '../common/error-message';
import { workingDirectory } from '../common/working-directory';

const MAX_RECOVERIES = 2; // the previous environment, then the system interpreter

// What goes through execve in memory (an inherited memfd, sealed: docs/reliability-facts.md, fact 10): the
// connection, which the new image does not read from the connection file again (it may be gone), the
// listening sockets, and the kernel's state: where the switch's reply goes and the requests it carries,
// which no file on disk could take away.
interface HandOffData {
  connection: ConnectionInfo;
  listeners?: Listeners;
  majorMinor: string; // which build's loader addon serves this process
  state: ResumeState;
}

// The image that goes, as the kernel lends it to the hand-off.
export interface OutgoingImage {
  image: ProcessImage;
  connection: ConnectionInfo;
  sockets: KernelTransport;
  stopInterpreter: () => Promise<void>;
  originalOutput: number[]; // the fds 1 and 2 the kernel was launched with

  // The kernel's state once its sockets are closed (the requests they delivered are in it).
  state(): Omit<ResumeState, 'pending'>;
}

// Carries `pending` on in a new image of this process; never returns. `finalize: false` when the
// interpreter is known to be stuck (an in-process switch's finalize ran out of time).
export async function handOff(from: OutgoingImage, pending: PendingSwitch, finalize = true): Promise<never> {
  if (finalize) await finalizeWithin(from.stopInterpreter, FINALIZE_TIMEOUT_MS);
  const report = await from.sockets.handOff(HANDOFF_TIMEOUT_MS);
  const { listeners, unclosed, peerGoneUnread } = report;
  // One line per hand-off, so that a loss can be traced (README, "Switches and re-exec").
  log(`re-exec hand-off: ${report.drained} connection(s) drained in ${report.drainMs} ms (closed after ${report.ms} ms), ` +
    `${report.acceptedDuringDrain} accepted during the drain, ${peerGoneUnread.length} read after their peer had closed` +
    `${peerGoneUnread.length > 0 ? ` (${peerGoneUnread.join(', ')})` : ''}, ${report.readsWoken} read(s) woken, ${unclosed} cut at the deadline`);
  if (unclosed > 0) log(`re-exec: ${unclosed} connection(s) still open after ${HANDOFF_TIMEOUT_MS} ms were cut`);
  return replaceImage(from.image, { connection: from.connection, listeners, majorMinor: from.image.majorMinor,
    state: { ...from.state(), pending } }, from.originalOutput);
}

// Finalizing runs atexit handlers and joins threads: either may hang. The image is replaced anyway.
async function finalizeWithin(stopInterpreter: () => Promise<void>, ms: number): Promise<void> {
  try {
    await withTimeout(stopInterpreter(), ms, 'end of finalizing');
  } catch (error) {
    log(`re-exec: the interpreter did not finalize cleanly (${String(error)}); the image is replaced anyway`);
  }
}

// `output`: what fds 1 and 2 must be in the new image (an interpreter that did not finalize still
// captures them).
function replaceImage(image: ProcessImage, data: HandOffData, output: number[]): never {
  const addon = processAddon(data.majorMinor);
  const { pending, baselinePath } = data.state;
  try {
    const memory = addon.inheritableData(Buffer.from(JSON.stringify(data)));
    const { argv, env } = image.for(pending.target, baselinePath, memory, pending.recovery !== undefined);
    addon.replaceProcess(argv[0], argv, env, [memory, ...Object.values(data.listeners ?? {})], output);
  } catch (error) {
    log(`exiting: the re-exec failed (${String(error)})`);
  }
  process.exit(1);
}

export interface ResumeArgs {
  handOffFd: number;
  connectionFile: string;
  system: string;
}

// How main starts a kernel; `image`, `state` and `listeners` are what the previous image handed over.
export type StartKernel = (connection: ConnectionInfo, image?: ProcessImage, state?: ResumeState, listeners?: Listeners) => Promise<void>;

// The new image of a re-exec: reads the hand-off first, then starts the kernel; a failure before the
// kernel is up (the target gone, no shared libpython, ...) goes back by a second re-exec.
export async function resumeImage(args: ResumeArgs, start: StartKernel): Promise<void> {
  const data = readHandOff(args.handOffFd);
  const image = new ProcessImage(args.connectionFile, args.system, data.majorMinor);
  try {
    await start(data.connection, image, data.state, data.listeners);
  } catch (error) {
    const back = await wayBack(image, data.state.pending, error);
    if (!back) throw error;
    replaceImage(image, { ...data, state: { ...data.state, pending: back } }, []);
  }
}

function readHandOff(fd: number): HandOffData {
  try {
    const data = JSON.parse(fs.readFileSync(fd, 'utf8')) as HandOffData;
    return { ...data, connection: parseConnectionInfo(JSON.stringify(data.connection), 'the re-exec hand-off') };
  } finally {
    fs.closeSync(fd);
  }
}

// Where an image that failed to start goes next: the previous environment, then the system interpreter;
// undefined when both failed too. The first failure is what the switch reports.
export async function wayBack(image: ProcessImage, pending: PendingSwitch, error: unknown): Promise<PendingSwitch | undefined> {
  const recoveries = pending.recoveries ?? 0;
  if (recoveries >= MAX_RECOVERIES) return undefined;
  const reason = errorMessage(error);
  log(`the image for ${pending.target.root} did not start (${reason}); going back by re-exec`);
  let target: EnvInfo = pending.previous;
  if (recoveries > 0) {
    try {
      target = (await resolveTarget(image.system, { cwd: workingDirectory() ?? '/', system: image.system })).env;
    } catch (resolveError) {
      log(`the system interpreter is gone too: ${String(resolveError)}`);
      return undefined;
    }
  }
  const failure = pending.failure ?? { code: 'init_failed' as const,
    message: `the interpreter of ${pending.target.root} failed to start (${reason})` };
  return { ...pending, target, failure, recoveries: recoveries + 1 };
}

