// The kernel's own log: stderr, never a cell's output (frontends show the kernel's stderr only in logs).
export function log(message: string): void {
  process.stderr.write(`[pyswitch] ${message}\n`);
}
