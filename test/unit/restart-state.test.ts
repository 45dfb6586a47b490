/// <reference types="jest" />
// The file a frontend's restart keeps the environment in: next to the connection file, private, taken once,
// and only by the session that wrote it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { EnvInfo } from '../../kernel/envs';
import { forgetRestartState, restartStateFile, takeRestartState, writeRestartState } from '../../kernel/server/restart-state';

const ENV: EnvInfo = { kind: 'venv', root: '/envs/a', executable: '/envs/a/bin/python', version: '3.11.7',
  base_prefix: '/py', include_system_site_packages: false };
let dir: string;
let connection: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-restart-'));
  connection = path.join(dir, 'kernel-1234.json');
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('written next to the connection file, private, and not a connection file by its name', () => {
  writeRestartState(connection, 'key', ENV);
  const file = restartStateFile(connection);
  expect(path.dirname(file)).toBe(dir);
  expect(path.basename(file)).not.toMatch(/^kernel-.*\.json$/); // jupyter_client's pattern for connection files
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
});

test('taken once: the next start reads it and removes it', () => {
  writeRestartState(connection, 'key', ENV);
  expect(takeRestartState(connection, 'key')).toEqual(ENV);
  expect(fs.existsSync(restartStateFile(connection))).toBe(false);
  expect(takeRestartState(connection, 'key')).toBeNull();
});

test('a file of another session (another key) is removed, not used', () => {
  writeRestartState(connection, 'old key', ENV);
  expect(takeRestartState(connection, 'new key')).toBeNull();
  expect(fs.existsSync(restartStateFile(connection))).toBe(false);
});

test.each([['not JSON', '{'], ['no env', '{"session":"x"}'], ['an env without paths', '{"session":"x","env":{"kind":"venv"}}']])(
  'a damaged file (%s) is removed, not used', (_, text) => {
    fs.writeFileSync(restartStateFile(connection), text);
    expect(takeRestartState(connection, 'key')).toBeNull();
    expect(fs.existsSync(restartStateFile(connection))).toBe(false);
  });

test('a second restart replaces the state; a plain shutdown forgets it', () => {
  writeRestartState(connection, 'key', ENV);
  writeRestartState(connection, 'key', { ...ENV, root: '/envs/b', executable: '/envs/b/bin/python' });
  expect(takeRestartState(connection, 'key')?.root).toBe('/envs/b');
  writeRestartState(connection, 'key', ENV);
  forgetRestartState(connection);
  expect(takeRestartState(connection, 'key')).toBeNull();
});
