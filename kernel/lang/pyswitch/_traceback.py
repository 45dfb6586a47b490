"""Error reports for user code, with the kernel's own frames left out."""
import types

from . import _stdlib


def describe(exc):
    """(ename, evalue, traceback lines) of an exception raised by user code."""
    traceback = _stdlib.module("traceback")
    if isinstance(exc, SyntaxError) and exc.text is None and exc.filename and exc.lineno:
        # Errors found after parsing (`return` outside a function...) come without the line:
        # the compiler reads it from a file, and a cell exists only in linecache.
        linecache = _stdlib.module("linecache")
        exc.text = linecache.getline(exc.filename, exc.lineno) or None
    tb = user_traceback(exc.__traceback__, exc)
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    return type(exc).__name__, _safe_str(exc), text.rstrip("\n").split("\n")


def user_traceback(tb, exc=None):
    """A copy of tb (the traceback of exc) without kernel frames.

    Dropped: every frame of this package (the cell runner at the start; display hook and
    display() when user code reaches them); before the first frame kept, the frames of
    the event loop that runs cells using top-level await (nest_asyncio, when something
    applied it, patches that loop); and for an interrupt, the debugger's own frames (it
    waited there for a command).
    """
    debugger = isinstance(exc, KeyboardInterrupt)
    kept = []
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__") or ""
        if not (_is_module(module, "pyswitch")
                or debugger and module in _DEBUGGER_MODULES
                or not kept and (_is_module(module, "asyncio") or module in _LOOP_MODULES)):
            kept.append(tb)
        tb = tb.tb_next
    result = None
    for entry in reversed(kept):
        result = types.TracebackType(result, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return result


_LOOP_MODULES = ("selectors", "nest_asyncio")
_DEBUGGER_MODULES = ("bdb", "pdb", "cmd", "IPython.core.debugger")


def _is_module(name, package):
    return name == package or name.startswith(package + ".")


def _safe_str(exc):
    try:
        return str(exc)
    except Exception:
        return "<unprintable %s object>" % type(exc).__name__
