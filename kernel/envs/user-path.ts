// Paths as users type them: `~` or `~/…` for the home directory, relative to a working directory, trailing
// slashes. Lexical only: symlinks are never resolved (a symlinked venv must stay what it was named).
import * as os from 'os';
import * as path from 'path';

export function expandPath(input: string, cwd: string): string {
  const expanded = input === '~' || input.startsWith('~/') ? os.homedir() + input.slice(1) : input;
  return path.resolve(cwd, expanded);
}
