"""pyswitch: the kernel's Python API for code in cells.

Environments (a venv, a conda environment, or a Python installation of the kernel's
major.minor):

  current()                 the active environment, a dict: kind, root, executable, version, ...
  discover(roots, depth)    environments found under roots, each marked "compatible" or not
  switch(target)            switch to target right after the cell (variables start afresh);
                            a refused switch raises SwitchError, whose .code says why
  SwitchError               not_found, not_python, version_mismatch, broken_env, busy, bad_request

In IPython mode the %pyswitch magic does the same: %pyswitch [current], %pyswitch list [ROOT ...],
%pyswitch switch PATH.

Display: display(), update_display(), clear_output(), DisplayHandle, format_mimebundle().
"""
import sys as _sys

from . import _public_api
from ._display import DisplayHandle, clear_output, display, update_display
from ._environments import SwitchError, current, discover, switch
from ._formatting import format_mimebundle
from ._stdin import StdinNotImplementedError

__all__ = ["DisplayHandle", "StdinNotImplementedError", "SwitchError", "clear_output", "current",
           "discover", "display", "format_mimebundle", "switch", "update_display"]

_public_api.publish(_sys.modules[__name__], [globals()[name] for name in __all__])


def __dir__():
    # What dir(), help() and completion see: the API, not the kernel's modules loaded into the package.
    return sorted(__all__)
