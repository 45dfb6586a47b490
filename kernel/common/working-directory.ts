import * as fs from 'fs';

// The kernel's working directory, what relative switch targets and discovery roots are relative to: the
// process's own, which a cell's os.chdir moves. Node's process.cwd() keeps the first answer it gave
// until Node itself changes directory, and throws ENOENT when its first call comes after a cell removed
// the directory (chdir into a temp dir, then delete it): every environment request then failed
// unanswered. null means it is gone.
export function workingDirectory(): string | null {
  let current: string;
  try {
    current = fs.readlinkSync('/proc/self/cwd'); // the kernel names a removed one "<path> (deleted)"
  } catch {
    try {
      return process.cwd();
    } catch {
      return null;
    }
  }
  return fs.existsSync(current) ? current : null;
}
