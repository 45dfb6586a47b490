/// <reference types="jest" />
// Errors from the native addons carry a code, so callers never match their message text.
import { processAddon } from '../../kernel/interpreter/process-addon';
import { defaultPython, pythonInfo } from '../../kernel/interpreter/python-info';

let majorMinor: string;
beforeAll(async () => {
  majorMinor = (await pythonInfo(defaultPython())).majorMinor;
});

function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

test('a library that cannot be loaded: PYSWITCH_DLOPEN', () => {
  expect(thrown(() => processAddon(majorMinor).loadGlobal('/nonexistent/libpython.so'))).toMatchObject({
    code: 'PYSWITCH_DLOPEN', message: expect.stringContaining('/nonexistent/libpython.so') });
});

test('an image that cannot be started: the errno\'s name, and the process goes on', () => {
  expect(thrown(() => processAddon(majorMinor).replaceProcess('/nonexistent/node', ['node'], [], [], []))).toMatchObject({
    code: 'ENOENT', message: expect.stringContaining('cannot re-exec /nonexistent/node') });
});

test('arguments of the wrong type: ERR_INVALID_ARG_TYPE, as Node says it', () => {
  const loader = processAddon(majorMinor) as unknown as { loadGlobal(path: unknown): void };
  expect(thrown(() => loader.loadGlobal(42))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
});
