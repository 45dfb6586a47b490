// `pyswitch build [--python PATH]`: the native addons from source, for a Python no prebuilt serves, or
// for a contributor's changes to native/.
import { buildNative } from '../interpreter/native-toolchain';
import { defaultPython, pythonInfo } from '../interpreter/python-info';
import { Args } from './args';

export async function build(argv: string[]): Promise<string> {
  const args = new Args(argv);
  const python = args.option('--python') ?? defaultPython();
  args.rejectUnknown();
  const info = await pythonInfo(python);
  process.stderr.write(`pyswitch: building the native addons for Python ${info.version} (${info.sysExecutable})\n`);
  return buildNative(info);
}
