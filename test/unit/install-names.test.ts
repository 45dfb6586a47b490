/// <reference types="jest" />
// `pyswitch install/uninstall --name` take only kernelspec names jupyter_client accepts: a name never
// leads outside the kernels directory, so `uninstall` cannot remove anything else.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

import { checkKernelName } from '../../kernel/cli/install';

const run = promisify(execFile);
const PYSWITCH = path.resolve(__dirname, '..', '..', 'bin', 'pyswitch.js');

test.each(['pyswitch', 'Py-3.11_env.2'])('%j is a kernelspec name', (name) => {
  expect(checkKernelName(name)).toBe(name);
});

test.each(['../x', 'a/b', '.', '..', '', 'sp ace', 'é'])('%j is refused', (name) => {
  expect(() => checkKernelName(name)).toThrow(/invalid kernelspec name/);
});

test('install and uninstall --name ../x touch nothing outside the kernels directory', async () => {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-names-'));
  try {
    const outside = path.join(prefix, 'share', 'jupyter', 'x');
    fs.mkdirSync(outside, { recursive: true });
    fs.writeFileSync(path.join(outside, 'kernel.json'), '{}');
    for (const command of ['install', 'uninstall']) {
      const failed = await run(process.execPath, [PYSWITCH, command, '--prefix', prefix, '--name', '../x']).then(() => null, (e: unknown) => e);
      expect(String((failed as { stderr?: string } | null)?.stderr)).toMatch(/invalid kernelspec name "\.\.\/x"/);
    }
    expect(fs.readdirSync(path.join(prefix, 'share', 'jupyter'))).toEqual(['x']);
    expect(fs.readFileSync(path.join(outside, 'kernel.json'), 'utf8')).toBe('{}');
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});
