#!/usr/bin/env node
// `npm pack` / `npm publish` (prepack): everything the tarball carries that git does not. The TypeScript is
// compiled afresh (no output of deleted sources ships), the JupyterLab extension is built, then the native
// addons are built for every supported minor and copied to prebuilds/<tag>/, and kernel/lang gets bytecode
// for each of those minors.
// One build per minor serves every installation of it (docs/packaging.md).
//
// The Pythons: $PYSWITCH_PREBUILD_PYTHONS (interpreter paths separated by ':'), else every pyenv version
// ($PYENV_ROOT or ~/.pyenv); per minor, the newest. Every supported minor must be found.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');

function compileTypeScript() {
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.'],
    { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error('compiling the TypeScript failed');
}

// The JupyterLab extension (labextension/, whose build `pyswitch install` copies) ships built. Its
// dependencies are installed from its lock file once; later packs only rebuild it.
function buildLabextension() {
  const dir = path.join(root, 'labextension');
  if (!fs.existsSync(path.join(dir, 'package.json'))) return;
  const npm = process.env.npm_execpath; // the npm running this prepack
  const run = (args) => {
    const result = npm ? spawnSync(process.execPath, [npm, ...args], { cwd: root, stdio: ['ignore', 2, 2] })
      : spawnSync('npm', args, { cwd: root, stdio: ['ignore', 2, 2] });
    if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed`);
  };
  if (!fs.existsSync(path.join(dir, 'node_modules'))) run(['ci', '--prefix', dir, '--no-audit', '--no-fund']);
  run(['run', 'build', '--prefix', dir]);
}

function candidatePythons() {
  const named = process.env.PYSWITCH_PREBUILD_PYTHONS;
  if (named) {
    const pythons = named.split(':').filter((p) => p !== '');
    const missing = pythons.filter((p) => !fs.existsSync(p));
    if (missing.length > 0) throw new Error(`PYSWITCH_PREBUILD_PYTHONS names what does not exist: ${missing.join(', ')}`);
    return pythons;
  }
  const versions = path.join(process.env.PYENV_ROOT || path.join(os.homedir(), '.pyenv'), 'versions');
  if (!fs.existsSync(versions)) return [];
  return fs.readdirSync(versions).map((v) => path.join(versions, v, 'bin', 'python3')).filter((p) => fs.existsSync(p));
}

function newer(a, b) {
  const parts = (v) => v.split('.').map((n) => parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) > (y[i] || 0);
  }
  return false;
}

async function main() {
  compileTypeScript();
  const { pythonInfo } = require(path.join(root, 'dist', 'interpreter', 'python-info.js'));
  const { SUPPORTED_MINORS, PREBUILDS_DIR, nativeBuildDir, prebuiltPath, prebuiltTag } =
    require(path.join(root, 'dist', 'interpreter', 'native-build.js'));
  const { buildNative } = require(path.join(root, 'dist', 'interpreter', 'native-toolchain.js'));
  const tag = prebuiltTag();
  if (tag === undefined) throw new Error(`prebuilt addons are made on linux-x64 with glibc; this is ${process.platform}-${process.arch}`);

  const chosen = new Map(); // minor -> PythonInfo
  for (const python of candidatePythons()) {
    const info = await pythonInfo(python).catch((error) => {
      console.error(`pyswitch: skipping ${python}: ${error.message}`);
      return undefined;
    });
    if (!info) continue;
    if (!info.libpython || !SUPPORTED_MINORS.includes(info.majorMinor)) continue;
    const seen = chosen.get(info.majorMinor);
    if (!seen || newer(info.version, seen.version)) chosen.set(info.majorMinor, info);
  }
  const missing = SUPPORTED_MINORS.filter((minor) => !chosen.has(minor));
  if (missing.length > 0) {
    throw new Error(`no Python with a shared libpython found for ${missing.join(', ')}: the package ships a ` +
      'prebuilt addon for every supported minor (name the interpreters in PYSWITCH_PREBUILD_PYTHONS=/a/python3:/b/python3)');
  }

  buildLabextension();
  // Only the bytecode of the minors built below ships: stale files of other sources or Pythons go first.
  for (const dir of walkDirs(path.join(root, 'kernel', 'lang'))) {
    if (path.basename(dir) === '__pycache__') fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.rmSync(PREBUILDS_DIR, { recursive: true, force: true });
  for (const minor of SUPPORTED_MINORS) {
    const info = chosen.get(minor);
    console.error(`pyswitch: prebuilding for Python ${info.version} (${info.sysExecutable})`);
    await buildNative(info);
    const release = path.join(nativeBuildDir(minor), 'Release');
    for (const addon of ['pyswitch_python', 'pyswitch_loader']) {
      const target = prebuiltPath(tag, minor, addon);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(release, `${addon}.node`), target);
    }
  }
}

function* walkDirs(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    yield sub;
    if (entry.name !== '__pycache__') yield* walkDirs(sub);
  }
}

main().catch((error) => {
  console.error(`pyswitch: ${error.message}`);
  process.exit(1);
});
