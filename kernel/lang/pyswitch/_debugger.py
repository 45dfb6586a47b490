"""The debugger's side inside the interpreter: debugpy's in-process adapter (pydevd speaking DAP
on a loopback socket, no adapter process), and the Jupyter additions to DAP that read the
user's namespace (inspectVariables, richInspectVariables, copyToGlobals, modules).

The kernel reaches the helpers two ways: as requests (debug_inspect) while the Python thread is
free, and through the adapter's "evaluate" in a frame while a thread is stopped at a breakpoint
(the Python thread then runs only what the adapter hands it). evaluate() returns a repr, so the
helpers' answers are wrapped in an object whose repr is their JSON text. What this relies on
in debugpy is in docs/debugger.md (facts cited by number).
"""
import os
import sys

from . import _stdlib, _wire

_MODULE = "debugpy"
_port = None  # the adapter's port once it listens; it listens until the interpreter ends
_MAX_VALUE = 1000  # characters of a value's repr in the variables list
# Names of the shell's own, which the variables list leaves out (as ipykernel does).
_HIDDEN = frozenset(["In", "Out", "exit", "quit", "get_ipython", "display"])


def availability():
    """{"available": bool, "reason": why not}: whether this interpreter can import debugpy.
    One find_spec (about 0.2 ms), asked at start-up."""
    import importlib.util
    try:
        found = importlib.util.find_spec(_MODULE) is not None
    except (ImportError, ValueError) as exc:
        return {"available": False, "reason": "looking for %s failed: %s" % (_MODULE, exc)}
    if found:
        return {"available": True, "reason": None}
    return {"available": False,
            "reason": "%s cannot import debugpy (install it into this environment to debug)"
                      % sys.executable}


def start(request):
    """Start the in-process adapter (once per interpreter) and trace this thread; -> {"port"}.

    Only the kernel knows `token`: the adapter refuses every request until it is presented
    (pydevdAuthorize), so other local users cannot drive it through the loopback port (facts 1-3).
    """
    global _port
    if _port is None:
        # Its frozen-modules notice would land in the user's stderr (fact 10); cells are no
        # frozen modules.
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        import debugpy
        try:
            debugpy.listen(("127.0.0.1", 0), in_process_debug_adapter=True)
        except TypeError:
            raise RuntimeError("debugpy %s has no in-process adapter (listen(in_process_debug_"
                               "adapter=True)); a newer debugpy is needed" % debugpy.__version__)
        debugger = _pydevd()
        debugger.authentication.access_token = request["token"]
        debugger.wait_for_server_socket_ready()
        _port = debugger._server_socket_name[1]
    else:
        _pydevd().authentication.access_token = request["token"]
        trace({"on": True})
    return {"port": _port}


def trace(request):
    """Trace this thread again (after an interrupt of a stopped cell, which ends tracing: the
    KeyboardInterrupt leaves through the adapter's trace function: fact 9), or stop tracing it
    (after the frontend disconnected, so cells run at full speed again: fact 13)."""
    if _port is not None:
        if request.get("on"):
            _pydevd().enable_tracing()
        else:
            _pydevd().disable_tracing()
    return {}


def end(request):
    """Before an environment switch: the adapter's threads and its listening socket go, so the
    interpreter finalizes without them."""
    global _port
    if _port is not None:
        import pydevd
        pydevd.stoptrace()
        _port = None
    return {}


def _pydevd():
    from _pydevd_bundle.pydevd_constants import get_global_debugger
    return get_global_debugger()


def inspect(request):
    """debug_inspect {"what": "variables" | "rich" | "modules", "name"}: no thread is stopped."""
    what = request.get("what")
    if what == "variables":
        return variables()
    if what == "modules":
        return modules()
    if what == "rich":
        namespace = _namespace()
        name = request.get("name")
        if name not in namespace:
            raise NameError("name %r is not defined" % (name,))
        return rich(namespace[name])
    raise ValueError("unknown debug_inspect %r" % (what,))


class _Json(object):
    """What evaluate() hands back: its repr is the answer's JSON text (evaluate's "clipboard"
    context keeps the repr whole)."""

    def __init__(self, answer):
        self._text = _wire.dumps(answer).decode("ascii")

    def __repr__(self):
        return self._text


def answer(what, *args):
    """The helpers, called from an expression the adapter evaluates in a stopped frame."""
    helpers = {"variables": variables, "modules": modules, "rich": rich, "copy": copy_to_globals}
    return _Json(helpers[what](*args))


def _namespace():
    return sys.modules["__main__"].__dict__


def _short_repr(value):
    reprlib = _stdlib.module("reprlib")
    shortener = reprlib.Repr()
    shortener.maxstring = shortener.maxother = _MAX_VALUE
    try:
        text = shortener.repr(value)
    except Exception as exc:  # a broken __repr__ of the user's must not fail the whole list
        text = "<repr failed: %s: %s>" % (type(exc).__name__, exc)
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + "..."


def _variable(name, value):
    return {"name": name, "value": _short_repr(value), "type": type(value).__name__,
            "evaluateName": name, "variablesReference": 0}


def variables():
    types = _stdlib.module("types")
    return {"variables": [_variable(name, value) for name, value in list(_namespace().items())
                          if not name.startswith("_") and name not in _HIDDEN
                          and not isinstance(value, types.ModuleType)]}


def modules():
    found = list(sys.modules.items())
    listed = []
    for index, (name, module) in enumerate(found):
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        if isinstance(origin, str) and origin.endswith(".py"):
            listed.append({"id": index, "name": name, "path": origin})
    return {"modules": listed, "totalModules": len(found)}


def rich(value):
    """The mime bundle the frontend renders for a variable, as the cell's output would have it."""
    from ._mode import MODE
    if MODE.ipython:
        from ._ipython_display import json_data
        from ._ipython_shell import shell
        data, metadata = shell.display_formatter.format(value)
        return {"data": json_data(data), "metadata": metadata}
    from ._formatting import format_mimebundle
    data, metadata = format_mimebundle(value)
    return {"data": data, "metadata": metadata}


def copy_to_globals(value, name):
    _namespace()[name] = value
    described = _variable(name, value)
    return {"value": described["value"], "type": described["type"], "variablesReference": 0}
