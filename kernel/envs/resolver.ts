// One resolver for every switch target (DESIGN.md, "Environment switching contract"): an interpreter file,
// a venv or conda directory, or ""/"system" for the kernel's base interpreter. Anything else is an error,
// never a silent fall back to the system Python.
import * as fs from 'fs';
import * as path from 'path';

import { DescribedEnv, describeBase, describeEnvDir } from './describe';
import { EnvError } from './env-error';
import { EnvDirKind, envKindOf, envOfInterpreter, interpreterOf, looksLikeInterpreter } from './layout';
import { expandPath } from './user-path';

export type ResolvedTarget = DescribedEnv;

export interface ResolveOptions {
  cwd: string; // what relative targets are relative to (the kernel's working directory)
  system: string; // the base interpreter the kernel was installed or started for
}

// Names the end of a chain of links that is missing (bin/python -> python3 -> /gone/bin/python3).
function danglingMessage(link: string): string {
  let missing = link;
  for (let hops = 0; hops < 40 && fs.lstatSync(missing, { throwIfNoEntry: false })?.isSymbolicLink(); hops++) {
    missing = path.resolve(path.dirname(missing), fs.readlinkSync(missing));
  }
  return `${link} leads to ${missing}, which does not exist`;
}

function brokenEnv(kind: EnvDirKind, root: string, interpreter: string): EnvError {
  return new EnvError('broken_env', `the ${kind} environment ${root} is broken: ${danglingMessage(interpreter)} ` +
    '(was its base installation removed?)');
}

// Also how discover() describes what it finds, so a listed environment is what a switch to it would get.
export async function resolveEnvDir(root: string, kind: EnvDirKind): Promise<ResolvedTarget> {
  const executable = interpreterOf(root);
  if (!executable) {
    throw new EnvError('broken_env', `${root} is a ${kind} environment without an interpreter (no bin/python)`);
  }
  if (!fs.existsSync(executable)) throw brokenEnv(kind, root, executable);
  return describeEnvDir(kind, root, executable);
}

async function resolveInterpreter(file: string): Promise<ResolvedTarget> {
  if (!looksLikeInterpreter(file)) {
    throw new EnvError('not_python', `${file} is not a Python interpreter: name an interpreter (python, ` +
      'python3, python3.X) or an environment directory (with pyvenv.cfg or conda-meta)');
  }
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new EnvError('not_python', `${file} is not executable`);
  }
  const env = envOfInterpreter(file);
  return env ? describeEnvDir(env.kind, env.root, file) : describeBase(file);
}

// Resolves a switch target; throws EnvError not_found, not_python or broken_env (an environment whose
// interpreter is gone). Nothing is canonicalised: a symlinked venv keeps its symlinked root and executable.
export async function resolveTarget(input: string, opts: ResolveOptions): Promise<ResolvedTarget> {
  const named = input === '' || input === 'system' ? opts.system : input;
  const target = expandPath(named, opts.cwd);
  const link = fs.lstatSync(target, { throwIfNoEntry: false });
  if (!link) throw new EnvError('not_found', `${target} does not exist`);
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) {
    const env = envOfInterpreter(target);
    if (env) throw brokenEnv(env.kind, env.root, target);
    throw new EnvError('not_found', danglingMessage(target));
  }
  if (stat.isDirectory()) {
    const kind = envKindOf(target);
    if (!kind) {
      throw new EnvError('not_python', `${target} is a directory but not a Python environment (it has neither ` +
        'pyvenv.cfg nor conda-meta)');
    }
    return resolveEnvDir(target, kind);
  }
  if (stat.isFile()) return resolveInterpreter(target);
  throw new EnvError('not_python', `${target} is neither an interpreter nor an environment directory`);
}
