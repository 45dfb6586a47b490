#!/usr/bin/env node
// Asserts what the npm package ships, from the JSON of `npm pack --json` or `npm pack --dry-run --json`:
//   node .ci/package-contents.js PACK_JSON
// Everything to run (compiled JavaScript for every TypeScript source, the in-kernel Python package with
// bytecode for every supported minor, the kernelspec logos, a prebuilt addon per minor and the loader, the
// sources a fallback build needs) and nothing of the repository's own (tests, CI, scripts, TypeScript).
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const { SUPPORTED_MINORS, PREBUILT_TAG } = require(path.join(root, 'dist', 'interpreter', 'native-build.js'));

function filesUnder(dir, suffix) {
  const out = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__pycache__') walk(child);
      } else if (child.endsWith(suffix)) out.push(child);
    }
  };
  walk(dir);
  return out;
}

const [pack] = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const files = new Set(pack.files.map((f) => f.path));
const problems = [];
const need = (file, why) => { if (!files.has(file)) problems.push(`missing ${file} (${why})`); };

for (const file of ['package.json', 'README.md', 'LICENSE', 'bin/pyswitch.js', 'CMakeLists.txt']) need(file, 'the package itself');
for (const ts of filesUnder('kernel', '.ts')) need(ts.replace(/^kernel\//, 'dist/').replace(/\.ts$/, '.js'), `compiled from ${ts}`);
for (const py of filesUnder('kernel/lang', '.py')) {
  need(py, 'the in-kernel Python package');
  for (const minor of SUPPORTED_MINORS) {
    const pyc = path.posix.join(path.posix.dirname(py), '__pycache__', `${path.posix.basename(py, '.py')}.cpython-${minor.replace('.', '')}.pyc`);
    need(pyc, `bytecode for Python ${minor}`);
  }
}
for (const logo of ['logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg']) need(`kernelspec/${logo}`, 'kernelspec logo');
need(`prebuilds/${PREBUILT_TAG}/pyswitch_loader.node`, 'the libpython loader');
for (const minor of SUPPORTED_MINORS) need(`prebuilds/${PREBUILT_TAG}/py${minor}/pyswitch_python.node`, `prebuilt addon for ${minor}`);
for (const source of filesUnder('native', '')) need(source, 'the fallback build from source');
if (fs.existsSync(path.join(root, 'labextension', 'package.json'))) {
  need('labextension/build/package.json', 'the JupyterLab extension that pyswitch install copies');
  if (![...files].some((f) => /^labextension\/build\/static\/remoteEntry\.[0-9a-f]+\.js$/.test(f))) {
    problems.push('missing labextension/build/static/remoteEntry.*.js (the built JupyterLab extension)');
  }
}

const forbidden = [
  [/^test\//, 'a test'], [/^\.ci\//, 'CI'], [/^scripts\//, 'a repository script'], [/^build\//, 'a local build'],
  [/^node_modules\//, 'an installed dependency'], [/\.ts$/, 'TypeScript source'], [/\.map$/, 'a source map'],
  [/(^|\/)(tsconfig\.json|package-lock\.json|\.gitignore)$/, 'repository configuration'],
  [/\.test\.|(^|\/)test_[^/]*\.py$/, 'a test'],
  [/^labextension\/(?!build\/)/, "the JupyterLab extension's sources (only its build ships)"],
];
for (const file of files) {
  const hit = forbidden.find(([pattern]) => pattern.test(file));
  if (hit) problems.push(`ships ${file} (${hit[1]})`);
}

if (problems.length > 0) {
  console.error(`npm pack lists ${files.size} files, and:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`npm pack: ${files.size} files, ${(pack.size / 1024).toFixed(0)} KiB packed, ${(pack.unpackedSize / 1024).toFixed(0)} KiB unpacked; ` +
  `compiled JavaScript, bytecode and prebuilt addons for Python ${SUPPORTED_MINORS.join(', ')}; no tests, CI or sources but native/`);
