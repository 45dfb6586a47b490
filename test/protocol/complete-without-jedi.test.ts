/// <reference types="jest" />
// complete_request in an environment without jedi (a fresh venv of the default interpreter): the
// kernel's own completer answers everything, from the live objects only.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { useKernel } from '../helpers/kernel';
import { complete, completionCases } from './completion-cases';

const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-nojedi-'));
const savedPython = process.env.PYSWITCH_PYTHON;
beforeAll(() => {
  execFileSync(savedPython ?? 'python3', ['-m', 'venv', '--without-pip', venv]);
  process.env.PYSWITCH_PYTHON = path.join(venv, 'bin', 'python');
});
const kernel = useKernel(); // its beforeAll runs after the one above: the kernel starts in the venv
afterAll(() => {
  if (savedPython === undefined) delete process.env.PYSWITCH_PYTHON;
  else process.env.PYSWITCH_PYTHON = savedPython;
  fs.rmSync(venv, { recursive: true, force: true });
});

describe('complete_request without jedi', () => {
  it('runs in the venv, where jedi cannot be imported', kernel.test(async (client) => {
    const { iopub } = await client.execute("import sys, importlib.util\nprint(sys.prefix, importlib.util.find_spec('jedi'))");
    expect(iopub.map((m) => m.content.text).join('')).toBe(`${venv} None\n`);
  }));

  completionCases(kernel);

  it('leaves expressions it would have to evaluate alone', kernel.test(async (client) => {
    expect((await complete(client, '"abc".up')).matches).toEqual([]);
    expect((await complete(client, 'len([]).re')).matches).toEqual([]);
  }));

  it('offers keywords and private names only once "_" is typed', kernel.test(async (client) => {
    expect((await complete(client, 'whi')).matches).toEqual(['while']);
    expect((await complete(client, 'os.')).matches.some((match) => match.startsWith('_'))).toBe(false);
    expect((await complete(client, 'os._e')).matches).toContain('_exit');
  }));
});
