// The heartbeat holds one of libuv's pool threads for the kernel's life (heartbeat.ts; docs/runtime-facts.md,
// fact 10). A pool of one (UV_THREADPOOL_SIZE, which libuv reads once, when the pool starts) would leave
// none for file I/O and zeromq's binds, and they would wait for ever. Not zeromq: this runs before it loads.
import * as fs from 'fs';

const POOL_THREADS_NEEDED = 2;

// Call before anything uses the pool. The pool starts now with at least two threads; the variable is put
// back as it was, so the interpreter and what it starts see the user's value.
export function poolWithRoomForTheHeartbeat(): void {
  const asked = process.env.UV_THREADPOOL_SIZE;
  if (asked === undefined || parseInt(asked, 10) >= POOL_THREADS_NEEDED) return; // libuv's default is 4
  process.env.UV_THREADPOOL_SIZE = String(POOL_THREADS_NEEDED);
  fs.access('.', () => undefined); // the first request to the pool starts it, reading the variable
  process.env.UV_THREADPOOL_SIZE = asked;
}
