#!/usr/bin/env node
// `npm run build:native -- [--python PATH]` in a clone: what `pyswitch build` does (kernel/cli/build.ts).
'use strict';
const path = require('path');

const { build } = require(path.join(__dirname, '..', 'dist', 'cli', 'build.js'));
build(process.argv.slice(2)).then(
  (out) => console.error(`pyswitch: built in ${out}`),
  (error) => {
    console.error(`pyswitch: ${error.message}`);
    process.exit(1);
  },
);
