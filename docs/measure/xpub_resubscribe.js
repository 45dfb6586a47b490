// Fact 12: when an iopub XPUB sees a SUB's subscription, with nothing ever sent on the XPUB.
//   node docs/measure/xpub_resubscribe.js
// 1. "late": an XPUB whose receive is pending, a SUB that subscribes 300 ms after the first: the
//    subscription is received at once (no send on the XPUB needed).
// 2. "reconnect": the XPUB is replaced by a new one on the same port (as a re-exec does), and both SUBs
//    reconnect: one with a receive pending, one whose owner does not call into it. The second's
//    subscription reaches the new XPUB only when its owner next calls into the socket (here: receive()
//    after 2 s), since zmq re-sends a SUB's subscriptions to a new connection from the SUB's own thread.
'use strict';
const zmq = require('zeromq');

const t0 = Date.now();
const ms = () => Date.now() - t0;
const delay = (t) => new Promise((resolve) => setTimeout(resolve, t));

// Every subscription the XPUB receives: topic -> ms since start.
function watch(xpub, seen) {
  void (async () => {
    try {
      for await (const [event] of xpub) if (event[0] === 1) seen.set(event.subarray(1).toString(), ms());
    } catch {
      // closed
    }
  })();
}

async function main() {
  const endpoint = 'tcp://127.0.0.1:' + (20000 + (process.pid % 20000));
  let xpub = new zmq.XPublisher({ verbosity: 'allSubsUnsubs', linger: 0 });
  await xpub.bind(endpoint);
  let seen = new Map();
  watch(xpub, seen);

  const reading = new zmq.Subscriber({ linger: 0 });
  reading.connect(endpoint);
  reading.subscribe('reading');
  void (async () => { for await (const _ of reading) { /* a frontend that always reads */ } })().catch(() => undefined);
  while (!seen.has('reading')) await delay(1);
  await delay(300);
  const idle = new zmq.Subscriber({ linger: 0 });
  const lateAt = ms();
  idle.connect(endpoint);
  idle.subscribe('idle');
  while (!seen.has('idle') && ms() - lateAt < 2000) await delay(1);
  console.log(`late: a SUB subscribed at ${lateAt} ms, received by the XPUB ${seen.has('idle') ? `at ${seen.get('idle')} ms` : 'never (2 s)'}, nothing sent`);

  // The XPUB goes, with its connections; a new one listens on the same port.
  xpub.close();
  xpub = new zmq.XPublisher({ verbosity: 'allSubsUnsubs', linger: 0 });
  seen = new Map();
  let handshakes = 0;
  void (async () => { for await (const event of xpub.events) if (event.type === 'handshake') handshakes += 1; })().catch(() => undefined);
  for (;;) {
    try {
      await xpub.bind(endpoint);
      break;
    } catch (error) {
      if (error.code !== 'EADDRINUSE') throw error;
      await delay(5); // the old XPUB's listener closes on zmq's I/O thread
    }
  }
  const boundAt = ms();
  watch(xpub, seen);
  await delay(2000);
  const report = (topic) => seen.has(topic) ? `${seen.get(topic) - boundAt} ms` : 'not yet';
  console.log(`reconnect, 2 s after the new XPUB bound: ${handshakes} connections back (ZMTP handshakes done); ` +
    `the reading SUB's subscription ${report('reading')}, the idle SUB's ${report('idle')}`);
  const calledAt = ms();
  void idle.receive().catch(() => undefined); // its owner calls into it at last
  while (!seen.has('idle') && ms() - calledAt < 2000) await delay(1);
  console.log(`the idle SUB's owner called receive() at ${calledAt - boundAt} ms: its subscription ${report('idle')}`);
  for (const socket of [xpub, reading, idle]) socket.close();
}

void main();
