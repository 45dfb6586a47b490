#!/usr/bin/env node
// The package.json that ships, without the clone's `prepare` (the build a clone's `npm install` runs):
// an installed package never runs it, but npm 11 still lists it among "install scripts not yet covered by
// allowScripts", and --strict-allow-scripts refuses the install (docs/packaging.md).
//   node scripts/pack-manifest.js strip     (end of prepack: after the build succeeded)
//   node scripts/pack-manifest.js restore   (postpack, and before every strip)
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const manifest = path.join(root, 'package.json');
const saved = path.join(root, 'build', 'package.json.before-pack');

function restore() {
  // A pack that died between prepack and postpack left the stripped copy: the saved one is the original.
  if (fs.existsSync(saved)) fs.renameSync(saved, manifest);
}

function strip() {
  restore();
  const text = fs.readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  delete pkg.scripts.prepare;
  fs.mkdirSync(path.dirname(saved), { recursive: true });
  fs.writeFileSync(saved, text);
  fs.writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
}

const command = process.argv[2];
if (command === 'strip') strip();
else if (command === 'restore') restore();
else {
  console.error('usage: node scripts/pack-manifest.js strip|restore');
  process.exit(2);
}
