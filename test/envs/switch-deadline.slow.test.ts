/// <reference types="jest" />
// The overall deadline of a switch (issue 8, items 2 and 8): a target whose interpreter hangs when probed
// is answered with `timeout` once PYSWITCH_SWITCH_TIMEOUT_MS has passed, nothing was changed, and the kernel
// goes on serving in the same process (os.getpid() in a cell) with nothing leaked.
import * as fs from 'fs';
import * as path from 'path';

import { EnvComm } from '../../kernel/client/env-comm';
import { delay } from '../../kernel/client/waiting';
import { requestSwitch } from '../helpers/env-switch';
import { useKernel } from '../helpers/kernel';
import { stdoutOf } from '../helpers/messages';
import { childrenOf } from '../helpers/proc';
import { baseline, expectHealthy } from '../helpers/process-health';
import { testNeeding } from '../helpers/pythons';
import { PY311, PYTHONS, makeVenv, removeTree, tempTree } from './fixtures';

const test = testNeeding(PYTHONS.py311);

jest.setTimeout(120_000);
const SWITCH_TIMEOUT_MS = 2000;
const HANG_S = 5; // the probe's child ends by itself after this, well before the probe's own 10 s limit
const CHILDREN_GONE_MS = 20_000;

const dir = tempTree('switch-deadline');
const kernel = useKernel({ PYSWITCH_IPYTHON: '0', PYSWITCH_SWITCH_TIMEOUT_MS: String(SWITCH_TIMEOUT_MS) });

beforeAll(async () => {
  await makeVenv(PY311, path.join(dir, 'hangs'));
  const python = path.join(dir, 'hangs', 'bin', 'python');
  fs.rmSync(python);
  fs.writeFileSync(python, `#!/bin/bash\nsleep ${HANG_S}\nexit 1\n`, { mode: 0o755 });
});
afterAll(() => removeTree(dir));

test('a switch whose preflight hangs is answered with timeout, and nothing changed', kernel.test(async (client) => {
  const before = await baseline(client);
  const comm = new EnvComm(client);
  await comm.open();
  await stdoutOf(client, 'kept = 5');
  const started = Date.now();
  const { reply } = await requestSwitch(comm, path.join(dir, 'hangs'));
  expect(reply).toMatchObject({ ok: false, restored: true, error: { code: 'timeout' } });
  expect(Date.now() - started).toBeGreaterThanOrEqual(SWITCH_TIMEOUT_MS);
  expect(await stdoutOf(client, 'print(kept)')).toBe('5\n');
  // The hung probe ends on its own (bounding probes is item 8's, on the i8-input branch).
  for (const until = Date.now() + CHILDREN_GONE_MS; childrenOf(before.pid).length > 0 && Date.now() < until;) await delay(100);
  await expectHealthy(client, before);
}));
