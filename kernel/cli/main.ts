// The `pyswitch` command.
import * as path from 'path';

import { EmbeddedPython } from '../interpreter/embedded-python';
import { defaultPython, pythonInfo } from '../interpreter/python-info';
import { readConnectionFile } from '../transport/connection-file';
import { Args } from './args';
import { environmentInterpreter } from './env-option';
import { install, uninstall } from './install';

const USAGE = `usage: pyswitch <command>
  kernel -f CONNECTION_FILE [--python PATH] [--env ENV]   run the kernel (what Jupyter launches)
  install [--user | --sys-prefix | --prefix P] [--name N] [--display-name D] [--python PATH] [--env ENV] [--plain]
  uninstall [--user | --sys-prefix | --prefix P] [--name N]
  console [--kernel NAME]                      a terminal session (default kernelspec: pyswitch)
  start                                        install for the user, then open a console
The interpreter defaults to $PYSWITCH_PYTHON, else python3 on PATH; it is what "system" switches back to.
--env starts the kernel in an environment (a venv or conda directory, or an interpreter) instead.
Cells run through IPython where the interpreter has it; --plain installs a kernel that never does.`;

async function runKernel(argv: string[]): Promise<void> {
  const args = new Args(argv);
  const file = args.option('-f', '--connection-file');
  const python = args.option('--python') ?? defaultPython();
  const env = args.option('--env');
  const resumeFile = args.option('--resume'); // a re-exec switch's new image (see server/resume-state.ts)
  args.rejectUnknown();
  if (!file) throw new Error('kernel needs -f CONNECTION_FILE');
  const connection = readConnectionFile(file);
  const system = await pythonInfo(python);
  const info = env ? await pythonInfo(await environmentInterpreter(env, system.sysExecutable)) : system;
  const interpreter = new EmbeddedPython(info);
  // The protocol stack (zeromq, crypto) loads while Python initialises on its own thread.
  const [{ Kernel }, { ProcessImage }, resume] = await Promise.all([
    import('../server/kernel'), import('../server/process-image'),
    resumeFile ? import('../server/resume-state').then(({ takeResumeState }) => takeResumeState(resumeFile)) : undefined,
  ]);
  await Kernel.start(connection, interpreter, info, new ProcessImage(path.resolve(file), system.sysExecutable, info.majorMinor), resume);
}

async function runConsole(argv: string[]): Promise<number> {
  const { runConsole: run } = await import('./console');
  return run(argv);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'kernel':
      await runKernel(rest);
      return -1; // keeps serving until a shutdown_request
    case 'install':
      console.log(`installed kernelspec in ${await install(rest)}`);
      return 0;
    case 'uninstall':
      console.log(`removed ${await uninstall(rest)}`);
      return 0;
    case 'console':
      return runConsole(rest);
    case 'start':
      process.stderr.write(`pyswitch: kernelspec installed in ${await install(['--user'])}\n`);
      return runConsole(rest);
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`pyswitch: unknown command ${command}\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`pyswitch: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
