// Where Jupyter keeps its files, by jupyter_core's rules (POSIX): the data directories searched for
// kernelspecs, the user's own data directory, and the runtime directory for connection files.
import * as os from 'os';
import * as path from 'path';

// Data directories other software installs kernelspecs into (jupyter_core's SYSTEM_JUPYTER_PATH).
const SYSTEM_DATA_DIRS = ['/usr/local/share/jupyter', '/usr/share/jupyter'];

// $JUPYTER_DATA_DIR, else ~/Library/Jupyter on macOS, else $XDG_DATA_HOME/jupyter (~/.local/share/jupyter).
export function userDataDir(): string {
  const explicit = process.env.JUPYTER_DATA_DIR;
  if (explicit) return explicit;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Jupyter');
  return path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'jupyter');
}

// Highest priority first: $JUPYTER_PATH entries, the user's data dir, then the system ones. jupyter_core
// also searches the sys.prefix of the Python running it; a Node client has no such prefix.
export function jupyterDataDirs(): string[] {
  const fromEnv = (process.env.JUPYTER_PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  return [...new Set([...fromEnv, userDataDir(), ...SYSTEM_DATA_DIRS])];
}

// $JUPYTER_RUNTIME_DIR, else the runtime directory under the user's data dir.
export function runtimeDir(): string {
  return process.env.JUPYTER_RUNTIME_DIR || path.join(userDataDir(), 'runtime');
}
