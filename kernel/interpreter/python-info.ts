// What the kernel needs to know about a Python interpreter before loading it: version, prefixes and the
// shared libpython to load. Asked of the interpreter itself in a child process, cached per path and mtime.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface PythonInfo {
  executable: string; // as given (never canonicalised: a symlinked venv stays a venv)
  sysExecutable: string;
  version: string; // "3.11.7"
  majorMinor: string; // "3.11"
  prefix: string;
  basePrefix: string;
  includeDir: string;
  libpython: string | null; // absolute path of the shared library, null when Python was built static
}

const PROBE = `
import json, os, platform, sys, sysconfig
v = sysconfig.get_config_var
lib = None
if v("Py_ENABLE_SHARED"):
    for name in (v("INSTSONAME"), v("LDLIBRARY")):
        for d in (v("LIBDIR"), os.path.join(sys.base_prefix, "lib")):
            if name and d and os.path.isfile(os.path.join(d, name)):
                lib = lib or os.path.join(d, name)
print(json.dumps({"sysExecutable": sys.executable, "version": platform.python_version(),
    "majorMinor": "%d.%d" % sys.version_info[:2], "prefix": sys.prefix, "basePrefix": sys.base_prefix,
    "includeDir": v("INCLUDEPY"), "libpython": lib}))
`;

const PROBE_TIMEOUT_MS = 10_000;

function cacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'pyswitch', 'python-info.json');
}

// Changes when the interpreter binary or its venv configuration changes.
function stampOf(executable: string): string {
  const exe = fs.statSync(executable);
  const cfg = path.join(path.dirname(path.dirname(executable)), 'pyvenv.cfg');
  const cfgTime = fs.existsSync(cfg) ? fs.statSync(cfg).mtimeMs : 0;
  return `${exe.mtimeMs}:${exe.size}:${cfgTime}`;
}

type Cache = Record<string, { stamp: string; info: PythonInfo }>;

function readCache(): Cache {
  try {
    return JSON.parse(fs.readFileSync(cacheFile(), 'utf8')) as Cache;
  } catch {
    return {};
  }
}

function writeCache(cache: Cache): void {
  try {
    fs.mkdirSync(path.dirname(cacheFile()), { recursive: true });
    const tmp = `${cacheFile()}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(cache));
    fs.renameSync(tmp, cacheFile());
  } catch {
    // a cache we cannot write only costs a probe next time
  }
}

function runProbe(executable: string): Promise<PythonInfo> {
  return new Promise((resolve, reject) => {
    execFile(executable, ['-I', '-c', PROBE], { timeout: PROBE_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${executable} did not answer as a Python interpreter: ${stderr.trim() || error.message}`));
        return;
      }
      try {
        resolve({ executable, ...(JSON.parse(stdout) as Omit<PythonInfo, 'executable'>) });
      } catch {
        reject(new Error(`${executable} did not answer as a Python interpreter`));
      }
    });
  });
}

export async function pythonInfo(executable: string): Promise<PythonInfo> {
  const exe = path.resolve(executable);
  const stamp = stampOf(exe);
  const cache = readCache();
  const hit = cache[exe];
  if (hit && hit.stamp === stamp) return hit.info;
  const info = await runProbe(exe);
  writeCache({ ...readCache(), [exe]: { stamp, info } });
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
