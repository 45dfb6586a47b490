#!/usr/bin/env node
// `npm install` / `npm run build`: compiles the TypeScript, then the native addons for the default Python.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
run([require.resolve('typescript/bin/tsc'), '-p', '.']);
run([path.join(__dirname, 'build-native.js'), ...process.argv.slice(2)]);
