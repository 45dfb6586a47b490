// Building the native addons from source: the contributor's path, and the fallback where no prebuilt
// serves. What the build needs is checked first, so that a missing piece is named with the command that
// installs it instead of surfacing as a cmake error.
import * as fs from 'fs';
import * as path from 'path';

import { childProcess } from '../common/child-process';
import { PACKAGE_ROOT, PREBUILDS_DIR, SUPPORTED_MINORS, buildCommandFor, nativeBuildDir, prebuiltTag } from './native-build';
import { PythonInfo, sharedLibpython } from './python-info';

function onPath(...names: string[]): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  return names.some((name) => dirs.some((dir) => {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }));
}

function resolvable(request: string): string | undefined {
  try {
    return require.resolve(request, { paths: [PACKAGE_ROOT] });
  } catch {
    return undefined;
  }
}

// One line per missing piece, each saying what to install (Debian/Ubuntu package names); empty when the
// build can run.
export function missingBuildTools(info: PythonInfo): string[] {
  const missing: string[] = [];
  if (!onPath('cmake')) missing.push('cmake (apt-get install cmake)');
  if (!(process.env.CXX ? onPath(process.env.CXX) || fs.existsSync(process.env.CXX) : onPath('c++', 'g++', 'clang++'))) {
    missing.push('a C++17 compiler (apt-get install g++)');
  }
  if (!onPath('make', 'ninja')) missing.push('make or ninja (apt-get install make)');
  if (!info.includeDir || !fs.existsSync(path.join(info.includeDir, 'Python.h'))) {
    missing.push(`the headers of Python ${info.majorMinor}: Python.h in ${info.includeDir || 'its include dir'} ` +
      `(apt-get install python${info.majorMinor}-dev, or a Python built from source)`);
  }
  if (!resolvable('cmake-js/bin/cmake-js') || !resolvable('node-addon-api/package.json')) {
    missing.push('the npm build tools next to pyswitch (npm install -g cmake-js@8 node-addon-api@8, or ' +
      '`npm install` in a clone, where they are devDependencies)');
  }
  return missing;
}

function run(what: string, command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // The build's chatter is diagnostics: it goes to stderr, so stdout stays for results (npm pack --json).
    const child = childProcess().spawn(command, args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 2, 2] });
    child.on('error', (error) => reject(new Error(`${what} did not start: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${signal ? `killed by ${signal}` : `exit code ${code}`})`));
    });
  });
}

// Hash-checked bytecode: npm stamps every file of a tarball with one fixed mtime, which timestamp-checked
// .pyc files would never match (docs/packaging.md); the hash check still notices an edited source.
export function compileLang(python: string): Promise<void> {
  return run(`compiling kernel/lang with ${python}`, python, ['-m', 'compileall', '-q', '-f', '--invalidation-mode', 'checked-hash', path.join(PACKAGE_ROOT, 'kernel', 'lang')]);
}

// Builds the loader and the interpreter addon for `info`'s major.minor into build/native/pyX.Y, and
// compiles the in-kernel Python package's bytecode for that minor. Returns the build directory.
export async function buildNative(info: PythonInfo): Promise<string> {
  const libpython = sharedLibpython(info);
  const missing = missingBuildTools(info);
  if (missing.length > 0) {
    throw new Error(`building the native addons for Python ${info.majorMinor} needs:\n  - ${missing.join('\n  - ')}`);
  }
  const out = nativeBuildDir(info.majorMinor);
  try {
    fs.mkdirSync(out, { recursive: true });
    fs.accessSync(out, fs.constants.W_OK);
  } catch {
    throw new Error(`cannot write ${out}: build as the user who installed pyswitch`);
  }
  const addonApi = path.dirname(resolvable('node-addon-api/package.json') as string); // napi.h lives there
  const cmakeJs = resolvable('cmake-js/bin/cmake-js') as string;
  const options = ['--out', out, '--log-level', 'warn', `--CDPYSWITCH_PYTHON_INCLUDE=${info.includeDir}`,
    `--CDPYSWITCH_PYTHON_LIBRARY=${libpython}`, `--CDPYSWITCH_NODE_ADDON_API=${addonApi}`];
  // Configure every time: `cmake-js build` alone keeps an existing build dir's cache as it was.
  await run(`configuring the native build for Python ${info.version}`, process.execPath, [cmakeJs, 'configure', ...options]);
  await run(`the native build for Python ${info.version}`, process.execPath, [cmakeJs, 'build', ...options]);
  await compileLang(info.sysExecutable);
  return out;
}

// How to get a native addon for `info` by building one, with whatever the build would miss here.
function buildAdvice(info: PythonInfo): string {
  const missing = missingBuildTools(info);
  const build = `\`${buildCommandFor(info.executable)}\``;
  return missing.length === 0 ? `build them with ${build}`
    : `building them with ${build} needs what is missing here:\n  - ${missing.join('\n  - ')}`;
}

// Why no native addon serves `info`, and exactly what gets one (the build, or what the build needs).
export function noNativeAddonError(info: PythonInfo): Error {
  const tag = prebuiltTag();
  const range = `${SUPPORTED_MINORS[0]} to ${SUPPORTED_MINORS[SUPPORTED_MINORS.length - 1]}`;
  let why: string;
  if (tag === undefined) why = `prebuilt addons serve linux-x64 with glibc only, and this is ${process.platform}-${process.arch}`;
  else if (!fs.existsSync(PREBUILDS_DIR)) why = 'this copy of pyswitch has no prebuilt addons (a clone builds its own)';
  else if (!SUPPORTED_MINORS.includes(info.majorMinor)) why = `pyswitch supports Python ${range}, each with a prebuilt addon`;
  else why = `the prebuilt addon for ${info.majorMinor} is missing from ${PREBUILDS_DIR} (reinstall pyswitch)`;
  return new Error(`no native addon for Python ${info.version} (${info.executable}): ${why}; ${buildAdvice(info)}`);
}

// Loads a native addon; one that the dynamic linker refuses (a prebuilt addon on a glibc older than it
// needs, docs/packaging.md fact 2) becomes an error that says how to get one that loads.
export function loadNativeAddon(info: PythonInfo, addonPath: string): unknown {
  try {
    return require(addonPath);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_DLOPEN_FAILED') throw error;
    throw new Error(`the native addon ${addonPath} does not load here (${(error as Error).message}); ${buildAdvice(info)}`,
      { cause: error });
  }
}
