"""What stands in the way of an in-process switch, asked before anything is touched.

An extension module that is not the standard library's may not survive finalize and re-init
(docs/runtime-facts.md, fact 6: numpy's second import fails, the next init crashes); a non-daemon
thread would make finalize wait for it forever; a daemon thread outlives finalize and, when it wakes
in the re-initialised interpreter, crashes the process (issue 8, item 1).
"""
import _thread
import os
import sys


def _stdlib_extension_dir():
    """Where the standard library's extension modules are: lib-dynload, as CPython's path
    configuration places it (docs/runtime-facts.md, fact 6). Not sysconfig's stdlib and platstdlib
    directories: each may hold a site-packages (an installation's own, and in a venv platstdlib is
    the venv's lib/pythonX.Y), where pip puts numpy."""
    version = "python%d.%d" % sys.version_info[:2]
    return os.path.realpath(os.path.join(sys.base_exec_prefix, getattr(sys, "platlibdir", "lib"), version,
                                         "lib-dynload"))


def third_party_extensions():
    """Names of loaded extension modules that are not the standard library's."""
    import importlib.machinery
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    stdlib = _stdlib_extension_dir()
    found = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(suffixes):
            continue
        if os.path.dirname(os.path.realpath(path)) != stdlib:
            found.append(name)
    return sorted(found)


def live_threads(daemon):
    """Names of the live threads besides the interpreter's main thread, daemon or not."""
    # A fresh interpreter need not import threading (with functools and collections) to learn that
    # no thread runs: none was started from Python, and threading has none of its own to list.
    if sys.modules.get("threading") is None and _thread._count() == 0:
        return []
    import threading  # fails, and so refuses the switch, where a cell blocked it with threads running
    main = threading.main_thread()
    return sorted(t.name for t in threading.enumerate()
                  if t is not main and bool(t.daemon) == daemon and t.is_alive())


def blockers(_request):
    return {"extensions": third_party_extensions(), "threads": live_threads(False),
            "daemon_threads": live_threads(True)}
