"""_switch.blockers, what stands in the way of an in-process switch.

An extension module outside the standard library's lib-dynload is third-party, wherever it is, the
site-packages of a venv or of its installation included (pip's places for numpy, which an in-process
switch would make crash: docs/runtime-facts.md, fact 6); each such case runs in a fresh interpreter
of a temp venv, of each pyenv Python 3.7-3.13 and of Debian's. Running threads are listed without a
fresh interpreter importing threading, and never missed where a cell blocked its import.
"""
import glob
import os
import subprocess
import sys
import tempfile

import pytest

from interpreters import LANG, run_fresh

MINORS = ["3.%d" % minor for minor in range(7, 14)]
PYENV = {minor: sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/%s.*/bin/python3" % minor))) for minor in MINORS}
BASES = [("debian", "/usr/bin/python3")] + [(minor, (PYENV[minor] or [None])[-1]) for minor in MINORS]

CASES = r"""
import glob, os, sys, sysconfig, types
from pyswitch import _switch

def fake(name, path):
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module

suffix = sysconfig.get_config_var("EXT_SUFFIX")
version = "python%d.%d" % sys.version_info[:2]
fake("in_venv_site", os.path.join(sys.prefix, "lib", version, "site-packages", "numpy", "core", "_umath" + suffix))
fake("in_base_site", os.path.join(sys.base_prefix, "lib", version, "site-packages", "pkg", "_ext" + suffix))
fake("in_venv_lib", os.path.join(sys.prefix, "lib", version, "_ext" + suffix))
fake("pure_python", os.path.join(sys.prefix, "lib", version, "site-packages", "pkg", "mod.py"))
dynload = [path for path in sys.path if path.endswith("lib-dynload")]
stdlib_ext = sorted(glob.glob(os.path.join(dynload[0], "*" + suffix)))[0]
name = os.path.basename(stdlib_ext).split(".")[0]
__import__(name)
report(found=_switch.third_party_extensions(), stdlib_ext=name, in_dynload=sys.modules[name].__file__.startswith(dynload[0]))
"""


@pytest.mark.parametrize("label,base", BASES, ids=[label for label, _ in BASES])
def test_only_lib_dynload_is_the_standard_librarys(label, base):
    if base is None or not os.path.exists(base):
        pytest.skip("no Python %s here" % label)
    with tempfile.TemporaryDirectory(prefix="pyswitch-blockers-") as tmp:
        venv = os.path.join(tmp, "venv")
        subprocess.run([base, "-m", "venv", "--without-pip", venv], check=True, capture_output=True, timeout=120)
        facts = run_fresh(os.path.join(venv, "bin", "python"), "", CASES)
    assert facts["in_dynload"], facts
    assert facts["found"] == ["in_base_site", "in_venv_lib", "in_venv_site"], facts
    assert facts["stdlib_ext"] not in facts["found"]



THREADS = r"""
import sys, threading
from pyswitch import _switch
release = threading.Event()
worker = threading.Thread(target=release.wait, name="worker", daemon=True)
worker.start()
listed = _switch.blockers(None)
sys.modules["threading"] = None  # a cell's way to block the import, with the thread still running
try:
    _switch.blockers(None)
    blocked = "answered"
except ImportError:
    blocked = "ImportError"
release.set()
report(listed=listed, blocked=blocked)
"""

def test_threads_are_listed_and_a_blocked_threading_refuses_rather_than_answers_none():
    facts = run_fresh(sys.executable, "", THREADS)
    assert facts["listed"]["daemon_threads"] == ["worker"] and facts["listed"]["threads"] == []
    assert facts["blocked"] == "ImportError"  # an empty list would let a daemon thread into a re-init


def test_a_fresh_interpreter_answers_without_importing_threading():
    python = (PYENV["3.11"] or [None])[-1]
    if python is None:
        pytest.skip("no pyenv Python 3.11 here")
    # -S: nothing of site's imports threading either (pyenv's site-packages has .pth files that may)
    proc = subprocess.run([python, "-S", "-c", _fresh_script()], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["[]", "[]", "False"], proc.stdout


def _fresh_script():
    return ("import sys, types\nsys.modules['_pyswitch_host'] = types.ModuleType('_pyswitch_host')\n"
            "sys.path.append(%r)\nfrom pyswitch import _switch\nb = _switch.blockers(None)\n"
            "print(b['threads'], b['daemon_threads'], 'threading' in sys.modules)" % LANG)


UNLISTED = r"""
import importlib.util, os, shutil, sys, tempfile, _json
from pyswitch import _switch

def load(directory):
    copy = shutil.copy(_json.__file__, directory)
    spec = importlib.util.spec_from_file_location("_json", copy)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))  # loaded, never in sys.modules
    return os.path.basename(copy)

kept = load(tempfile.mkdtemp())
gone_dir = tempfile.mkdtemp()
load(gone_dir)
shutil.rmtree(gone_dir)  # uninstalled since: the process still has it
report(found=_switch.third_party_extensions(), basename=kept)
"""


def test_an_extension_loaded_but_not_in_sys_modules_still_counts():
    facts = run_fresh(sys.executable, "", UNLISTED)
    listed = facts["basename"] + " (no longer in sys.modules)"
    assert facts["found"] == [listed, listed], facts  # one copy in each temp dir, the removed one too


POOLS = r"""
import _thread, concurrent.futures, sys, threading
from pyswitch import _switch
pool = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="pool")
pool.submit(lambda: 42).result()
import time
deadline = time.monotonic() + 5
# The worker goes back to waiting for work a moment after the result is out.
while _switch.running_threads()[0] and time.monotonic() < deadline:
    time.sleep(0.001)
idle = _switch.running_threads()
started, release = threading.Event(), threading.Event()
def work():
    started.set()  # in the item's frame now, above the pool's loop
    release.wait()
busy_future = pool.submit(work)
started.wait()
busy = _switch.running_threads()
release.set()
busy_future.result()
raw_started, raw_release = _thread.allocate_lock(), _thread.allocate_lock()
raw_started.acquire()
raw_release.acquire()
def raw():
    raw_started.release()
    raw_release.acquire()
_thread.start_new_thread(raw, ())
raw_started.acquire()
raw_threads = _switch.running_threads()
raw_release.release()
report(idle=idle, busy=busy, raw=raw_threads, version=list(sys.version_info[:2]))
"""


@pytest.mark.parametrize("label,base", BASES, ids=[label for label, _ in BASES])
def test_idle_pool_workers_do_not_hold_a_switch_and_raw_threads_count_as_daemons(label, base):
    if base is None or not os.path.exists(base):
        pytest.skip("no Python %s here" % label)
    facts = run_fresh(base, "", POOLS)
    pool_is_daemon = facts["version"] < [3, 9]  # 3.7 and 3.8 made pool workers daemon threads
    if pool_is_daemon:
        assert facts["idle"] == [[], ["pool_0"]], facts
    else:
        assert facts["idle"] == [[], []], facts  # finalize's exit hook wakes and joins them
        assert facts["busy"] == [["pool_0"], []], facts
    assert facts["raw"][1][0] == "1 started with _thread", facts
