// An environment found by discover(), described from its files alone: discovery never runs what it finds
// (a downloaded folder with a pyvenv.cfg and an executable bin/python must not run as the user). The
// version comes from pyvenv.cfg or conda's record of its python package, else the base installation's
// patchlevel.h, else as major.minor from names (lib/pythonX.Y, a pythonX.Y interpreter); null when none
// says. Only an explicit switch target is ever asked (preflight probes it).
import * as path from 'path';

import type { DiscoveredEnv } from '../protocol/env-messages';
import { discoveryDisk as disk } from './disk-reader';
import { majorMinorOf, normalizeVersion } from './env-info';
import { EnvDirKind, condaPythonVersion, hasStdlib, interpreterOf, prefixAbove } from './layout';
import { readPyvenvCfg } from './pyvenv-cfg';

const VERSIONED_NAME = /^python(\d+\.\d+)$/;
const PATCHLEVEL = /^#define\s+PY_VERSION\s+"([^"]+)"/m;

// X.Y from names: the interpreter's own file once links are followed (python3.11), or lib/pythonX.Y.
async function majorMinorFromNames(root: string, realExecutable: string | null): Promise<string | null> {
  const own = realExecutable ? VERSIONED_NAME.exec(path.basename(realExecutable)) : null;
  if (own) return own[1];
  const libs = (await disk.listDirectory(path.join(root, 'lib'))).filter((e) => e.kind !== 'file')
    .map((e) => VERSIONED_NAME.exec(e.name)?.[1]).filter((v): v is string => v !== undefined);
  return libs.length === 1 ? libs[0] : null; // two of them would be a guess
}

async function patchlevelVersion(prefix: string, majorMinor: string): Promise<string | null> {
  const text = await disk.readSmallFile(path.join(prefix, 'include', `python${majorMinor}`, 'patchlevel.h'));
  const version = text ? PATCHLEVEL.exec(text)?.[1] : undefined;
  const normalized = version ? normalizeVersion(version) : null;
  return normalized && majorMinorOf(normalized) === majorMinor ? normalized : null;
}

// Null for an environment whose interpreter is missing or is no file once its links are followed (a
// broken environment, which is not offered).
export async function readEnv(root: string, kind: EnvDirKind, kernelMajorMinor: string): Promise<DiscoveredEnv | null> {
  const executable = await interpreterOf(disk, root);
  if (!executable || !(await disk.isFile(executable))) return null;
  const realExecutable = await disk.realPath(executable);
  const cfg = kind === 'venv' ? await readPyvenvCfg(disk, root) : null;
  const declared = cfg ? cfg.version : await condaPythonVersion(disk, root);
  const majorMinor = declared ? majorMinorOf(declared) : await majorMinorFromNames(root, realExecutable);
  let basePrefix: string | null = null;
  if (majorMinor) {
    const ownStdlib = kind === 'conda' && await hasStdlib(disk, root, majorMinor);
    basePrefix = ownStdlib ? root
      : cfg?.home ? await prefixAbove(disk, cfg.home, majorMinor)
        : realExecutable ? await prefixAbove(disk, path.dirname(realExecutable), majorMinor) : null;
  }
  const version = declared ?? (majorMinor && basePrefix ? await patchlevelVersion(basePrefix, majorMinor) : null) ?? majorMinor;
  return {
    kind, root, executable, version, base_prefix: basePrefix,
    include_system_site_packages: cfg?.includeSystemSitePackages ?? false,
    compatible: majorMinor === null ? null : majorMinor === kernelMajorMinor,
  };
}
