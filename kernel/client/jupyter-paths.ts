// Jupyter's data directories, searched the way jupyter_core does, so our kernelspecs are found by (and
// written where) Jupyter itself looks.
import * as os from 'os';
import * as path from 'path';

// Where `--user` installs go: $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter or ~/.local/share/jupyter.
export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  const xdg = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'jupyter');
}

// Every data dir, highest priority first: $JUPYTER_PATH entries, the user dir, then the system dirs.
export function jupyterDataDirs(): string[] {
  const fromEnv = (process.env.JUPYTER_PATH ?? '').split(path.delimiter).filter(Boolean);
  return [...fromEnv, userDataDir(), '/usr/local/share/jupyter', '/usr/share/jupyter'];
}
