// One resolver for every switch target (README, "Switching environments"): an interpreter file, a venv or
// conda directory, a Python installation's root directory (a pyenv version folder, /usr: its bin/python3),
// or ""/"system" for the kernel's base interpreter. Anything else is an error, never a silent fall back to
// the system Python.
import { constants } from 'fs';
import * as fs from 'fs/promises';
import * as path from 'path';

import { DescribedEnv, describeBase, describeEnvDir } from './describe';
import { targetDisk as disk } from './disk-reader';
import { EnvError } from './env-error';
import { EnvDirKind, envKindOf, envOfInterpreter, interpreterOf, looksLikeInterpreter } from './layout';
import { expandPath } from './user-path';

export type ResolvedTarget = DescribedEnv;

export interface ResolveOptions {
  cwd: string; // what relative targets are relative to (the kernel's working directory)
  system: string; // the base interpreter the kernel was installed or started for
}

// Names the end of a chain of links that is missing (bin/python -> python3 -> /gone/bin/python3).
async function danglingMessage(link: string): Promise<string> {
  let missing = link;
  for (let hops = 0; hops < 40 && await disk.isSymlink(missing); hops++) {
    const target = await disk.readLink(missing);
    if (target === null) break;
    missing = path.resolve(path.dirname(missing), target);
  }
  return `${link} leads to ${missing}, which does not exist`;
}

async function brokenEnv(kind: EnvDirKind, root: string, interpreter: string): Promise<EnvError> {
  return new EnvError('broken_env', `the ${kind} environment ${root} is broken: ${await danglingMessage(interpreter)} ` +
    '(was its base installation removed?)');
}

async function resolveEnvDir(root: string, kind: EnvDirKind): Promise<ResolvedTarget> {
  const executable = await interpreterOf(disk, root);
  if (!executable) {
    throw new EnvError('broken_env', `${root} is a ${kind} environment without an interpreter (no bin/python)`);
  }
  if (!(await disk.statOf(executable))) throw await brokenEnv(kind, root, executable);
  return describeEnvDir(kind, root, executable);
}

// The interpreter of an installation root, which is what people type for a base installation: bin/python3
// (bin/python where only that exists), as a regular file or a link to one.
const INSTALLATION_INTERPRETERS = ['bin/python3', 'bin/python'];

async function installationInterpreterOf(dir: string): Promise<string | null> {
  for (const candidate of INSTALLATION_INTERPRETERS.map((relative) => path.join(dir, relative))) {
    if (await disk.isFile(candidate)) return candidate;
  }
  return null;
}

async function resolveInterpreter(file: string): Promise<ResolvedTarget> {
  if (!looksLikeInterpreter(file)) {
    throw new EnvError('not_python', `${file} is not a Python interpreter: name an interpreter (python, ` +
      'python3, python3.X) or an environment directory (with pyvenv.cfg or conda-meta)');
  }
  try {
    await fs.access(file, constants.X_OK);
  } catch {
    throw new EnvError('not_python', `${file} is not executable`);
  }
  const env = await envOfInterpreter(disk, file);
  return env ? describeEnvDir(env.kind, env.root, file) : describeBase(file);
}

// Resolves a switch target; throws EnvError not_found, not_python or broken_env (an environment whose
// interpreter is gone). Nothing is canonicalised: a symlinked venv keeps its symlinked root and executable.
// Every look at the disk is asynchronous: a target on a hung mount holds up its switch, not the kernel.
export async function resolveTarget(input: string, opts: ResolveOptions): Promise<ResolvedTarget> {
  const named = input === '' || input === 'system' ? opts.system : input;
  const target = expandPath(named, opts.cwd);
  if (!(await disk.existsAsName(target))) throw new EnvError('not_found', `${target} does not exist`);
  const stat = await disk.statOf(target);
  if (!stat) {
    if (await fs.stat(target).then(() => true, () => false)) {
      throw new EnvError('not_python', `${target} is neither an interpreter nor an environment directory`);
    }
    const env = await envOfInterpreter(disk, target);
    if (env) throw await brokenEnv(env.kind, env.root, target);
    throw new EnvError('not_found', await danglingMessage(target));
  }
  if (stat.kind === 'directory') {
    const kind = await envKindOf(disk, target);
    if (kind) return resolveEnvDir(target, kind);
    const installed = await installationInterpreterOf(target);
    if (installed) return resolveInterpreter(installed);
    throw new EnvError('not_python', `${target} is a directory but not a Python environment (it has neither ` +
      'pyvenv.cfg nor conda-meta) nor a Python installation (no bin/python3)');
  }
  return resolveInterpreter(target);
}
