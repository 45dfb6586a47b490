// Fact 10: a zeromq.js socket in a worker thread with a receive pending when the process exits.
//   node docs/measure/zmq_worker_exit.js plain   # bound, nothing pending: exits 0
//   node docs/measure/zmq_worker_exit.js recv    # a receive pending: aborts (134)
// ("shared" in the argument uses the default context instead of the worker's own.)
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const zmq = require('zeromq');
if (isMainThread) {
  const w = new Worker(__filename, { workerData: process.argv[2] });
  w.on('message', () => { process.exit(0); });
} else {
  (async () => {
    const ctx = workerData.includes('shared') ? undefined : new zmq.Context();
    const s = new zmq.Reply(ctx ? { context: ctx, linger: 0 } : { linger: 0 });
    await s.bind('ipc:///tmp/i12-w-' + process.pid);
    if (workerData.includes('recv')) { void s.receive().catch(() => {}); }
    parentPort.postMessage('bound');
  })();
}
