// The kernel's own log: stderr, never a cell's output (frontends show the kernel's stderr only in logs).
// Every layer logs through this, so it sits at the bottom with the other shared pieces.
export function log(message: string): void {
  process.stderr.write(`[pyswitch] ${message}\n`);
}

// Lines about rejected messages: a peer can send thousands a second, so each kind logs at most
// LIMITED_LINES per LIMITED_WINDOW_MS; at the end of a window, one line says how many went unlogged.
const LIMITED_LINES = 10;
const LIMITED_WINDOW_MS = 1000;
const windows = new Map<string, { lines: number; suppressed: number }>();

export function logLimited(kind: string, message: string): void {
  let window = windows.get(kind);
  if (!window) {
    const opened = { lines: 0, suppressed: 0 };
    window = opened;
    windows.set(kind, opened);
    setTimeout(() => {
      windows.delete(kind);
      if (opened.suppressed > 0) log(`(${opened.suppressed} more lines about ${kind} were not logged)`);
    }, LIMITED_WINDOW_MS).unref();
  }
  if (window.lines < LIMITED_LINES) {
    window.lines += 1;
    log(message);
  } else {
    window.suppressed += 1;
  }
}
