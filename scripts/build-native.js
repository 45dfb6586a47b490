#!/usr/bin/env node
// Builds the native addons for one Python (default: $PYSWITCH_PYTHON or python3 on PATH):
//   node scripts/build-native.js [--python PATH]
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const { pythonInfo, defaultPython } = require(path.join(root, 'dist', 'interpreter', 'python-info.js'));
const { nativeBuildDir } = require(path.join(root, 'dist', 'interpreter', 'native-build.js'));

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const python = argValue('--python') || defaultPython();
  const info = await pythonInfo(python);
  if (!info.libpython) {
    throw new Error(`${python} (Python ${info.version}) has no shared libpython: pyswitch embeds libpython, ` +
      'so it needs a Python built with --enable-shared');
  }
  const out = nativeBuildDir(info.majorMinor);
  console.error(`pyswitch: building the native addons for Python ${info.version} (${info.sysExecutable}) in ${out}`);
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const result = spawnSync(process.execPath, [cmakeJs, 'build', '--out', out, '--log-level', 'warn',
    `--CDPYSWITCH_PYTHON_INCLUDE=${info.includeDir}`, `--CDPYSWITCH_PYTHON_LIBRARY=${info.libpython}`],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`the native build for Python ${info.version} failed`);
  // Ship the kernel's Python side precompiled: with PYTHONDONTWRITEBYTECODE set, it would otherwise be
  // compiled again at every kernel start.
  const compiled = spawnSync(info.sysExecutable, ['-m', 'compileall', '-q', path.join(root, 'kernel', 'lang')],
    { stdio: ['ignore', 'inherit', 'inherit'] });
  if (compiled.status !== 0) throw new Error(`compiling kernel/lang with ${info.sysExecutable} failed`);
}

main().catch((error) => {
  console.error(`pyswitch: ${error.message}`);
  process.exit(1);
});
