/// <reference types="jest" />
// The heartbeat echoes on its own thread: a frontend's pings are answered while the kernel's main event
// loop is blocked. The pinging client is a child process, since this test blocks its own main thread.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { Heartbeat } from '../../kernel/transport/heartbeat';

const BLOCK_MS = 1500;
const PINGS = 10;
const PING_EVERY_MS = 100; // the client's pace, as a frontend's heartbeat has one (jupyter_client: 3 s)

// Pings `endpoint` PINGS times, PING_EVERY_MS apart, after printing "ready"; prints when each ping went
// and when its echo came (Date.now(), the same clock as the test's).
const CLIENT = `
const zmq = require(${JSON.stringify(require.resolve('zeromq'))});
(async () => {
  const socket = new zmq.Request({ receiveTimeout: 5000, linger: 0 });
  socket.connect(process.argv[1]);
  await socket.send('warm-up'); await socket.receive();
  console.log('ready');
  for (let i = 0; i < ${PINGS}; i++) {
    const sentAt = Date.now();
    await socket.send('ping ' + i);
    const [echo] = await socket.receive();
    console.log(JSON.stringify({ echo: echo.toString(), sentAt, answeredAt: Date.now() }));
    await new Promise((resolve) => setTimeout(resolve, ${PING_EVERY_MS}));
  }
  socket.close();
})().catch((error) => { console.log(JSON.stringify({ error: String(error) })); process.exit(1); });
`;

let dir: string;
let heartbeat: Heartbeat;
const faults: string[] = [];
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-hb-'));
  heartbeat = await Heartbeat.start(`ipc://${dir}/hb`, 64 * 1024, (what, error) => faults.push(`${what}: ${String(error)}`));
});
afterAll(async () => {
  await heartbeat.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test(`pings are echoed while the main thread is blocked for ${BLOCK_MS} ms`, async () => {
  const client = spawn(process.execPath, ['-e', CLIENT, `ipc://${dir}/hb`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    client.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.startsWith('ready\n')) resolve();
    });
    client.once('exit', (code) => reject(new Error(`the client exited (${code}) before it was ready: ${output}`)));
  });
  // Blocks this thread's event loop, as a long synchronous step of the kernel's would.
  const blockedAt = Date.now();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BLOCK_MS);
  const unblockedAt = Date.now();
  const exitCode = await new Promise<number | null>((resolve) => {
    if (client.exitCode !== null) resolve(client.exitCode);
    else client.once('exit', resolve);
  });
  const pings = output.split('\n').slice(1).filter(Boolean)
    .map((line) => JSON.parse(line) as { echo: string; sentAt: number; answeredAt: number });
  expect(exitCode).toBe(0);
  expect(pings.map((p) => p.echo)).toEqual(Array.from({ length: PINGS }, (_, i) => `ping ${i}`));
  // A ping sent while the main thread was blocked was answered before it was free again (an echo on the
  // main loop would answer only after). How fast is reported, not asserted: the machine may be loaded.
  const duringBlock = pings.filter((p) => p.sentAt >= blockedAt && p.sentAt < unblockedAt);
  expect(duringBlock.length).toBeGreaterThan(0);
  expect(duringBlock.filter((p) => p.answeredAt >= unblockedAt)).toEqual([]);
  expect(faults).toEqual([]);
  console.log(`${duringBlock.length} pings during the ${unblockedAt - blockedAt} ms block, round trips (ms): ` +
    duringBlock.map((p) => p.answeredAt - p.sentAt).join(' '));
});

// zmq's proxy thread would keep the process from exiting (docs/runtime-facts.md, fact 10): a process whose
// heartbeat is echoing still exits, with its own code, however it ends. The child is the compiled module,
// as the kernel runs it.
const COMPILED = path.resolve(__dirname, '..', '..', 'dist', 'transport', 'heartbeat.js');
const EXIT_TIMEOUT_MS = 20_000; // a hang fails; a loaded machine may take seconds to start Node
const ENDINGS: Array<[string, string, number]> = [
  ['process.exit(3)', 'process.exit(3);', 3],
  ['an uncaught exception', "setImmediate(() => { throw new Error('boom'); });", 1],
  ['close() and nothing left to do', 'await heartbeat.close();', 0],
];

test.each(ENDINGS)('a process with a running heartbeat exits on %s', async (_, ending, code) => {
  const script = `
const { Heartbeat } = require(${JSON.stringify(COMPILED)});
(async () => {
  const heartbeat = await Heartbeat.start(process.argv[1], 1024, (what, error) => console.log(what, String(error)));
  console.log('bound');
  ${ending}
})();
`;
  const child = spawn(process.execPath, ['-e', script, `ipc://${dir}/hb-exit-${code}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = await new Promise<number | null | 'hung'>((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve('hung'); }, EXIT_TIMEOUT_MS);
    child.once('exit', (exitCode) => { clearTimeout(timer); resolve(exitCode); });
  });
  expect(output).toBe('bound\n');
  expect(exited).toBe(code);
}, EXIT_TIMEOUT_MS + 5000);

// The heartbeat holds a thread of libuv's pool: with UV_THREADPOOL_SIZE=1 file I/O would never run again,
// unless the kernel first starts the pool with room for both (transport/pool-size.ts), leaving the
// variable as the user set it.
test('with UV_THREADPOOL_SIZE=1 the pool still reads files while the heartbeat runs', async () => {
  const poolSize = path.resolve(__dirname, '..', '..', 'dist', 'transport', 'pool-size.js');
  const script = `
require(${JSON.stringify(poolSize)}).poolWithRoomForTheHeartbeat();
const { Heartbeat } = require(${JSON.stringify(COMPILED)});
(async () => {
  const heartbeat = await Heartbeat.start(process.argv[1], 1024, () => undefined);
  const starved = setTimeout(() => { console.log(JSON.stringify({ read: false })); process.exit(0); }, 10000);
  await require('fs').promises.readFile(${JSON.stringify(COMPILED)});
  clearTimeout(starved);
  console.log(JSON.stringify({ read: true, variable: process.env.UV_THREADPOOL_SIZE }));
  await heartbeat.close();
})();
`;
  const child = spawn(process.execPath, ['-e', script, `ipc://${dir}/hb-pool`], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await new Promise((resolve) => child.once('exit', resolve));
  expect(JSON.parse(output)).toEqual({ read: true, variable: '1' });
}, EXIT_TIMEOUT_MS);
