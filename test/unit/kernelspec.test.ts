/// <reference types="jest" />
// Where kernelspecs are looked for and which one wins, with the environment jupyter_core reads.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { jupyterDataDirs, runtimeDir, userDataDir } from '../../kernel/common/jupyter-paths';
import { findKernelSpec } from '../../kernel/client/kernelspec';

const VARIABLES = ['JUPYTER_PATH', 'JUPYTER_DATA_DIR', 'JUPYTER_RUNTIME_DIR', 'XDG_DATA_HOME'];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-specs-'));
  for (const name of VARIABLES) delete process.env[name];
});

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  fs.rmSync(root, { recursive: true, force: true });
});

function writeSpec(dataDir: string, dirName: string, spec: object): string {
  const dir = path.join(dataDir, 'kernels', dirName);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(spec));
  return dir;
}

describe('Jupyter paths', () => {
  it('user data dir: $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter', () => {
    if (process.platform === 'darwin') return; // ~/Library/Jupyter there
    expect(userDataDir()).toBe(path.join(os.homedir(), '.local', 'share', 'jupyter'));
    process.env.XDG_DATA_HOME = '/xdg';
    expect(userDataDir()).toBe('/xdg/jupyter');
    process.env.JUPYTER_DATA_DIR = '/explicit';
    expect(userDataDir()).toBe('/explicit');
  });

  it('data dirs: $JUPYTER_PATH entries first, then the user dir, then the system dirs, no repeats', () => {
    process.env.JUPYTER_PATH = ['/first', '', '/second', '/first'].join(path.delimiter);
    process.env.JUPYTER_DATA_DIR = '/user';
    expect(jupyterDataDirs()).toEqual(['/first', '/second', '/user', '/usr/local/share/jupyter', '/usr/share/jupyter']);
  });

  it('runtime dir: $JUPYTER_RUNTIME_DIR, else runtime/ under the user data dir', () => {
    process.env.JUPYTER_DATA_DIR = '/user';
    expect(runtimeDir()).toBe('/user/runtime');
    process.env.JUPYTER_RUNTIME_DIR = '/run/jupyter';
    expect(runtimeDir()).toBe('/run/jupyter');
  });
});

describe('findKernelSpec', () => {
  const spec = (display: string): object => ({ argv: ['k', '-f', '{connection_file}'], display_name: display, language: 'python' });

  it('takes the first data dir that has it, matching the name case-insensitively', () => {
    const high = path.join(root, 'high');
    const user = path.join(root, 'user');
    process.env.JUPYTER_PATH = high;
    process.env.JUPYTER_DATA_DIR = user;
    writeSpec(user, 'pyswitch', spec('user'));
    const winner = writeSpec(high, 'PySwitch', spec('high'));
    expect(findKernelSpec('pyswitch')).toEqual({
      name: 'pyswitch', resourceDir: winner, argv: ['k', '-f', '{connection_file}'],
      displayName: 'high', language: 'python', interruptMode: 'signal', env: {},
    });
  });

  it('skips a directory without kernel.json', () => {
    process.env.JUPYTER_PATH = path.join(root, 'empty');
    fs.mkdirSync(path.join(root, 'empty', 'kernels', 'pyswitch'), { recursive: true });
    process.env.JUPYTER_DATA_DIR = path.join(root, 'user');
    writeSpec(path.join(root, 'user'), 'pyswitch', { ...spec('user'), interrupt_mode: 'message', env: { A: 'b' } });
    expect(findKernelSpec('pyswitch')).toMatchObject({ displayName: 'user', interruptMode: 'message', env: { A: 'b' } });
  });

  it('says where it looked when there is none', () => {
    process.env.JUPYTER_DATA_DIR = path.join(root, 'user');
    expect(() => findKernelSpec('no-such-kernel')).toThrow(`no kernelspec named "no-such-kernel" in ${path.join(root, 'user', 'kernels')}`);
  });

  it('rejects a kernel.json without argv', () => {
    process.env.JUPYTER_DATA_DIR = root;
    writeSpec(root, 'bad', { display_name: 'bad' });
    expect(() => findKernelSpec('bad')).toThrow('"argv" must be a non-empty list of strings');
  });
});
