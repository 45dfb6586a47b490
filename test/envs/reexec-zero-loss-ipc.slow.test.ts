/// <reference types="jest" />
// The zero-loss run of reexec-zero-loss.slow.test.ts over the ipc transport, where each channel's
// listening socket file is taken over by a standby at a re-exec (native/listeners.h): 10 switches.
process.env.PYSWITCH_ZERO_LOSS_TRANSPORT = 'ipc';
process.env.PYSWITCH_ZERO_LOSS_RUNS ??= '10';
require('./reexec-zero-loss.slow.test');
delete process.env.PYSWITCH_ZERO_LOSS_TRANSPORT; // read once the module has loaded
