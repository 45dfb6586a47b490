// docs/performance.md, "The heartbeat's memory": the RSS a way of echoing the heartbeat adds to a Node
// process that has zeromq loaded and a socket bound, after 20 pings, with the kernelspec's V8 flags:
//   for v in none main worker worker-limits bare-worker proxy-loop; do
//     node --max-semi-space-size=1 --jitless --no-expose-wasm docs/measure/heartbeat_rss.js $v; done
// none: no heartbeat. main: a REP echoing on the main loop (does not answer while it is blocked).
// worker: a REP echoing on a worker thread with a zmq context of its own (the kernel until 2026-12-02);
// worker-limits: the same with small resourceLimits; bare-worker: a worker that loads nothing.
// proxy-loop: zmq_proxy from a ROUTER to a DEALER connected to itself, on libuv's pool (the kernel now).
'use strict';
const fs = require('fs');
const { Worker } = require('worker_threads');
const zmq = require('zeromq');

const variant = process.argv[2];
const endpoint = `ipc:///tmp/pyswitch-hb-rss-${process.pid}`;
const ECHO = `
const { parentPort, workerData } = require('worker_threads');
const zmq = require(${JSON.stringify(require.resolve('zeromq'))});
(async () => {
  const s = new zmq.Reply({ context: new zmq.Context(), linger: 0 });
  parentPort.on('message', () => s.close());
  await s.bind(workerData);
  parentPort.postMessage('bound');
  try { for await (const f of s) await s.send(f); } catch (e) { /* closed */ }
  parentPort.close();
})();`;
const IDLE = "const { parentPort } = require('worker_threads'); parentPort.on('message', () => parentPort.close()); parentPort.postMessage('bound');";

function rss() {
  const text = fs.readFileSync('/proc/self/smaps_rollup', 'utf8');
  const mib = (key) => (Number(text.match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'))[1]) / 1024).toFixed(1);
  return `RSS ${mib('Rss')} MiB (anonymous ${mib('Anonymous')}), ${fs.readdirSync('/proc/self/task').length} threads`;
}

async function startWorker(code, options) {
  const worker = new Worker(code, { eval: true, workerData: endpoint, ...options });
  await new Promise((resolve) => worker.once('message', resolve));
  return async () => { worker.postMessage('close'); await new Promise((resolve) => worker.once('exit', resolve)); };
}

async function start() {
  switch (variant) {
    case 'none': return async () => {};
    case 'main': {
      const s = new zmq.Reply({ linger: 0 });
      await s.bind(endpoint);
      void (async () => { try { for await (const f of s) await s.send(f); } catch (e) { /* closed */ } })();
      return async () => s.close();
    }
    case 'worker': return startWorker(ECHO, {});
    case 'worker-limits':
      return startWorker(ECHO, { resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 4, stackSizeMb: 1 } });
    case 'bare-worker': return startWorker(IDLE, {});
    case 'proxy-loop': {
      const router = new zmq.Router({ linger: 0 });
      await router.bind(endpoint);
      const loop = new zmq.Dealer({ linger: 0 });
      await loop.bind('inproc://hb-loop');
      loop.connect('inproc://hb-loop');
      const proxy = new zmq.Proxy(router, loop);
      const run = proxy.run();
      return async () => { proxy.terminate(); await run; };
    }
    default: throw new Error(`unknown variant ${variant}`);
  }
}

(async () => {
  const own = new zmq.Publisher({ linger: 0 }); // the kernel's own sockets live in the default context
  await own.bind(`ipc:///tmp/pyswitch-hb-rss-pub-${process.pid}`);
  const stop = await start();
  if (!['none', 'bare-worker'].includes(variant)) {
    const req = new zmq.Request({ linger: 0, receiveTimeout: 3000 });
    req.connect(endpoint);
    for (let i = 0; i < 20; i++) {
      await req.send(`ping ${i}`);
      const [echo] = await req.receive();
      if (echo.toString() !== `ping ${i}`) throw new Error(`echoed ${echo}`);
    }
    req.close();
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  console.log(`${variant.padEnd(13)} ${rss()}`);
  await stop();
  own.close();
})().catch((error) => { console.error(error); process.exit(1); });
