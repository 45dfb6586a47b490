// Kernelspec lookup as jupyter_client does it: the first `kernels/<name>/kernel.json` in the Jupyter data
// directories, names compared case-insensitively.
import * as fs from 'fs';
import * as path from 'path';

import { jupyterDataDirs } from '../common/jupyter-paths';
import { errorMessage } from '../common/error-message';

export interface KernelSpec {
  name: string;
  resourceDir: string;
  argv: string[];
  displayName: string;
  language: string;
  // 'signal': interrupt with SIGINT; 'message': with an interrupt_request on control.
  interruptMode: 'signal' | 'message';
  env: Record<string, string>;
}

function kernelSpecDirs(): string[] {
  return jupyterDataDirs().map((dir) => path.join(dir, 'kernels'));
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string');
}

function readKernelSpec(name: string, resourceDir: string): KernelSpec {
  const file = path.join(resourceDir, 'kernel.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file}: ${errorMessage(error)}`, { cause: error });
  }
  if (!isStringArray(raw.argv) || raw.argv.length === 0) throw new Error(`${file}: "argv" must be a non-empty list of strings`);
  const env = raw.env ?? {};
  if (!isStringMap(env)) throw new Error(`${file}: "env" must map names to strings`);
  const interruptMode = raw.interrupt_mode ?? 'signal';
  if (interruptMode !== 'signal' && interruptMode !== 'message') throw new Error(`${file}: "interrupt_mode" must be signal or message`);
  return {
    name,
    resourceDir,
    argv: raw.argv,
    displayName: typeof raw.display_name === 'string' ? raw.display_name : name,
    language: typeof raw.language === 'string' ? raw.language : '',
    interruptMode,
    env,
  };
}

function specDirIn(kernelsDir: string, name: string): string | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync(kernelsDir);
  } catch {
    return undefined; // most of the standard directories do not exist
  }
  return entries
    .filter((entry) => entry.toLowerCase() === name)
    .map((entry) => path.join(kernelsDir, entry))
    .find((dir) => fs.existsSync(path.join(dir, 'kernel.json')));
}

export function findKernelSpec(name: string): KernelSpec {
  const wanted = name.toLowerCase();
  const searched = kernelSpecDirs();
  for (const kernelsDir of searched) {
    const dir = specDirIn(kernelsDir, wanted);
    if (dir) return readKernelSpec(wanted, dir);
  }
  throw new Error(`no kernelspec named ${JSON.stringify(name)} in ${searched.join(', ')}`);
}
