"""What stands in the way of an in-process switch, asked before anything is touched.

An extension module that is not the standard library's may not survive finalize and re-init
(docs/runtime-facts.md, fact 6: numpy's second import fails, the next init crashes); a non-daemon
thread would make finalize wait for it forever; a daemon thread outlives finalize and, when it wakes
in the re-initialised interpreter, crashes the process (issue 8, item 1).
"""
import importlib.machinery
import os
import sys
import sysconfig
import threading


def _stdlib_dirs():
    paths = sysconfig.get_paths()
    dirs = {paths["stdlib"], paths["platstdlib"]}
    return tuple(os.path.join(os.path.realpath(d), "") for d in dirs if d)


def third_party_extensions():
    """Names of loaded extension modules that live outside the standard library."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    stdlib = _stdlib_dirs()
    found = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(suffixes):
            continue
        if not os.path.realpath(path).startswith(stdlib):
            found.append(name)
    return sorted(found)


def live_threads(daemon):
    """Names of the live threads besides the interpreter's main thread, daemon or not."""
    main = threading.main_thread()
    return sorted(t.name for t in threading.enumerate()
                  if t is not main and bool(t.daemon) == daemon and t.is_alive())


def blockers(_request):
    return {"extensions": third_party_extensions(), "threads": live_threads(False),
            "daemon_threads": live_threads(True)}
