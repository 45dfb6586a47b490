// Preflight of a switch (DESIGN.md, switching step 1): everything is checked, and everything the native
// re-init needs is computed, before the live interpreter is touched. A failure here leaves the running
// interpreter and the user's variables as they are.
import * as fs from 'fs';

import { pythonInfo } from '../interpreter/python-info';
import { EnvError } from './env-error';
import { EnvInfo, checkVersionRule, majorMinorOf } from './env-info';
import { EnvironChange, environFor } from './environ';
import { hasStdlib, stdlibLandmark } from './layout';
import { probeInterpreter } from './probe';
import { ResolvedTarget } from './resolver';

export interface PreflightRules {
  majorMinor: string; // the kernel's, fixed at its first start
  baselinePath: string; // PATH as captured at kernel start
  loadedLibpython: string | null; // the libpython this process has loaded (fact 8: the target must use it)
}

export interface SwitchPlan {
  env: EnvInfo; // as the probe found it (the truth when pyvenv.cfg and the interpreter disagree)
  programName: string;
  executable: string;
  baseExecutable: string;
  home: string; // PYTHONHOME semantics: the base prefix, or "prefix:exec_prefix" when they differ
  moduleSearchPaths: string[]; // the pre-site path: zip, stdlib, lib-dynload (site adds site-packages)
  libpython: string | null; // the target base installation's shared library; null when built static
  sameLibpython: boolean; // the same file as rules.loadedLibpython, so an in-process switch can use it
  environ: EnvironChange;
  expected: { prefix: string; exec_prefix: string; base_prefix: string; executable: string; sys_path: string[] };
}

function sameFile(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  const sa = fs.statSync(a, { throwIfNoEntry: false });
  const sb = fs.statSync(b, { throwIfNoEntry: false });
  return !!sa && !!sb && sa.dev === sb.dev && sa.ino === sb.ino;
}

// Layout and stdlib, checked on disk so the message names what is missing; the probe checks the rest.
function checkLayout(target: ResolvedTarget): void {
  const { env, cfg } = target;
  if (cfg?.home && !fs.statSync(cfg.home, { throwIfNoEntry: false })?.isDirectory()) {
    throw new EnvError('broken_env', `the venv ${env.root} is broken: its base installation ${cfg.home} ` +
      '(home in pyvenv.cfg) does not exist');
  }
  if (!hasStdlib(env.base_prefix, majorMinorOf(env.version))) {
    throw new EnvError('broken_env', `the standard library of ${env.executable} is missing: no ` +
      `${stdlibLandmark(env.base_prefix, majorMinorOf(env.version))}`);
  }
}

export async function preflight(target: ResolvedTarget, rules: PreflightRules): Promise<SwitchPlan> {
  checkVersionRule(target.env, rules.majorMinor);
  checkLayout(target);
  const { executable } = target.env;
  // Side by side; both settle before preflight does, so no child outlives it. The libpython comes from
  // python-info, the same answer the kernel loaded its own libpython by.
  const [probed, info] = await Promise.allSettled([probeInterpreter(executable), pythonInfo(executable)]);
  if (probed.status === 'rejected') throw probed.reason;
  if (info.status === 'rejected') throw new EnvError('broken_env', `${executable}: ${(info.reason as Error).message}`);
  const probe = probed.value;
  const env: EnvInfo = { ...target.env, version: probe.version, base_prefix: probe.base_prefix };
  checkVersionRule(env, rules.majorMinor);
  const { libpython } = info.value;
  const pre = probe.preSite;
  return {
    env,
    programName: executable,
    executable,
    // As the interpreter computes it: a venv's own python before 3.11; 3.7 has none, nor takes one.
    baseExecutable: probe.baseExecutable ?? probe.executable,
    home: pre.base_exec_prefix === pre.base_prefix ? pre.base_prefix : `${pre.base_prefix}:${pre.base_exec_prefix}`,
    moduleSearchPaths: pre.path,
    libpython,
    sameLibpython: sameFile(libpython, rules.loadedLibpython),
    environ: environFor(env, rules.baselinePath),
    expected: { prefix: probe.prefix, exec_prefix: probe.exec_prefix, base_prefix: probe.base_prefix,
      executable: probe.executable, sys_path: probe.path },
  };
}
