/// <reference types="jest" />
// python-info's probe is bounded: an interpreter that ignores SIGTERM and leaves a child behind holding
// its output is killed, with that child, at the deadline; and no more than a few probes run at once.
import * as fs from 'fs';
import * as path from 'path';

import { ProbeError, pythonInfo } from '../../kernel/interpreter/python-info';
import { childrenOf } from '../helpers/proc';
import { PY311, makeVenv, removeTree, tempTree } from './fixtures';

let tree: string;
const at = (...parts: string[]): string => path.join(tree, ...parts);

function script(name: string, body: string): string {
  const file = at(name, 'bin', 'python3');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(() => {
  tree = tempTree('probe-bounds');
  process.env.PYSWITCH_PROBE_TIMEOUT_MS = '1000';
});

afterAll(() => {
  delete process.env.PYSWITCH_PROBE_TIMEOUT_MS;
  removeTree(tree);
});

test('a .pth file added to site-packages after a probe is met by a new probe, not by the cached answer', async () => {
  const venv = await makeVenv(PY311, at('later-pth'));
  const python = path.join(venv, 'bin', 'python');
  const info = await pythonInfo(python);
  const sitePackages = info.sysPath.find((dir) => dir.startsWith(venv) && dir.endsWith('site-packages'));
  if (!sitePackages) throw new Error(`no site-packages of ${venv} in ${JSON.stringify(info.sysPath)}`);
  expect(await pythonInfo(python)).toEqual(info); // cached
  // What pip can install: site runs a .pth file's import lines at every start.
  fs.writeFileSync(path.join(sitePackages, 'hostile.pth'), 'import os; os._exit(0)\n');
  await expect(pythonInfo(python)).rejects.toThrow(/gave no readable answer/);
});

test('an interpreter that ignores SIGTERM, and the child it started, are killed at the deadline', async () => {
  const python = script('stubborn', `trap '' TERM\nsleep 300 &\necho $! > ${at('grandchild.pid')}\nwait`);
  const started = Date.now();
  const error = await pythonInfo(python).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProbeError);
  expect((error as ProbeError).timedOut).toBe(true);
  expect((error as ProbeError).message).toMatch(/did not finish within 1 s \(killed\)/);
  expect(Date.now() - started).toBeLessThan(5000);
  const grandchild = Number(fs.readFileSync(at('grandchild.pid'), 'utf8'));
  for (let i = 0; i < 100 && alive(grandchild); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(alive(grandchild)).toBe(false);
  expect(childrenOf(process.pid).filter((c) => c.state !== 'Z')).toEqual([]);
});

test('an interpreter that exits at once but leaves a child holding its output does not hold the probe', async () => {
  const python = script('leaver', `sleep 300 &\necho $! > ${at('leaver.pid')}\nexit 3`);
  const error = await pythonInfo(python).then(() => null, (e: unknown) => e);
  expect((error as ProbeError).message).toMatch(/failed \(exit 3\)/);
  expect((error as ProbeError).timedOut).toBe(false);
  const grandchild = Number(fs.readFileSync(at('leaver.pid'), 'utf8'));
  for (let i = 0; i < 100 && alive(grandchild); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(alive(grandchild)).toBe(false);
});

test('at most two probes run at once', async () => {
  const log = at('overlap.log');
  const pythons = Array.from({ length: 6 }, (_, i) => script(`slow${i}`, `echo start >> ${log}\nsleep 0.3\necho end >> ${log}\nexit 1`));
  await Promise.all(pythons.map((python) => pythonInfo(python).catch(() => undefined)));
  let running = 0;
  let most = 0;
  for (const line of fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    running += line === 'start' ? 1 : -1;
    most = Math.max(most, running);
  }
  expect(most).toBe(2);
});
