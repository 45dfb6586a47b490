/// <reference types="jest" />
// `pyswitch console` fed from a pipe, end to end: our kernelspec in a private data dir, the built CLI,
// the real kernel. (The interactive console needs a terminal; it is exercised by hand and in test/jupyter.)
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { kernelCommand } from '../helpers/kernel';

const ROOT = path.resolve(__dirname, '..', '..');
let home: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runConsole(input: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, JUPYTER_DATA_DIR: path.join(home, 'data'), JUPYTER_RUNTIME_DIR: path.join(home, 'runtime') };
  delete env.PYSWITCH_DEBUG;
  delete env.JUPYTER_PATH;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'pyswitch.js'), 'console', '--kernel', 'under-test'], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += String(chunk); });
  child.stderr.on('data', (chunk) => { stderr += String(chunk); });
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-console-'));
  const specDir = path.join(home, 'data', 'kernels', 'under-test');
  fs.mkdirSync(specDir, { recursive: true });
  const { argv, env } = kernelCommand();
  fs.writeFileSync(path.join(specDir, 'kernel.json'), JSON.stringify({ argv, env, display_name: 'under test', language: 'python', interrupt_mode: 'message' }));
});

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe('pyswitch console with piped input', () => {
  it('prints exactly the output: `print(6*7)` gives "42"', async () => {
    expect(await runConsole('print(6*7)\n')).toEqual({ status: 0, stdout: '42\n', stderr: '' });
  });

  it('runs cells as a REPL reads them: expressions, blocks ended by a blank line or the end of input', async () => {
    const script = ['6*7', 'total = 0', 'for i in range(4):', '    total += i', '', 'total', 'if total:', '    print("end")'].join('\n');
    expect(await runConsole(`${script}\n`)).toEqual({ status: 0, stdout: '42\n6\nend\n', stderr: '' });
  });

  it('goes on after a failing cell, with the traceback on stderr, and exits 1', async () => {
    const run = await runConsole('1/0\nprint("after")\n');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('after\n');
    expect(run.stderr).toContain('ZeroDivisionError');
  });

  it('has no one to answer input(): StdinNotImplementedError', async () => {
    const run = await runConsole('input("name? ")\n');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('StdinNotImplementedError');
  });

  it('leaves the runtime dir clean after a good session (no connection file, no kernel log)', async () => {
    await runConsole('1\n');
    expect(fs.readdirSync(path.join(home, 'runtime'))).toEqual([]);
  });
});
