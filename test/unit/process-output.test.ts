/// <reference types="jest" />
// routeProcessOutput: everything Node itself prints — console.*, process warnings, an uncaught exception —
// goes to the descriptors it is given (the kernel's original stdout/stderr), not to fds 1 and 2 (which
// carry cell output while the interpreter runs). Checked in a child Node whose fds 1 and 2 we read.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROUTE = path.resolve(__dirname, '..', '..', 'dist', 'interpreter', 'process-output.js');

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-output-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function runRouted(body: string): { log: string; stdout: string; stderr: string; status: number | null } {
  const logFile = path.join(dir, 'kernel.log');
  const script = [
    "const fs = require('fs');",
    `const fd = fs.openSync(${JSON.stringify(logFile)}, 'a');`,
    `require(${JSON.stringify(ROUTE)}).routeProcessOutput({ stdout: fd, stderr: fd });`,
    body,
  ].join('\n');
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return { log: fs.readFileSync(logFile, 'utf8'), stdout: child.stdout, stderr: child.stderr, status: child.status };
}

describe('routeProcessOutput', () => {
  it('sends console output and Node warnings to the given descriptors only', () => {
    const run = runRouted("console.log('from console.log'); console.error('from console.error'); process.emitWarning('a warning');");
    expect(run.log).toContain('from console.log\n');
    expect(run.log).toContain('from console.error\n');
    expect(run.log).toContain('Warning: a warning');
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
  });

  it('logs an uncaught exception there before Node prints it (natively, to fd 2) and exits', () => {
    const run = runRouted("setTimeout(() => { throw new Error('boom'); }, 0);");
    expect(run.status).not.toBe(0);
    expect(run.log).toMatch(/\[pyswitch\] uncaughtException: Error: boom\n\s+at /);
  });
});
