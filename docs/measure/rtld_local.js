// Fact 1: the interpreter addon without libpython loaded RTLD_GLOBAL first (`node rtld_local.js`), and
// with it (`node rtld_local.js --global`): does a C extension module of the standard library import?
// Run from a built checkout (npm ci); uses the build for python3 on PATH.
'use strict';
const path = require('path');
const dist = path.resolve(__dirname, '..', '..', 'dist', 'interpreter');
const { pythonInfo, defaultPython } = require(path.join(dist, 'python-info.js'));
const { nativeAddonPath } = require(path.join(dist, 'native-build.js'));
const { processAddon } = require(path.join(dist, 'process-addon.js'));
const { routeProcessOutput } = require(path.join(dist, 'process-output.js'));

pythonInfo(defaultPython()).then((info) => {
  if (process.argv.includes('--global')) processAddon(info.majorMinor).loadGlobal(info.libpython);
  const addon = require(nativeAddonPath(info.majorMinor, 'pyswitch_python'));
  routeProcessOutput(addon.originalOutput()); // fds 1 and 2 become the cells' once Python starts
  const output = [];
  const interpreter = new addon.Interpreter((events) => {
    for (const event of events) {
      if (event.kind === 'iopub') output.push(event.content.toString());
      if (event.kind !== 'reply') continue;
      if (!event.ok) console.log('failed:', event.payload.toString());
      if (event.job === started) {
        const code = 'import json.decoder\ntry:\n    import math\n    print("math imports")\nexcept ImportError as e:\n    print("ImportError:", e)\n' +
          'print("json scanner:", json.decoder.scanstring.__module__ or "C (_json)")';
        run = interpreter.call('execute', Buffer.from(JSON.stringify({ code, silent: false, store_history: false,
          user_expressions: {}, allow_stdin: false, execution_count: 1 })));
      } else if (event.job === run) {
        console.log(info.version, process.argv.includes('--global') ? 'RTLD_GLOBAL first:' : 'addon only (RTLD_LOCAL):',
          output.map((o) => JSON.parse(o).text ?? '').join('').trim().replace(/\n/g, ' | '));
        stop = interpreter.stop();
      } else if (event.job === stop) {
        interpreter.close();
      }
    }
  });
  let run = 0;
  let stop = 0;
  const started = interpreter.start({ executable: info.sysExecutable, paths: [path.resolve(__dirname, '..', '..', 'kernel', 'lang')] });
});
