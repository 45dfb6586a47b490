// The `pyswitch` command.
import * as path from 'path';

// Only what a kernel needs before its interpreter starts initialising is imported here; the rest is
// imported where it is used, so that the interpreter's thread starts sooner (docs/performance.md, "Start-up").
import { EmbeddedPython } from '../interpreter/embedded-python';
import { cachedPythonInfo, defaultPython, pythonInfo } from '../interpreter/python-info';
import { log } from '../common/log';
import type { StartKernel } from '../server/reexec';
import { readConnectionFile } from '../transport/connection-file';
import { poolWithRoomForTheHeartbeat } from '../transport/pool-size';
import { Args } from './args';
import { errorMessage } from '../common/error-message';
import { restoreAfterNodeStartup } from '../common/node-startup-environ';

const USAGE = `usage: pyswitch <command>
  install [--user | --sys-prefix | --prefix P] [--name N] [--display-name D] [--python PATH] [--env ENV] [--plain]
                                               register the kernel with Jupyter (after npm install -g)
  uninstall [--user | --sys-prefix | --prefix P] [--name N]
  console [--kernel NAME]                      a terminal session (default kernelspec: pyswitch)
  kernel -f CONNECTION_FILE [--python PATH] [--env ENV]   run the kernel (what Jupyter launches)
  start                                        install for the user, then open a console
  build [--python PATH]                        build the native addons from source (cmake, g++, Python headers)
  --version, --help
The interpreter defaults to $PYSWITCH_PYTHON, else python3 on PATH; it is what "system" switches back to.
--env starts the kernel in an environment (a venv or conda directory, or an interpreter) instead.
Cells run through IPython where the interpreter has it; --plain installs a kernel that never does.`;

// A kernel serves whatever its frontends send: a fault in handling one message is logged, and the kernel
// goes on serving the rest (every handler catches its own errors; this is the net under them).
function keepServingOnFaults(): void {
  const report = (what: string) => (error: unknown) =>
    log(`${what} (the kernel goes on): ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.on('unhandledRejection', report('unhandled rejection'));
  process.on('uncaughtException', report('uncaught exception'));
}

async function runKernel(argv: string[]): Promise<void> {
  restoreAfterNodeStartup(); // before the interpreter or any child process reads the environment
  poolWithRoomForTheHeartbeat();
  keepServingOnFaults();
  const args = new Args(argv);
  const file = args.option('-f', '--connection-file');
  const python = args.option('--python') ?? defaultPython();
  const env = args.option('--env');
  // A re-exec switch's new image (server/reexec.ts): the inherited hand-off descriptor.
  const handOffFd = args.option('--handoff');
  args.rejectUnknown();
  if (!file) throw new Error('kernel needs -f CONNECTION_FILE');
  const connectionFile = path.resolve(file);
  const start: StartKernel = async (connection, image, resume, listeners) => {
    // Cached, read synchronously: the interpreter's thread cannot start before (python-info.ts).
    const infoOf = async (executable: string) => cachedPythonInfo(executable) ?? pythonInfo(executable);
    const system = await infoOf(python);
    const kernelspec = env
      ? await infoOf(await (await import('./env-option')).environmentInterpreter(env, system.sysExecutable)) : system;
    // A frontend's restart comes back in the environment the kernel was in (server/restart-state.ts).
    const previous = resume || image ? null : (await import('../server/restart-state')).takeRestartState(connectionFile, connection.key);
    const restarted = previous
      ? await (await import('../server/restart-environment')).restartIn(previous, kernelspec, system.sysExecutable) : undefined;
    const info = restarted?.info ?? kernelspec;
    const interpreter = new EmbeddedPython(info);
    // The protocol stack (zeromq, crypto) loads while Python initialises on its own thread.
    const { Kernel } = await import('../server/kernel');
    const { ProcessImage } = await import('../server/process-image');
    await Kernel.start(connection, interpreter, info, image ?? new ProcessImage(connectionFile, system.sysExecutable, info.majorMinor),
      resume, restarted, listeners);
  };
  if (handOffFd) {
    const { resumeImage } = await import('../server/reexec');
    return resumeImage({ handOffFd: Number(handOffFd), connectionFile, system: python }, start);
  }
  return start(readConnectionFile(file));
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
      console.log(`installed kernelspec in ${await (await import('./install')).install(rest)}`);
      return 0;
    case 'uninstall':
      console.log(`removed ${await (await import('./install')).uninstall(rest)}`);
      return 0;
    case 'console':
      return runConsole(rest);
    case 'build':
      console.log(`built the native addons in ${await (await import('./build')).build(rest)}`);
      return 0;
    case '-V':
    case '--version':
      console.log((await import('./version')).versionText());
      return 0;
    case 'start':
      process.stderr.write(`pyswitch: kernelspec installed in ${await (await import('./install')).install(['--user'])}\n`);
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
    console.error(`pyswitch: ${errorMessage(error)}`);
    process.exit(1);
  },
);
