/// <reference types="jest" />
// The kernel's interpreter after a switch, compared with what the environment's own python reports: the
// same check for in-process switches and re-execs, which must be indistinguishable from a cell's view.
import * as fs from 'fs';
import * as path from 'path';

import { KernelClient } from '../../kernel/client/kernel-client';
import { stdoutOf } from '../helpers/messages';
import { reportOf } from './fixtures';

// kernel/lang (where the in-kernel `pyswitch` module lives) is the kernel's own addition to sys.path.
const STATE = 'import sys, os, json; print(json.dumps({"prefix": sys.prefix, "exec_prefix": sys.exec_prefix, ' +
  '"base_prefix": sys.base_prefix, "executable": sys.executable, "sys_path": [p for p in sys.path if p and ' +
  'not p.endswith(os.path.join("kernel", "lang"))], "VIRTUAL_ENV": os.environ.get("VIRTUAL_ENV"), ' +
  '"PATH": os.environ["PATH"], "PYTHONHOME": os.environ.get("PYTHONHOME"), "PYTHONPATH": os.environ.get("PYTHONPATH")}))';

export async function expectStateOf(client: KernelClient, envRoot: string, executable: string): Promise<Record<string, unknown>> {
  const state = JSON.parse(await stdoutOf(client, STATE)) as Record<string, unknown>;
  const { prefix, exec_prefix, base_prefix, sys_path } = reportOf(executable);
  expect(state).toMatchObject({ prefix, exec_prefix, base_prefix, executable, sys_path, PYTHONHOME: null, PYTHONPATH: null });
  expect(state.VIRTUAL_ENV).toBe(fs.existsSync(path.join(envRoot, 'pyvenv.cfg')) ? envRoot : null);
  return state;
}
