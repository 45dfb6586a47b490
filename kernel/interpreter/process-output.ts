// Node's process.stdout and process.stderr, pointed at the output the kernel was launched with.
// While the interpreter runs, fds 1 and 2 are pipes into the cells (native/fd_capture.h). Everything Node
// itself writes goes through these two streams — the kernel's log, console.*, Node's warnings (printed
// with console.error, whose streams bind lazily to process.stdout/stderr on first use) — so re-pointing
// them keeps all of it out of the cells, and in the launcher's log where it belongs.
import * as fs from 'fs';
import { Writable } from 'stream';

import { log } from '../common/log';

export interface OutputFds {
  stdout: number;
  stderr: number;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

// Synchronous, as Node's own stdio is for files and pipes: a line logged just before process.exit() still
// gets out. A descriptor left non-blocking by whoever shares it with us is waited on.
function writeAll(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += fs.writeSync(fd, data, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

class FdWriter extends Writable {
  constructor(readonly fd: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    try {
      writeAll(this.fd, chunk);
    } catch {
      // The launcher's side is gone (EPIPE): the log has nowhere else to go, and must not take the kernel down.
    }
    done();
  }
}

// Call before the interpreter starts, so that nothing Node writes can reach the captured fds.
export function routeProcessOutput(fds: OutputFds): void {
  for (const [name, fd] of [['stdout', fds.stdout], ['stderr', fds.stderr]] as const) {
    Object.defineProperty(process, name, { value: new FdWriter(fd), configurable: true, enumerable: true });
  }
  // Node prints an uncaught exception natively, to fd 2, and exits before the cells could show it: the
  // kernel's log gets it first.
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    log(`${origin}: ${error instanceof Error && error.stack ? error.stack : String(error)}`);
  });
}
