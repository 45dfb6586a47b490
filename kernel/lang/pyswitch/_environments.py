"""The environment API for code in cells: which environment is active, which ones exist, and a
switch that takes effect right after the current cell. The kernel answers these (the same
requests as the pyswitch.env comm); the interpreter only asks.
"""
import _pyswitch_host

from . import _switch, _wire


class SwitchError(RuntimeError):
    """The kernel refused a request; .code says why, as in the comm protocol: not_found,
    not_python, version_mismatch, broken_env, busy, bad_request."""

    def __init__(self, code, message):
        RuntimeError.__init__(self, "%s: %s" % (code, message))
        self.code = code


def _ask(request):
    __tracebackhide__ = True  # IPython's tracebacks end at the user's call, not in here
    reply = _wire.loads(_pyswitch_host.request(_wire.dumps(request)))
    if reply.get("ok") is False:
        raise SwitchError(reply["error"]["code"], reply["error"]["message"])
    return reply


def current():
    """The active environment: {"kind", "root", "executable", "version", "base_prefix",
    "include_system_site_packages"}."""
    return _ask({"request": "current"})["env"]


def discover(roots=("~", "."), depth=None):
    """Environments under `roots` (venvs and conda envs, `depth` levels down, 5 by default),
    each with "compatible": whether this kernel can switch to it (same major.minor)."""
    if isinstance(roots, str):
        roots = [roots]
    return _ask({"request": "discover", "roots": list(roots), "depth": depth})["envs"]


def switch(target, strategy=None):
    """Switch to `target` right after this cell: a venv or conda directory, an interpreter, a
    Python installation's root (/usr), or "system". Variables start afresh.

    Everything that can be checked is checked now: a refused switch raises SwitchError, so the
    cell fails (and Run All stops there). `strategy`: "in-process" or "re-exec" to insist on one.
    The kernel prints the outcome in the cell's output."""
    __tracebackhide__ = True
    # The interpreter is busy with this cell while the kernel checks, so it tells the kernel now
    # what would keep an in-process switch from finalizing it.
    _ask({"request": "switch", "target": str(target), "strategy": strategy,
          "blockers": _switch.blockers(None)})
