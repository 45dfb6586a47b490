"""The environment API for code in cells: which environment is active, which ones exist, and a
switch that takes effect right after the current cell. The kernel answers these (the same
requests as the pyswitch.env comm); the interpreter only asks.
"""
import _pyswitch_host

from . import _wire


class SwitchError(RuntimeError):
    """The kernel refused a request (the code says why, as in the comm protocol)."""

    def __init__(self, code, message):
        RuntimeError.__init__(self, "%s: %s" % (code, message))
        self.code = code


def _ask(request):
    reply = _wire.loads(_pyswitch_host.request(_wire.dumps(request)))
    if reply.get("ok") is False and "env" not in reply:
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


def switch(target):
    """Switch to `target` (a venv or conda directory, an interpreter, or "system") right after
    this cell; the kernel reports the outcome in the cell's output. Variables start afresh."""
    _ask({"request": "switch", "target": str(target)})
