// The test JupyterLab's server (server.py on Debian's jupyterlab_server), on its own port, token, Jupyter
// directories and notebook folder, with the kernelspecs and prebuilt extensions of one prefix.
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

export const LAB_DIR = path.resolve(__dirname, '..');
const REPO = path.resolve(LAB_DIR, '..', '..');
const BUNDLE = path.join(LAB_DIR, 'build', 'static', 'bundle.js');

export interface LabServer {
  url: string; // http://127.0.0.1:PORT
  token: string;
  root: string; // the notebook folder the server serves
  log: () => string;
  stop: () => Promise<void>;
}

export interface LabOptions {
  dir: string; // a temp dir of the test's: holds the server's settings, workspaces and Jupyter dirs
  prefix: string; // a `pyswitch install --prefix` target: its share/jupyter is on JUPYTER_PATH
  root?: string; // default: dir/notebooks
}

export function labAppBuilt(): boolean {
  return fs.existsSync(BUNDLE);
}

// `pyswitch install --prefix P`: the kernelspec and the JupyterLab extension, as a user would install them.
export async function installPyswitch(prefix: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [path.join(REPO, 'bin', 'pyswitch.js'), 'install', '--prefix', prefix, ...args]);
  return stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startLab(opts: LabOptions): Promise<LabServer> {
  if (!labAppBuilt()) throw new Error(`the test JupyterLab is not built (${BUNDLE}): run \`npm run test:lab\``);
  const root = opts.root ?? path.join(opts.dir, 'notebooks');
  const dirs = Object.fromEntries(['settings', 'workspaces', 'config', 'data', 'runtime'].map((name) => [name, path.join(opts.dir, name)]));
  for (const dir of [root, ...Object.values(dirs)]) fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const token = `t${Math.random().toString(36).slice(2)}`;
  const child = spawn('/usr/bin/python3', [path.join(LAB_DIR, 'server.py'),
    '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', '--allow-root', '--no-browser',
    `--ServerApp.token=${token}`, `--ServerApp.root_dir=${root}`,
    `--TestLab.user_settings_dir=${dirs.settings}`, `--TestLab.workspaces_dir=${dirs.workspaces}`,
    `--TestLab.labextensions_path=${path.join(opts.prefix, 'share', 'jupyter', 'labextensions')}`,
  ], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Debian's Jupyter belongs to /usr/bin/python3; pyenv's python3 would shadow it (and its jupyter).
      PATH: `/usr/bin:${process.env.PATH ?? ''}`,
      JUPYTER_PATH: path.join(opts.prefix, 'share', 'jupyter'),
      JUPYTER_CONFIG_DIR: dirs.config,
      JUPYTER_DATA_DIR: dirs.data,
      JUPYTER_RUNTIME_DIR: dirs.runtime,
    },
  });
  let output = '';
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(`${url}/lab?token=`)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the lab server exited (${code}):\n${output}`)));
  });
  return {
    url,
    token,
    root,
    log: () => output,
    stop: async () => {
      child.kill('SIGTERM'); // jupyter_server shuts its kernels down on SIGTERM
      await exited(child);
    },
  };
}
