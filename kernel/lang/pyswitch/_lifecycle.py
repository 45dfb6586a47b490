"""startup and shutdown requests: install the kernel's hooks into the interpreter, and undo them."""
import builtins
import gc
import sys

# The signal module's Python layer would import enum for its constants' names: _signal is what
# it wraps (docs/performance.md, "The kernel's package without json").
import _signal as signal

import _pyswitch_host

from . import _comm_compat, _event_loop, _forked, _pdb_interrupt, _stdin, _stdlib, _thread_output
from ._display import display
from ._displayhook import displayhook
from ._mode import MODE
from ._streams import HostStream


def startup(request):
    sys.stdout = HostStream(1, "<stdout>")
    sys.stderr = HostStream(2, "<stderr>")
    _stdin.install()
    _pdb_interrupt.install()
    _forked.install()
    _thread_output.install()
    _comm_compat.install()
    _event_loop.install()
    sys.displayhook = displayhook
    builtins.display = display
    # The native interrupt raises KeyboardInterrupt through Python's own C handler, which
    # must be the one installed (with SIG_DFL a SIGINT would kill the whole kernel).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if not getattr(sys, "argv", None):
        sys.argv = [""]  # unset when embedded through the legacy API; argparse users need it
    ipython = _wants_ipython()
    from ._debugger import availability
    reply = {"language_info": language_info(), "ipython": ipython, "debugger": availability(),
             "banner": banner() + (_IPYTHON_BANNER_LINE if ipython else "")}
    # As `python script.py` run from the working directory, and as ipykernel: "" first, so modules next
    # to the notebook import. Only now, after the kernel's own imports: a types.py or functools.py of the
    # user's there would have been imported in their place (an embedded interpreter gets no script
    # entry; the python command adds it, not init).
    sys.path.insert(0, "")
    return reply


def shutdown(request):
    import atexit
    # What the interpreter would do at exit; they run once (the registry is cleared).
    atexit._run_exitfuncs()
    _pyswitch_host.flush()
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    sys.displayhook = sys.__displayhook__
    _stdin.uninstall()
    _pdb_interrupt.uninstall()
    return {}


_IPYTHON_BANNER_LINE = "IPython -- An enhanced Interactive Python. Type '?' for help.\n"


def _wants_ipython():
    """IPython mode when the interpreter can import IPython, unless PYSWITCH_IPYTHON=0; plain
    mode pays one find_spec."""
    import os
    if os.environ.get("PYSWITCH_IPYTHON") == "0":
        return False
    import importlib.util
    return importlib.util.find_spec("IPython") is not None


def start_ipython(request):
    """The heavy half of start-up in IPython mode: importing IPython takes 0.2-0.9 s. The kernel
    asks for it right after startup without waiting, so kernel_info is answered meanwhile and
    the first cell runs after it. Returns the banner that now holds."""
    # An interrupt now is meant for the cell queued behind (the kernel answers while IPython
    # loads): it must not break IPython's import and leave the kernel in plain mode. It is held
    # and ends that cell before it runs (take_held_interrupt).
    previous = signal.signal(signal.SIGINT, _hold_interrupt)
    # Importing IPython makes about 90,000 objects and no garbage: the cyclic collector's passes
    # over them are time lost (docs/performance.md, "IPython's import without the collector").
    collecting = gc.isenabled()
    gc.disable()
    try:
        # IPython's own imports without the working directory, not the shell's startup files.
        _ipython_shell = _stdlib.module(__package__ + "._ipython_shell")
        ipython_banner = _ipython_shell.start()
    except Exception as exc:
        # A broken or too old IPython must not cost the user the kernel: plain mode, and the
        # banner says why.
        builtins.display = display
        return {"banner": "%sIPython is installed but could not start (%s: %s): plain Python mode\n"
                % (banner(), type(exc).__name__, exc)}
    finally:
        if collecting:
            gc.enable()
        signal.signal(signal.SIGINT, previous)
    MODE.start_ipython()
    return {"banner": ipython_banner}


_held = []  # an interrupt that arrived while IPython loaded


def _hold_interrupt(signum, frame):
    _held.append(signum)


def take_held_interrupt():
    """True once if an interrupt arrived while IPython loaded."""
    held = bool(_held)
    del _held[:]
    return held


def language_info():
    return {
        "name": "python",
        "version": python_version(),
        "mimetype": "text/x-python",
        "file_extension": ".py",
        "pygments_lexer": "ipython3",
        "codemirror_mode": {"name": "ipython", "version": 3},
        "nbconvert_exporter": "python",
    }


def python_version():
    """platform.python_version(), without importing platform (~10 ms on 3.7)."""
    version = sys.version.split()[0]
    return version + ".0" if version.count(".") == 1 else version


def banner():
    return ("Python %s\nType 'copyright', 'credits' or 'license' for more information\n"
            % sys.version)
