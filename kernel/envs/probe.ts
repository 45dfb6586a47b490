// The preflight probe: the target interpreter, in a child process, starts without site (so its sys.path is
// the pre-site search path a re-init must be given), then runs site and imports the extension modules a
// mismatched stdlib or libpython lacks (DESIGN fact 8). What the child sees is what `<env>/bin/python`
// shows; a failure here costs nothing live.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { EnvError } from './env-error';

export interface ProbeResult {
  version: string; // X.Y.Z
  executable: string; // sys.executable
  baseExecutable: string | null; // sys._base_executable (3.8+)
  preSite: { path: string[]; base_prefix: string; base_exec_prefix: string };
  prefix: string; // after site: a venv's root
  exec_prefix: string;
  base_prefix: string;
  path: string[]; // sys.path after site, without the -c script entry
}

const MARK = 'pyswitch-probe:'; // sitecustomize may print too: our answer is the line after the mark

// Runs on 3.7-3.13. The leading "" is the -c script's directory, which an embedded interpreter has not.
// The answer is encoded by hand with _json's string quoting: importing json (re, enum) would double the
// probe's time, and the probe sits on every switch.
const PROBE = `
import sys
if sys.path and sys.path[0] == "":
    del sys.path[0]
pre = {"path": list(sys.path), "base_prefix": sys.base_prefix, "base_exec_prefix": sys.base_exec_prefix}
import encodings, site
site.main()
import math, _struct, _socket
try:
    from _json import encode_basestring_ascii as quote
except ImportError:
    from json.encoder import py_encode_basestring_ascii as quote
def encode(value):
    if value is None:
        return "null"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[" + ",".join(encode(v) for v in value) + "]"
    return "{" + ",".join(quote(k) + ":" + encode(v) for k, v in value.items()) + "}"
print("\\n${MARK}" + encode({"version": "%d.%d.%d" % sys.version_info[:3], "executable": sys.executable,
    "baseExecutable": getattr(sys, "_base_executable", None), "preSite": pre, "prefix": sys.prefix,
    "exec_prefix": sys.exec_prefix, "base_prefix": sys.base_prefix, "path": sys.path}))
`;
const TIMEOUT_MS = 10_000;
const TAIL_CHARS = 2000;

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > TAIL_CHARS ? `…${trimmed.slice(-TAIL_CHARS)}` : trimmed;
}

// PYTHONHOME/PYTHONPATH would point the child at another installation; -E ignores them too, belt and braces.
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PYTHONHOME;
  delete env.PYTHONPATH;
  return env;
}

function parse(json: string): ProbeResult | null {
  try {
    return JSON.parse(json) as ProbeResult;
  } catch {
    return null;
  }
}

// A probe that passed is remembered while nothing it depends on changes on disk (the interpreter, its
// pyvenv.cfg, the directories of its pre-site path): switching back to an environment then costs no
// child process. A failure is never remembered.
const passed = new Map<string, { stamp: string; result: ProbeResult }>();

function stampOf(executable: string, result: ProbeResult): string {
  const mtime = (file: string): number => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const link = fs.lstatSync(executable, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const cfg = path.join(path.dirname(path.dirname(executable)), 'pyvenv.cfg');
  return [link, mtime(executable), mtime(cfg), ...result.preSite.path.map(mtime)].join(':');
}

export async function probeInterpreter(executable: string): Promise<ProbeResult> {
  const known = passed.get(executable);
  if (known && known.stamp === stampOf(executable, known.result)) return known.result;
  const result = await runProbe(executable);
  passed.set(executable, { stamp: stampOf(executable, result), result });
  return result;
}

function runProbe(executable: string): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(executable, ['-E', '-S', '-c', PROBE], { timeout: TIMEOUT_MS, env: cleanEnv(), cwd: '/' },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith(MARK));
        const result = !error && line ? parse(line.slice(MARK.length)) : null;
        if (result) {
          resolve(result);
          return;
        }
        const why = error?.killed ? `did not finish within ${TIMEOUT_MS / 1000} s`
          : `failed (${error ? `exit ${error.code ?? error.signal}` : 'no readable answer'})`;
        reject(new EnvError('broken_env', `${executable}: the start-up probe (site, encodings, math, _struct, ` +
          `_socket) ${why}${stderr.trim() ? `:\n${tail(stderr)}` : ''}`));
      });
  });
}
