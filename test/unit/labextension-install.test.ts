/// <reference types="jest" />
// Where `pyswitch install` puts the JupyterLab extension, and when `pyswitch uninstall` takes it away: with
// the last pyswitch kernelspec of the data dir, never while another one still needs it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { installLabextension, uninstallLabextension } from '../../kernel/cli/labextension';

let dir: string;
let built: string;
let data: string;

function kernelspec(name: string, metadata: Record<string, unknown>): void {
  fs.mkdirSync(path.join(data, 'kernels', name), { recursive: true });
  fs.writeFileSync(path.join(data, 'kernels', name, 'kernel.json'), JSON.stringify({ argv: [], display_name: name, language: 'python', metadata }));
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-labext-'));
  built = path.join(dir, 'built');
  data = path.join(dir, 'share', 'jupyter');
  fs.mkdirSync(path.join(built, 'static'), { recursive: true });
  fs.writeFileSync(path.join(built, 'package.json'), '{"name": "pyswitch-jupyterlab"}');
  fs.writeFileSync(path.join(built, 'static', 'remoteEntry.abc.js'), '// new');
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('install copies the build into <data dir>/labextensions/pyswitch-jupyterlab, dropping an older build', () => {
  const target = path.join(data, 'labextensions', 'pyswitch-jupyterlab');
  fs.mkdirSync(path.join(target, 'static'), { recursive: true });
  fs.writeFileSync(path.join(target, 'static', 'remoteEntry.old.js'), '// stale');
  expect(installLabextension(data, built)).toBe(target);
  expect(fs.readdirSync(path.join(target, 'static'))).toEqual(['remoteEntry.abc.js']);
  expect(fs.existsSync(path.join(target, 'package.json'))).toBe(true);
});

test('install without a build installs nothing and says so by returning null', () => {
  expect(installLabextension(data, path.join(dir, 'never-built'))).toBeNull();
  expect(fs.existsSync(path.join(data, 'labextensions'))).toBe(false);
});

test('uninstall keeps the extension while a pyswitch kernelspec is left, and removes it with the last one', () => {
  const target = installLabextension(data, built);
  if (target === null) throw new Error('the built extension was not installed');
  kernelspec('other-pyswitch', { pyswitch: { python: '/usr/bin/python3' } });
  kernelspec('python3', { debugger: true }); // not ours: does not keep the extension
  expect(uninstallLabextension(data)).toBeNull();
  expect(fs.existsSync(target)).toBe(true);
  fs.rmSync(path.join(data, 'kernels', 'other-pyswitch'), { recursive: true });
  expect(uninstallLabextension(data)).toBe(target);
  expect(fs.existsSync(target)).toBe(false);
});
