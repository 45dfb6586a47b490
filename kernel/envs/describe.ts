// EnvInfo of an environment from what it says about itself (pyvenv.cfg, conda-meta) and, where that is not
// enough, from its interpreter (python-info's probe, cached per path and mtime).
import { PythonInfo, pythonInfo } from '../interpreter/python-info';
import { EnvError } from './env-error';
import { EnvInfo, EnvKind, majorMinorOf, normalizeVersion } from './env-info';
import { targetDisk as disk } from './disk-reader';
import { EnvDirKind, condaPythonVersion, hasStdlib, prefixAbove } from './layout';
import { PyvenvCfg, readPyvenvCfg } from './pyvenv-cfg';

export interface DescribedEnv {
  env: EnvInfo;
  cfg: PyvenvCfg | null; // the venv's configuration; null for conda and base installations
}

// Asks the interpreter; `root` null means a base installation, whose root is its own sys.prefix.
async function askInterpreter(kind: EnvKind, root: string | null, executable: string,
  includeSystemSitePackages: boolean): Promise<EnvInfo> {
  let info: PythonInfo;
  try {
    info = await pythonInfo(executable);
  } catch (error) {
    // Inside an environment the interpreter is the environment's: if it cannot answer, the env is broken.
    const why = `${executable} is not a working Python interpreter: ${(error as Error).message}`;
    throw root === null ? new EnvError('not_python', why) : new EnvError('broken_env', `${root}: ${why}`);
  }
  return { kind, root: root ?? info.prefix, executable, version: normalizeVersion(info.version) ?? info.version,
    base_prefix: info.basePrefix, include_system_site_packages: includeSystemSitePackages };
}

async function describeVenv(root: string, executable: string): Promise<DescribedEnv> {
  const cfg = await readPyvenvCfg(disk, root);
  const basePrefix = cfg.version && cfg.home ? await prefixAbove(disk, cfg.home, majorMinorOf(cfg.version)) : null;
  const env = cfg.version && basePrefix
    ? { kind: 'venv' as const, root, executable, version: cfg.version, base_prefix: basePrefix,
      include_system_site_packages: cfg.includeSystemSitePackages }
    : await askInterpreter('venv', root, executable, cfg.includeSystemSitePackages);
  return { env, cfg };
}

// A conda environment is a full installation: its own prefix when it holds its own stdlib (a layout
// whose bin/python links into another installation takes that one's prefix, so we ask).
async function describeConda(root: string, executable: string): Promise<DescribedEnv> {
  const version = await condaPythonVersion(disk, root);
  const env = version && await hasStdlib(disk, root, majorMinorOf(version))
    ? { kind: 'conda' as const, root, executable, version, base_prefix: root, include_system_site_packages: false }
    : await askInterpreter('conda', root, executable, false);
  return { env, cfg: null };
}

export function describeEnvDir(kind: EnvDirKind, root: string, executable: string): Promise<DescribedEnv> {
  return kind === 'venv' ? describeVenv(root, executable) : describeConda(root, executable);
}

// An interpreter outside any environment: a base installation.
export async function describeBase(executable: string): Promise<DescribedEnv> {
  return { env: await askInterpreter('system', null, executable, false), cfg: null };
}
