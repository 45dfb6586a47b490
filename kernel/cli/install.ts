// `pyswitch install` / `pyswitch uninstall`: the kernelspec that Jupyter (and our console) launch.
import * as fs from 'fs';
import * as path from 'path';

import { userDataDir } from '../client/jupyter-paths';
import { PACKAGE_ROOT, buildCommandFor, nativeAddonPath } from '../interpreter/native-build';
import { defaultPython, pythonInfo } from '../interpreter/python-info';
import { Args } from './args';
import { environmentInterpreter } from './env-option';

const KERNELSPEC_ASSETS = path.join(PACKAGE_ROOT, 'kernelspec');
const ENTRY = path.join(PACKAGE_ROOT, 'bin', 'pyswitch.js');

function kernelsDir(args: Args, prefixOfPython: () => Promise<string>): Promise<string> | string {
  const prefix = args.option('--prefix');
  if (prefix) return path.join(path.resolve(prefix), 'share', 'jupyter', 'kernels');
  if (args.flag('--sys-prefix')) return prefixOfPython().then((p) => path.join(p, 'share', 'jupyter', 'kernels'));
  args.flag('--user'); // the default
  return path.join(userDataDir(), 'kernels');
}

export async function install(argv: string[]): Promise<string> {
  const args = new Args(argv);
  const name = args.option('--name') ?? 'pyswitch';
  const python = args.option('--python') ?? defaultPython();
  const displayNameArg = args.option('--display-name');
  const env = args.option('--env');
  const plain = args.flag('--plain');
  const system = await pythonInfo(python);
  // With --env the kernel starts in that environment, and its major.minor is the kernel's for life.
  const info = env ? await pythonInfo(await environmentInterpreter(env, system.sysExecutable)) : system;
  const dir = await kernelsDir(args, async () => info.prefix);
  args.rejectUnknown();

  if (!info.libpython) throw new Error(`${python} (Python ${info.version}) has no shared libpython; pyswitch needs a Python built with --enable-shared`);
  if (!fs.existsSync(nativeAddonPath(info.majorMinor, 'pyswitch_python'))) {
    throw new Error(`no native build for Python ${info.majorMinor}: run \`${buildCommandFor(python)}\` first`);
  }
  const spec = {
    // A 1 MB young generation: V8's default (up to 16 MB, tripled) only holds garbage of message
    // bursts for a kernel, whose heap is small (RSS after 1000 pipelined executes: 82 -> 76 MiB).
    argv: [process.execPath, '--max-semi-space-size=1', ENTRY, 'kernel', '-f', '{connection_file}', '--python', system.sysExecutable,
      ...(env ? ['--env', path.resolve(env)] : [])],
    display_name: displayNameArg ?? `Python ${info.majorMinor} (pyswitch${env ? `: ${path.basename(path.resolve(env))}` : ''})`,
    language: 'python',
    interrupt_mode: 'message',
    // PYSWITCH_IPYTHON=0: plain mode even where the interpreter has IPython (lighter and faster).
    env: plain ? { PYSWITCH_IPYTHON: '0' } : {},
    metadata: { debugger: false, pyswitch: { python: info.sysExecutable, version: info.version } },
  };
  const target = path.join(dir, name);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
  for (const asset of fs.readdirSync(KERNELSPEC_ASSETS).filter((f) => f.endsWith('.png') || f.endsWith('.svg'))) {
    fs.copyFileSync(path.join(KERNELSPEC_ASSETS, asset), path.join(target, asset));
  }
  return target;
}

export async function uninstall(argv: string[]): Promise<string> {
  const args = new Args(argv);
  const name = args.option('--name') ?? 'pyswitch';
  const python = args.option('--python') ?? defaultPython();
  const dir = await kernelsDir(args, async () => (await pythonInfo(python)).prefix);
  args.rejectUnknown();
  const target = path.join(dir, name);
  if (!fs.existsSync(path.join(target, 'kernel.json'))) throw new Error(`no kernelspec ${name} in ${dir}`);
  fs.rmSync(target, { recursive: true });
  return target;
}
