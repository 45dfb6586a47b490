/// <reference types="jest" />
// `npm run soak`: the zero-loss run of reexec-zero-loss.slow.test.ts, over 200 re-exec switches
// (PYSWITCH_ZERO_LOSS_RUNS overrides).
process.env.PYSWITCH_ZERO_LOSS_RUNS ??= '200';
require('./reexec-zero-loss.slow.test');
