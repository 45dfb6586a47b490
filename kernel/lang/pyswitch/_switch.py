"""What stands in the way of an in-process switch, asked before anything is touched.

An extension module that is not the standard library's may not survive finalize and re-init
(docs/runtime-facts.md, fact 6: numpy's second import fails, the next init crashes), and is counted in
the process, not only in sys.modules; a non-daemon thread would make finalize wait for it forever
(not an idle pool worker, which finalize wakes); a daemon thread, or one started with _thread, outlives
finalize and, when it wakes in the re-initialised interpreter, crashes the process (issue 8, item 1).
"""
import _thread
import os
import sys

from . import _stdlib


def _stdlib_extension_dir():
    """Where the standard library's extension modules are: lib-dynload, as CPython's path
    configuration places it (docs/runtime-facts.md, fact 6). Not sysconfig's stdlib and platstdlib
    directories: each may hold a site-packages (an installation's own, and in a venv platstdlib is
    the venv's lib/pythonX.Y), where pip puts numpy."""
    version = "python%d.%d" % sys.version_info[:2]
    return os.path.realpath(os.path.join(sys.base_exec_prefix, getattr(sys, "platlibdir", "lib"), version,
                                         "lib-dynload"))


def third_party_extensions():
    """Names of the extension modules loaded into this process that are not the standard library's:
    those in sys.modules, and the files of any other that an interpreter of this process loaded and
    that sys.modules no longer holds (a cell deleted it, or its import failed after its init ran)."""
    suffixes = tuple(_stdlib.module("importlib.machinery").EXTENSION_SUFFIXES)
    stdlib = _stdlib_extension_dir()
    found, named = [], set()
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(suffixes) or os.path.dirname(path) == stdlib:
            continue
        real = os.path.realpath(path)
        if os.path.dirname(real) != stdlib:
            found.append(name)
            named.add(real)
    # CPython never unloads an extension module's library, and its C state outlives finalize as
    # much as a module's in sys.modules does (docs/runtime-facts.md, fact 6).
    for path in _mapped_files(suffixes):
        if os.path.dirname(path) != stdlib and path not in named:
            found.append(os.path.basename(path) + " (no longer in sys.modules)")
    return sorted(found)


def _mapped_files(suffixes):
    """The files mapped into this process whose names end with one of suffixes, by their real
    paths, as Linux's /proc/self/maps gives them (none where it cannot be read)."""
    try:
        with open("/proc/self/maps", "rb") as maps:
            lines = maps.read().splitlines()
    except OSError:
        return set()
    found = set()
    for line in lines:
        fields = line.split(None, 5)
        if len(fields) < 6 or not fields[5].startswith(b"/"):
            continue
        path = os.fsdecode(fields[5])
        if path.endswith(" (deleted)"):  # removed since it was loaded, still in the process
            path = path[:-len(" (deleted)")]
        if path.endswith(suffixes):
            found.add(path)
    return found


def running_threads():
    """(non-daemon, daemon): the names of the threads running besides the interpreter's main thread.

    Finalizing waits for non-daemon threads, except the idle workers of concurrent.futures pools,
    which its exit hook wakes and joins. Threads started with _thread itself are in no list of
    threading's: like daemon threads, nothing waits for them, and they would wake in a
    re-initialised interpreter."""
    started = _thread._count()  # every thread started from Python and still running, threading's too
    # A fresh interpreter need not import threading (with functools and collections) to learn that
    # none runs.
    if sys.modules.get("threading") is None and started == 0:
        return [], []
    threading = _stdlib.module("threading")  # fails, and so refuses the switch, where a cell blocked it
    main = threading.main_thread()
    threads, daemons, listed = [], [], 0
    for thread in threading.enumerate():
        if thread is main or not thread.is_alive():
            continue
        if not isinstance(thread, threading._DummyThread):  # a thread started outside Python is not counted
            listed += 1
        if thread.daemon:
            daemons.append(thread.name)
        elif not _idle_pool_worker(thread):
            threads.append(thread.name)
    if started > listed:
        daemons.append("%d started with _thread" % (started - listed))
    return sorted(threads), sorted(daemons)


def _idle_pool_worker(thread):
    """A concurrent.futures worker waiting for work: its own loop is the innermost Python frame
    (running a work item puts the item's frames above it)."""
    worker = getattr(sys.modules.get("concurrent.futures.thread"), "_worker", None)
    code = getattr(worker, "__code__", None)
    return code is not None and getattr(sys._current_frames().get(thread.ident), "f_code", None) is code


def blockers(_request):
    threads, daemon_threads = running_threads()
    return {"extensions": third_party_extensions(), "threads": threads, "daemon_threads": daemon_threads}
