// Node's V8 has no idle-time GC: what survives scavenges during a burst of requests stays in old space,
// with the memory behind it, until a full GC that a small heap may not reach for a long time
// (docs/performance.md, "A full GC once the kernel is quiet"). So after `every` requests, the first
// quiet moment (no request for `quietMs`) runs one full GC.
import * as v8 from 'v8';
import * as vm from 'vm';

const IDLE_GC_EVERY = 1000; // requests
const IDLE_GC_QUIET_MS = 500;

export class IdleCollector {
  private requests = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly collect: () => void = fullGc, private readonly every = IDLE_GC_EVERY, private readonly quietMs = IDLE_GC_QUIET_MS) {}

  // Each request received; once there have been `every`, each one puts the GC `quietMs` further off.
  noteRequest(): void {
    this.requests += 1;
    if (this.requests < this.every) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.requests = 0;
      this.collect();
    }, this.quietMs).unref();
  }
}

let gc: (() => void) | undefined;

// V8's own `gc`, exposed once: `--expose-gc` applies to contexts created after it is set.
export function fullGc(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}
