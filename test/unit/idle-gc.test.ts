/// <reference types="jest" />
// The full GC once the kernel is quiet after many requests (kernel/server/idle-gc.ts).
import { processAddon } from '../../kernel/interpreter/process-addon';
import { defaultPython, pythonInfo } from '../../kernel/interpreter/python-info';
import { IdleCollector, fullGc } from '../../kernel/server/idle-gc';

describe('IdleCollector', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('collects once, at the first quiet moment after `every` requests, and then counts again', () => {
    const collect = jest.fn();
    const idle = new IdleCollector(collect, 3, 100);
    idle.noteRequest();
    idle.noteRequest();
    jest.advanceTimersByTime(1000);
    expect(collect).not.toHaveBeenCalled(); // two requests are not enough
    idle.noteRequest();
    jest.advanceTimersByTime(99);
    idle.noteRequest(); // still busy: the GC moves off
    jest.advanceTimersByTime(99);
    expect(collect).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledTimes(1);
    idle.noteRequest();
    idle.noteRequest();
    jest.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(1);
    idle.noteRequest();
    jest.advanceTimersByTime(100);
    expect(collect).toHaveBeenCalledTimes(2);
  });
});

it('fullGc is V8\'s own: an object nothing refers to any more is gone after it', async () => {
  // Made in a function of its own, so nothing in this one refers to it.
  const ref = ((): WeakRef<object> => new WeakRef({ big: new Array(1000).fill(0) }))();
  await new Promise((resolve) => setImmediate(resolve)); // a WeakRef keeps its target for the current job
  fullGc();
  expect(ref.deref()).toBeUndefined();
  fullGc(); // and again, with the function already exposed
});

it('the process addon trims the allocator, and says whether it gave memory back', async () => {
  const addon = processAddon((await pythonInfo(defaultPython())).majorMinor);
  expect(typeof addon.releaseFreeMemory()).toBe('boolean');
});
