"""pyswitch's in-kernel module: the display API and the environment API for user code.

The kernel's request handling lives in pyswitch._kernel; nothing here is needed to use it.
"""
from ._display import DisplayHandle, clear_output, display, update_display
from ._environments import SwitchError, current, discover, switch
from ._formatting import format_mimebundle
from ._stdin import StdinNotImplementedError

__all__ = ["DisplayHandle", "StdinNotImplementedError", "SwitchError", "clear_output", "current",
           "discover", "display", "format_mimebundle", "switch", "update_display"]
