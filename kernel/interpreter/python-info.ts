// What the kernel needs to know about a Python interpreter: version, prefixes and the shared libpython to
// load (kernel start), and its path configuration before and after site (a switch's preflight). One probe
// answers both, asked of the interpreter itself in a child process and cached on disk per path while
// nothing it depends on changes (the interpreter, its pyvenv.cfg, the directories of its path before and
// after site).
//
// The child is bounded: at most MAX_PROBES at once, its output capped, and killed with SIGKILL, with
// whatever it started (it leads its own process group), at the deadline or as soon as it exits
// (docs/reliability-facts.md, fact 6). Only
// interpreters named explicitly are probed (kernel start, install, a switch target): discovery never runs
// what it finds.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { childProcess } from '../common/child-process';
import { Limiter } from '../common/limiter';

export interface PythonInfo {
  executable: string; // as given (never canonicalised: a symlinked venv stays a venv)
  sysExecutable: string;
  baseExecutable: string | null; // sys._base_executable (3.8+)
  version: string; // "3.11.7"
  majorMinor: string; // "3.11"
  prefix: string; // after site: a venv's root
  execPrefix: string;
  basePrefix: string;
  includeDir: string;
  libpython: string | null; // absolute path of the shared library, null when Python was built static
  preSite: { path: string[]; base_prefix: string; base_exec_prefix: string }; // sys.path before site runs
  sysPath: string[]; // after site, without the -c script entry
}

const MARK = 'pyswitch-probe:'; // sitecustomize may print too: our answer is the line after the mark

// Runs on 3.7-3.13 with -E -S: the pre-site path first, then site as `<env>/bin/python` runs it, then the
// extension modules a mismatched stdlib or libpython lacks (docs/runtime-facts.md, fact 8), then sysconfig for the
// libpython. The leading "" is the -c script's directory, which an embedded interpreter has not.
const PROBE = `
import sys
if sys.path and sys.path[0] == "":
    del sys.path[0]
pre = {"path": list(sys.path), "base_prefix": sys.base_prefix, "base_exec_prefix": sys.base_exec_prefix}
import encodings, site
site.main()
import math, _struct, _socket, os, sysconfig, json

v = sysconfig.get_config_var
lib = None
if v("Py_ENABLE_SHARED"):
    for name in (v("INSTSONAME"), v("LDLIBRARY")):
        for d in (v("LIBDIR"), os.path.join(sys.base_prefix, "lib")):
            if name and d and os.path.isfile(os.path.join(d, name)):
                lib = lib or os.path.join(d, name)
print("\\n${MARK}" + json.dumps({"sysExecutable": sys.executable,
    "baseExecutable": getattr(sys, "_base_executable", None), "version": sys.version.split()[0],
    "majorMinor": "%d.%d" % sys.version_info[:2], "prefix": sys.prefix, "execPrefix": sys.exec_prefix,
    "basePrefix": sys.base_prefix, "includeDir": v("INCLUDEPY"), "libpython": lib, "preSite": pre,
    "sysPath": sys.path}))
`;

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_PROBES = 2; // children at once, whatever asks
const MAX_OUTPUT_BYTES = 1024 * 1024;
const TAIL_CHARS = 2000;

export class ProbeError extends Error {
  constructor(message: string, readonly timedOut: boolean) {
    super(message);
    this.name = 'ProbeError';
  }
}

// PYSWITCH_PROBE_TIMEOUT_MS: for slow disks (a first start from a cold network mount).
function probeTimeoutMs(): number {
  const value = Number(process.env.PYSWITCH_PROBE_TIMEOUT_MS);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_TIMEOUT_MS;
}

const probes = new Limiter(MAX_PROBES);

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

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

function runProbe(executable: string): Promise<PythonInfo> {
  const timeoutMs = probeTimeoutMs();
  return probes.run(() => new Promise((resolve, reject) => {
    const child = childProcess().spawn(executable, ['-E', '-S', '-c', PROBE], { env: cleanEnv(), cwd: '/', detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const collect = (into: 'out' | 'err') => (chunk: Buffer) => {
      if (into === 'out' && stdout.length < MAX_OUTPUT_BYTES) stdout += chunk.toString('utf8');
      if (into === 'err') stderr = (stderr + chunk.toString('utf8')).slice(-TAIL_CHARS * 2);
    };
    child.stdout.on('data', collect('out'));
    child.stderr.on('data', collect('err'));
    const finish = (failure: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      const line = stdout.split('\n').find((l) => l.startsWith(MARK));
      let info: Omit<PythonInfo, 'executable'> | null;
      try {
        info = failure === null && line ? JSON.parse(line.slice(MARK.length)) as Omit<PythonInfo, 'executable'> : null;
      } catch {
        info = null;
      }
      if (info) {
        resolve({ executable, ...info });
        return;
      }
      const why = failure ?? 'gave no readable answer';
      reject(new ProbeError(`${executable}: the interpreter's start-up probe (site, encodings, math, _struct, _socket, ` +
        `sysconfig) ${why}${stderr.trim() ? `:\n${tail(stderr)}` : ''}`, timedOut));
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
      child.stdout.destroy();
      child.stderr.destroy();
      finish(`did not finish within ${timeoutMs / 1000} s (killed)`);
    }, timeoutMs);
    child.on('error', (error) => finish(`could not run (${error.message})`));
    // What the probe left running would hold its pipes open: the whole group goes with it.
    child.on('exit', () => killGroup(child.pid));
    child.on('close', (code, signal) => finish(code === 0 ? null : `failed (exit ${code ?? signal})`));
  }));
}

function cacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'pyswitch', 'python-info.json');
}

const statText = (stat: fs.Stats): string => `${stat.mtimeMs}/${stat.size}`;

async function mtime(file: string, follow: boolean): Promise<string> {
  try {
    return statText(follow ? await fs.promises.stat(file) : await fs.promises.lstat(file));
  } catch {
    return '-';
  }
}

function mtimeSync(file: string, follow: boolean): string {
  try {
    return statText(follow ? fs.statSync(file) : fs.lstatSync(file));
  } catch {
    return '-';
  }
}

// What the stamp is made of, [file, follow symlinks]: it changes when the interpreter, its venv
// configuration or a directory of its path changes. The directories after site are site-packages and
// what its .pth files add: a .pth file added there runs its import lines at every start, so one that
// exits or hangs must be met by a new probe, not by an in-process start (an edit inside an existing
// file leaves the directory's mtime as it was).
function stampedFiles(executable: string, info: Pick<PythonInfo, 'preSite' | 'sysPath'>): [string, boolean][] {
  const cfg = path.join(path.dirname(path.dirname(executable)), 'pyvenv.cfg');
  const dirs = [...new Set([...info.preSite.path, ...(info.sysPath ?? [])])];
  return [[executable, false], [executable, true], [cfg, true], ...dirs.map((p): [string, boolean] => [p, true])];
}

async function stampOf(executable: string, info: Pick<PythonInfo, 'preSite' | 'sysPath'>): Promise<string> {
  return (await Promise.all(stampedFiles(executable, info).map(([file, follow]) => mtime(file, follow)))).join(':');
}

type Cache = Record<string, { stamp: string; info: PythonInfo }>;

function parseCache(text: string): Cache {
  try {
    return JSON.parse(text) as Cache;
  } catch {
    return {};
  }
}

async function readCache(): Promise<Cache> {
  return parseCache(await fs.promises.readFile(cacheFile(), 'utf8').catch(() => ''));
}

async function writeCache(update: (cache: Cache) => void): Promise<void> {
  try {
    await fs.promises.mkdir(path.dirname(cacheFile()), { recursive: true });
    const cache = await readCache();
    update(cache);
    const tmp = `${cacheFile()}.${process.pid}`;
    await fs.promises.writeFile(tmp, JSON.stringify(cache));
    await fs.promises.rename(tmp, cacheFile());
  } catch {
    // a cache we cannot write only costs a probe next time
  }
}

// The cached answer for `executable`, read synchronously, or undefined when it must be probed. For a
// kernel's start only: the interpreter's thread waits for this, and nothing else runs on the loop yet, so
// blocking calls cost nothing; they take 1-3 ms where fs.promises took 7-27 (docs/performance.md,
// "Start-up"). A running kernel uses pythonInfo, which a hung mount cannot block the loop in.
export function cachedPythonInfo(executable: string): PythonInfo | undefined {
  const exe = path.resolve(executable);
  let text: string;
  try {
    text = fs.readFileSync(cacheFile(), 'utf8');
  } catch {
    return undefined;
  }
  const hit = parseCache(text)[exe];
  if (!hit?.info.preSite) return undefined;
  const stamp = stampedFiles(exe, hit.info).map(([file, follow]) => mtimeSync(file, follow)).join(':');
  return stamp === hit.stamp ? hit.info : undefined;
}

// Rejects with a ProbeError when the interpreter does not answer (broken, not a Python, or too slow).
export async function pythonInfo(executable: string): Promise<PythonInfo> {
  const exe = path.resolve(executable);
  const hit = (await readCache())[exe];
  if (hit?.info.preSite && hit.stamp === await stampOf(exe, hit.info)) return hit.info;
  const info = await runProbe(exe);
  const stamp = await stampOf(exe, info);
  await writeCache((cache) => {
    cache[exe] = { stamp, info };
  });
  return info;
}

// The interpreter used when none is named: $PYSWITCH_PYTHON, else python3 on PATH.
export function defaultPython(): string {
  const named = process.env.PYSWITCH_PYTHON;
  if (named) return named;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'python3');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('no python3 on PATH: name one with PYSWITCH_PYTHON or --python');
}

// Whether `executable` can import `module` (a find_spec after site, nothing is imported), bounded as the
// probe is; false when the interpreter does not answer in time.
export function canImport(executable: string, module: string): Promise<boolean> {
  const check = 'import importlib.util, sys; sys.exit(importlib.util.find_spec(sys.argv[1]) is None)';
  return probes.run(() => new Promise((resolve) => {
    const child = childProcess().spawn(executable, ['-I', '-c', check, module], { env: cleanEnv(), cwd: '/', detached: true, stdio: 'ignore' });
    const deadline = setTimeout(() => killGroup(child.pid), probeTimeoutMs());
    const answer = (found: boolean): void => {
      clearTimeout(deadline);
      killGroup(child.pid);
      resolve(found);
    };
    child.on('error', () => answer(false));
    child.on('exit', (code) => answer(code === 0));
  }));
}

// The shared libpython to load, or an error saying how to get one. Debian and Ubuntu ship it apart from the
// interpreter, in libpython3.X (docs/packaging.md).
export function sharedLibpython(info: PythonInfo): string {
  if (info.libpython) return info.libpython;
  throw new Error(`${info.executable} (Python ${info.version}) has no shared libpython: pyswitch embeds libpython, ` +
    `so it needs a Python built with --enable-shared (on Debian and Ubuntu: apt-get install libpython${info.majorMinor})`);
}
