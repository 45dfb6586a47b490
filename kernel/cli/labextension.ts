// The JupyterLab extension `pyswitch-jupyterlab` (built from labextension/ into labextension/build/), installed
// next to the kernelspecs: `<data dir>/labextensions/pyswitch-jupyterlab/`, where JupyterLab 4 finds prebuilt
// extensions. One copy serves every pyswitch kernelspec of that data dir.
import * as fs from 'fs';
import * as path from 'path';

import { PACKAGE_ROOT } from '../interpreter/native-build';

export const LABEXTENSION_NAME = 'pyswitch-jupyterlab';
const BUILT = path.join(PACKAGE_ROOT, 'labextension', 'build');
export const LABEXTENSION_BUILD_COMMAND = 'npm run build:labextension';

function target(dataDir: string): string {
  return path.join(dataDir, 'labextensions', LABEXTENSION_NAME);
}

// Copies the built extension (package.json, static/, schemas/); null when it was never built, which
// leaves JupyterLab without the picker but the kernel fully usable.
export function installLabextension(dataDir: string, built = BUILT): string | null {
  if (!fs.existsSync(path.join(built, 'package.json'))) return null;
  const dir = target(dataDir);
  fs.rmSync(dir, { recursive: true, force: true }); // no stale hashed bundles of an older build
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.cpSync(built, dir, { recursive: true });
  return dir;
}

function isPyswitchSpec(file: string): boolean {
  try {
    const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as { metadata?: { pyswitch?: unknown } };
    return spec.metadata?.pyswitch !== undefined;
  } catch {
    return false;
  }
}

// Removes the extension once no pyswitch kernelspec is left in the data dir's kernels/.
export function uninstallLabextension(dataDir: string): string | null {
  const kernels = path.join(dataDir, 'kernels');
  const left = fs.existsSync(kernels) && fs.readdirSync(kernels).some((name) => isPyswitchSpec(path.join(kernels, name, 'kernel.json')));
  const dir = target(dataDir);
  if (left || !fs.existsSync(dir)) return null;
  fs.rmSync(dir, { recursive: true });
  return dir;
}
