// `pyswitch install` / `pyswitch uninstall`: the kernelspec that Jupyter (and our console) launch.
import * as fs from 'fs';
import * as path from 'path';

import { userDataDir } from '../common/jupyter-paths';
import { kernelspecStartupEnv } from '../common/node-startup-environ';
import { PACKAGE_ROOT, hasNativeAddons } from '../interpreter/native-build';
import { noNativeAddonError } from '../interpreter/native-toolchain';
import { PythonInfo, canImport, defaultPython, pythonInfo, sharedLibpython } from '../interpreter/python-info';
import { Args } from './args';
import { environmentInterpreter } from './env-option';
import { LABEXTENSION_BUILD_COMMAND, installLabextension, uninstallLabextension } from './labextension';

const KERNELSPEC_ASSETS = path.join(PACKAGE_ROOT, 'kernelspec');
const ENTRY = path.join(PACKAGE_ROOT, 'bin', 'pyswitch.js');

// jupyter_client's rule for kernelspec names (ASCII letters, digits, `.`, `_`, `-`), less the two names
// that are path components: a name never leads outside the kernels directory.
const KERNEL_NAME = /^[a-z0-9._-]+$/i;

export function checkKernelName(name: string): string {
  if (!KERNEL_NAME.test(name) || name === '.' || name === '..') {
    throw new Error(`invalid kernelspec name ${JSON.stringify(name)}: use ASCII letters, numbers, ".", "_" and "-" ` +
      '(as Jupyter does), and not "." or ".."');
  }
  return name;
}

function kernelsDir(args: Args, prefixOfPython: () => Promise<string>): Promise<string> | string {
  const prefix = args.option('--prefix');
  if (prefix) return path.join(path.resolve(prefix), 'share', 'jupyter', 'kernels');
  if (args.flag('--sys-prefix')) return prefixOfPython().then((p) => path.join(p, 'share', 'jupyter', 'kernels'));
  args.flag('--user'); // the default
  return path.join(userDataDir(), 'kernels');
}

// What the kernelspec runs, so that specs installed for different Pythons or environments are told apart in
// a launcher: the full version, and the interpreter or environment that was asked for (the plain default
// install keeps the short name).
export function defaultDisplayName(opts: { info: PythonInfo; python: string | null; env: string | null; plain: boolean }): string {
  const { info, python, env, plain } = opts;
  const runs = env ? path.basename(path.resolve(env)) : python ? info.sysExecutable : null;
  const details = [runs, plain ? 'plain' : null].filter((d): d is string => d !== null).join(', ');
  return `Python ${runs ? info.version : info.majorMinor} (pyswitch${details ? `: ${details}` : ''})`;
}

export async function install(argv: string[]): Promise<string> {
  const args = new Args(argv);
  const name = checkKernelName(args.option('--name') ?? 'pyswitch');
  const pythonArg = args.option('--python') ?? null;
  const python = pythonArg ?? defaultPython();
  const displayNameArg = args.option('--display-name');
  const env = args.option('--env') ?? null;
  const plain = args.flag('--plain');
  const system = await pythonInfo(python);
  // With --env the kernel starts in that environment, and its major.minor is the kernel's for life.
  const info = env ? await pythonInfo(await environmentInterpreter(env, system.sysExecutable)) : system;
  const dir = await kernelsDir(args, () => Promise.resolve(info.prefix));
  args.rejectUnknown();

  sharedLibpython(info);
  if (!hasNativeAddons(info.majorMinor)) throw noNativeAddonError(info);
  const spec = {
    // A 1 MB young generation: V8's default (up to 16 MB, tripled) only holds garbage of message
    // bursts for a kernel, whose heap is small (RSS after 1000 pipelined executes: 82 -> 76 MiB).
    // --jitless: the kernel's JS is a thin layer over native code (zeromq, crypto, the addon), and
    // V8's compiled code was 4-9 MiB of RSS for no measurable speed (docs/performance.md). It also
    // turns off WebAssembly, which the kernel does not use: --no-expose-wasm says so, or V8 warns on stderr
    // at every start that it disabled it.
    argv: [process.execPath, '--max-semi-space-size=1', '--jitless', '--no-expose-wasm', ENTRY, 'kernel', '-f', '{connection_file}', '--python', system.sysExecutable,
      ...(env ? ['--env', path.resolve(env)] : [])],
    display_name: displayNameArg ?? defaultDisplayName({ info, python: pythonArg, env, plain }),
    language: 'python',
    interrupt_mode: 'message',
    // PYSWITCH_IPYTHON=0: plain mode even where the interpreter has IPython (lighter and faster).
    // NODE_EXTRA_CA_CERTS: empty for Node's own start, the launcher's value carried to the cells.
    env: { ...kernelspecStartupEnv(), ...(plain ? { PYSWITCH_IPYTHON: '0' } : {}) },
    // JupyterLab shows its debugger button for kernels whose spec says so: the kernel starts on `info`.
    metadata: { debugger: await canImport(info.sysExecutable, 'debugpy'), pyswitch: { python: info.sysExecutable, version: info.version } },
  };
  const target = path.join(dir, name);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
  for (const asset of fs.readdirSync(KERNELSPEC_ASSETS).filter((f) => f.endsWith('.png') || f.endsWith('.svg'))) {
    fs.copyFileSync(path.join(KERNELSPEC_ASSETS, asset), path.join(target, asset));
  }
  const labextension = installLabextension(path.dirname(dir));
  // On stderr: stdout carries what `pyswitch start` runs after the install.
  process.stderr.write(labextension ? `pyswitch: installed the JupyterLab extension in ${labextension}\n`
    : `pyswitch: the JupyterLab extension is not built (run \`${LABEXTENSION_BUILD_COMMAND}\`); installed the kernelspec only\n`);
  return target;
}

export async function uninstall(argv: string[]): Promise<string> {
  const args = new Args(argv);
  const name = checkKernelName(args.option('--name') ?? 'pyswitch');
  const python = args.option('--python') ?? defaultPython();
  const dir = await kernelsDir(args, async () => (await pythonInfo(python)).prefix);
  args.rejectUnknown();
  const target = path.join(dir, name);
  if (!fs.existsSync(path.join(target, 'kernel.json'))) throw new Error(`no kernelspec ${name} in ${dir}`);
  fs.rmSync(target, { recursive: true });
  const labextension = uninstallLabextension(path.dirname(dir));
  if (labextension) process.stderr.write(`pyswitch: removed the JupyterLab extension ${labextension}\n`);
  return target;
}
