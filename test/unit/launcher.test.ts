/// <reference types="jest" />
// Launching as jupyter_client does, with a stand-in "kernel" that reports what it was given.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { launchKernel } from '../../kernel/client/launcher';
import { readConnectionFile } from '../../kernel/transport/connection-file';

const REPORT = "process.stdout.write(JSON.stringify({argv: process.argv.slice(1), env: process.env.FROM_SPEC}))";
let runtimeDir: string;

beforeEach(() => {
  runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-launch-'));
});

afterEach(() => {
  fs.rmSync(runtimeDir, { recursive: true, force: true });
});

async function stdoutOf(child: { stdout: NodeJS.ReadableStream | null }): Promise<string> {
  let text = '';
  for await (const chunk of child.stdout ?? []) text += String(chunk);
  return text;
}

function firstLine(child: { stdout: NodeJS.ReadableStream | null }): Promise<string> {
  return new Promise((resolve) => child.stdout?.once('data', (chunk) => resolve(String(chunk).split('\n')[0])));
}

// The state letter of /proc/PID/stat (R, S, Z, ...), or 'gone'.
function processState(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
  } catch {
    return 'gone';
  }
}

// SIGKILL reached the whole group at once, but a process needs a moment to be scheduled and die.
async function settledState(pid: number): Promise<string> {
  const deadline = Date.now() + 2000;
  let state = processState(pid);
  while (!['gone', 'Z'].includes(state) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    state = processState(pid);
  }
  return state;
}

describe('launchKernel', () => {
  it('fills in {connection_file} and {resource_dir}, leaves unknown names, expands $VARS in the spec env', async () => {
    process.env.PYSWITCH_LAUNCH_TEST = 'expanded';
    const kernel = await launchKernel(
      { argv: [process.execPath, '-e', REPORT, '{connection_file}', '{resource_dir}', '{other}'], env: { FROM_SPEC: '${PYSWITCH_LAUNCH_TEST}/$PYSWITCH_LAUNCH_TEST/$$' }, resourceDir: '/spec/dir' },
      { output: 'pipe', runtimeDir },
    );
    const report = JSON.parse(await stdoutOf(kernel.child)) as { argv: string[]; env: string };
    expect(await kernel.exited).toEqual({ code: 0, signal: null });
    expect(report.argv).toEqual([kernel.connectionFile, '/spec/dir', '{other}']);
    expect(report.env).toBe('expanded/expanded/$');
    delete process.env.PYSWITCH_LAUNCH_TEST;
  });

  it('writes a private connection file: 127.0.0.1, five different free ports, a random key, hmac-sha256', async () => {
    const kernel = await launchKernel({ argv: [process.execPath, '-e', ''] }, { output: 'ignore', runtimeDir });
    await kernel.exited;
    expect(path.dirname(kernel.connectionFile)).toBe(runtimeDir);
    expect(fs.statSync(kernel.connectionFile).mode & 0o777).toBe(0o600);
    const info = readConnectionFile(kernel.connectionFile);
    expect(info).toEqual(kernel.connection);
    expect(info).toMatchObject({ transport: 'tcp', ip: '127.0.0.1', signature_scheme: 'hmac-sha256' });
    expect(info.key).toMatch(/^[0-9a-f-]{36}$/);
    const ports = [info.shell_port, info.control_port, info.iopub_port, info.stdin_port, info.hb_port];
    expect(new Set(ports).size).toBe(5);
    kernel.removeConnectionFile();
    expect(fs.existsSync(kernel.connectionFile)).toBe(false);
  });

  it('kills the kernel and the processes it started (its process group)', async () => {
    const kernel = await launchKernel({ argv: ['sh', '-c', 'sleep 60 & echo $!; wait'] }, { output: 'pipe', runtimeDir });
    const helper = Number(await firstLine(kernel.child));
    expect(kernel.running).toBe(true);
    expect(await kernel.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(kernel.running).toBe(false);
    expect(await settledState(helper)).toMatch(/^(gone|Z)$/); // dead; a zombie until something reaps it
  });

  it('fails clearly, leaving no connection file, when the command does not exist', async () => {
    await expect(launchKernel({ argv: ['/no/such/kernel'] }, { output: 'ignore', runtimeDir })).rejects.toThrow('cannot start kernel /no/such/kernel');
    expect(fs.readdirSync(runtimeDir)).toEqual([]);
  });
});
