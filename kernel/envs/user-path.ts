// Paths as users type them: `~` or `~/…` for the home directory, relative to a working directory, trailing
// slashes. Lexical only: symlinks are never resolved (a symlinked venv must stay what it was named).
import * as os from 'os';
import * as path from 'path';

const fromHome = (input: string): boolean => input === '~' || input.startsWith('~/');

export function expandPath(input: string, cwd: string): string {
  const expanded = fromHome(input) ? os.homedir() + input.slice(1) : input;
  return path.resolve(cwd, expanded);
}

// Whether expandPath needs the working directory for `input`.
export function isRelativePath(input: string): boolean {
  return !fromHome(input) && !path.isAbsolute(input);
}
