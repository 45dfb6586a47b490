// Where a cell's code lives while it is debugged. The frontend names the file itself from the cell's code
// (tmpFilePrefix + murmur2(code, hashSeed) + tmpFileSuffix, messaging spec "debugInfo"), and sets its
// breakpoints on that path; the kernel writes the code there and compiles the cell under that same name,
// so the adapter's frame paths are exactly the frontend's strings (docs/debugger.md, facts 14-15).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const HASH_METHOD = 'Murmur2'; // the only method JupyterLab knows
export const HASH_SEED = 0xc70f6907; // any fixed seed does; ipykernel's, so both name a cell alike
export const TMP_FILE_SUFFIX = '.py';

const M = 0x5bd1e995;

// MurmurHash2 (32-bit) of the code's UTF-8 bytes, unsigned, as JupyterLab's debugger computes it.
export function murmur2(text: string, seed: number): number {
  const data = Buffer.from(text, 'utf8');
  let h = (seed ^ data.length) >>> 0;
  let i = 0;
  for (; i + 4 <= data.length; i += 4) {
    let k = data.readUInt32LE(i);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = data.length - i; // the last 1 to 3 bytes
  if (rest > 0) {
    if (rest === 3) h ^= data[i + 2] << 16;
    if (rest >= 2) h ^= data[i + 1] << 8;
    h ^= data[i];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h >>> 0;
}

export class CellFiles {
  // One directory per kernel process (a re-exec keeps the PID, and so the names), private to the user.
  readonly prefix = path.join(os.tmpdir(), `pyswitch_${process.pid}`) + path.sep;

  pathOf(code: string): string {
    return `${this.prefix}${murmur2(code, HASH_SEED)}${TMP_FILE_SUFFIX}`;
  }

  // Writes the cell's code to its file; returns the path.
  async dump(code: string): Promise<string> {
    const file = this.pathOf(code);
    await fs.promises.mkdir(this.prefix, { recursive: true, mode: 0o700 });
    await fs.promises.writeFile(file, code, { encoding: 'utf8', mode: 0o600 });
    return file;
  }

  removeAll(): void {
    fs.rmSync(this.prefix, { recursive: true, force: true });
  }
}
