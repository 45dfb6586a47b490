// Preflight of a switch (docs/architecture.md, "Switching"): everything is checked, and everything the native
// re-init needs is computed, before the live interpreter is touched. A failure here leaves the running
// interpreter and the user's variables as they are.

import { PythonInfo, pythonInfo } from '../interpreter/python-info';
import { EnvError } from './env-error';
import { EnvInfo, checkVersionRule, majorMinorOf, normalizeVersion } from './env-info';
import { EnvironChange, environFor } from './environ';
import { targetDisk as disk } from './disk-reader';
import { hasStdlib, stdlibLandmark } from './layout';
import { ResolvedTarget } from './resolver';
import { errorMessage } from '../common/error-message';

export interface PreflightRules {
  majorMinor: string; // the kernel's, fixed at its first start
  baselinePath: string; // PATH as captured at kernel start
  // The libpython this process has loaded: an in-process switch needs a target that uses it
  // (docs/runtime-facts.md, fact 8).
  loadedLibpython: string | null;
}

export interface SwitchPlan {
  env: EnvInfo; // as the probe found it (the truth when pyvenv.cfg and the interpreter disagree)
  executable: string;
  baseExecutable: string;
  home: string; // PYTHONHOME semantics: the base prefix, or "prefix:exec_prefix" when they differ
  moduleSearchPaths: string[]; // the pre-site path: zip, stdlib, lib-dynload (site adds site-packages)
  libpython: string | null; // the target base installation's shared library; null when built static
  sameLibpython: boolean; // the same file as rules.loadedLibpython, so an in-process switch can use it
  environ: EnvironChange;
}

async function sameFile(a: string | null, b: string | null): Promise<boolean> {
  if (!a || !b) return false;
  const [sa, sb] = await Promise.all([disk.statOf(a), disk.statOf(b)]);
  return !!sa && !!sb && sa.id === sb.id;
}

// Layout and stdlib, checked on disk so the message names what is missing; the probe checks the rest.
async function checkLayout(target: ResolvedTarget): Promise<void> {
  const { env, cfg } = target;
  if (cfg?.home && !(await disk.isDirectory(cfg.home))) {
    throw new EnvError('broken_env', `the venv ${env.root} is broken: its base installation ${cfg.home} ` +
      '(home in pyvenv.cfg) does not exist');
  }
  if (!(await hasStdlib(disk, env.base_prefix, majorMinorOf(env.version)))) {
    throw new EnvError('broken_env', `the standard library of ${env.executable} is missing: no ` +
      stdlibLandmark(env.base_prefix, majorMinorOf(env.version)));
  }
}

export async function preflight(target: ResolvedTarget, rules: PreflightRules): Promise<SwitchPlan> {
  checkVersionRule(target.env, rules.majorMinor);
  await checkLayout(target);
  const { executable } = target.env;
  // The interpreter's own answer (python-info's probe, the one the kernel loaded its libpython by); the
  // child is killed if it outlives its deadline.
  let probe: PythonInfo;
  try {
    probe = await pythonInfo(executable);
  } catch (error) {
    throw new EnvError('broken_env', errorMessage(error));
  }
  const env: EnvInfo = { ...target.env, version: normalizeVersion(probe.version) ?? probe.version, base_prefix: probe.basePrefix };
  checkVersionRule(env, rules.majorMinor);
  const { libpython } = probe;
  const pre = probe.preSite;
  return {
    env,
    executable,
    // As the interpreter computes it: a venv's own python before 3.11; 3.7 has none, nor takes one.
    baseExecutable: probe.baseExecutable ?? probe.sysExecutable,
    home: pre.base_exec_prefix === pre.base_prefix ? pre.base_prefix : `${pre.base_prefix}:${pre.base_exec_prefix}`,
    moduleSearchPaths: pre.path,
    libpython,
    sameLibpython: await sameFile(libpython, rules.loadedLibpython),
    environ: environFor(env, rules.baselinePath),
  };
}
