"""IPython mode: the InteractiveShell that cells run through, wired to the kernel's output.

Loaded only when the active interpreter has IPython (see _lifecycle); plain mode never
imports it. Modelled on ipykernel's ZMQInteractiveShell.
"""
import os

from . import _deferred_imports

# First: IPython's own imports below then find its terminal, jedi and stack_data deferred.
_deferred_imports.import_ipython()

from IPython.core import page, payloadpage
from IPython.core.autocall import ExitAutocall
from IPython.core.compilerop import CachingCompiler
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type, default
from traitlets.config import Config

from . import (_event_loop, _formatter_calls, _frame_modules, _highlight_cache, _import_hooks, _magics,
               _str_text)
from ._ipython_display import HostDisplayHook, HostDisplayPublisher
from ._traceback import _safe_str, user_traceback
from ._wire import publish

_INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

shell = None  # the running shell, once start() has made it


class CellCompiler(CachingCompiler):
    """The kernel names each cell's file as the debugger does (a hash of its code, as ipykernel),
    and the cell is compiled under that name instead of <ipython-input-N-...>: breakpoints set
    once the debugger is on stop code defined before, and identical cells share one linecache
    entry. Tracebacks still say "Cell In[N]" (IPython maps the name to the count)."""

    cell_filename = None
    cell_code = None  # the code the kernel named: a cell that runs other code keeps IPython's name

    def get_code_name(self, raw_code, transformed_code, number):
        if self.cell_filename is not None and raw_code == self.cell_code:
            return self.cell_filename
        return super().get_code_name(raw_code, transformed_code, number)

    def is_cell_file(self, filename):
        """Whether a cell's code was compiled under filename (IPython's own record, which its
        tracebacks read to say "Cell In[N]")."""
        return filename in getattr(self, "_filename_map", ())


class KernelExit(ExitAutocall):
    """exit() and quit() as ipykernel takes them: exit(keep_kernel=True) asks the frontend to end
    its session and leave the kernel running."""

    def __call__(self, keep_kernel=False):
        self._ip.keepkernel_on_exit = bool(keep_kernel)
        self._ip.ask_exit()


class ZMQInteractiveShell(InteractiveShell):
    """The kernel's shell. It bears ipykernel's class name because libraries tell a notebook
    from a terminal by get_ipython().__class__.__name__."""

    compiler_class = Type(CellCompiler)
    displayhook_class = Type(HostDisplayHook)
    display_pub_class = Type(HostDisplayPublisher)

    # The structured traceback of the cell's error, for the execute reply (ipykernel's name).
    _last_traceback = None
    keepkernel_on_exit = False  # what the last exit() asked for (ipykernel's name)

    @default("exiter")
    def _kernel_exiter(self):
        return KernelExit(self)

    def init_environment(self):
        # As ipykernel: no terminal to page in, so pagers print; coloured `ls` on BSDs.
        os.environ.update(TERM="xterm-color", CLICOLOR="1", PAGER="cat", GIT_PAGER="cat")

    def init_virtualenv(self):
        """Nothing to do: the kernel runs the environment's own interpreter, whereas IPython
        would put $VIRTUAL_ENV's site-packages on sys.path with a warning."""

    def init_hooks(self):
        super().init_hooks()
        # Help (obj?, %pinfo, %page) becomes the execute reply's "page" payload.
        self.set_hook("show_in_pager", page.as_hook(payloadpage.page), 99)

    def enable_gui(self, gui=None):
        _refuse_event_loop(gui)
        self.active_eventloop = gui

    def enable_matplotlib(self, gui=None):
        # A bare %matplotlib (or %pylab) gets inline, the kind that works here, rather than
        # matplotlib's default GUI backend; a GUI is refused before IPython switches the
        # backend, which it does first.
        from IPython.core.pylabtools import find_gui_and_backend
        gui = gui or "inline"
        _refuse_event_loop(find_gui_and_backend(gui, self.pylab_gui_select)[0])
        return super().enable_matplotlib(gui)

    def run_cell(self, *args, **kwargs):
        self._last_traceback = None
        return super().run_cell(*args, **kwargs)

    def should_run_async(self, raw_cell, **kwargs):
        # Its compile only tells whether the cell awaits, and it lets out every error but a
        # SyntaxError: a lone surrogate, a NUL byte (a ValueError on Debian's 3.11.2), nesting too deep.
        # run_cell then fails with its coroutine never awaited; the cell's own compile, next, shows
        # such an error as the cell's.
        try:
            return super().should_run_async(raw_cell, **kwargs)
        except Exception:
            return False

    def _get_exc_info(self, exc_tuple=None):
        # Every traceback IPython shows or keeps goes through here: the kernel's own frames
        # (this shell's overrides, input(), the display hook) are no part of the user's error.
        etype, value, tb = super()._get_exc_info(exc_tuple)
        return etype, value, user_traceback(tb, value)

    def _showtraceback(self, etype, evalue, stb):
        self._last_traceback = stb
        publish("error", {"ename": etype.__name__, "evalue": _safe_str(evalue),
                          "traceback": stb})

    def set_next_input(self, text, replace=False):
        self.payload_manager.write_payload(
            {"source": "set_next_input", "text": text, "replace": replace})

    def ask_exit(self):
        # exit() / quit(): frontends that honour the payload (jupyter console) end the session.
        self.payload_manager.write_payload({"source": "ask_exit", "keepkernel": self.keepkernel_on_exit})


def _refuse_event_loop(gui):
    # No GUI event loop can run beside the cells (%gui, %matplotlib qt...): figures are inline.
    if gui not in (None, "inline"):
        raise UsageError("this kernel runs no GUI event loop (%r): use %%matplotlib inline"
                         % gui)


def _lighter_formatters(formatters):
    # Each formatter call would bind its arguments to a signature first (decorator 5).
    _formatter_calls.install(formatters)
    # A str's text/plain would go through the pretty printer's copies of it.
    _str_text.install(formatters)


def start():
    """Create the shell (once per interpreter) and return the kernel_info banner."""
    global shell
    if shell is None:
        import sys
        _import_hooks.when_imported("matplotlib", _inline_backend_by_default)
        # Each traceback would compile the Python lexer's rules, set up a formatter's colours and
        # make the executing node's style class anew, and look through every module for the one
        # each cell's frame comes from.
        _import_hooks.when_imported("pygments.lexer", _highlight_cache.share_lexer_rules)
        _import_hooks.when_imported("pygments.formatters.terminal256",
                                    _highlight_cache.keep_terminal256_styles)
        _import_hooks.when_imported("stack_data.core", _highlight_cache.keep_executing_node_styles)
        _import_hooks.when_imported("IPython.core.ultratb", _cell_frames_in_no_module)
        _import_hooks.when_imported("IPython.core.formatters", _lighter_formatters)
        config = Config()
        # The kernel keeps and persists the history; IPython's SQLite store (and its writer
        # thread) would be a second copy. In, Out and %history still work for the session.
        config.HistoryManager.enabled = False
        # Completion runs jedi itself, time-boxed, beside IPython's matchers (_ipython_completion).
        config.IPCompleter.use_jedi = False
        # Libraries (tqdm.autonotebook...) tell a Jupyter kernel from a terminal by this section.
        config.IPKernelApp = Config()
        with _deferred_imports.deferring(until_used_only=True):  # the magics import some
            shell = ZMQInteractiveShell.instance(config=config,
                                                 user_module=sys.modules["__main__"])
        # Top-level await on the loop that plain mode uses too; it cancels an interrupted cell.
        shell.loop_runner = _event_loop.run
        _magics.register(shell)
    return shell.banner


def _cell_frames_in_no_module(ultratb):
    _frame_modules.install(ultratb, lambda filename: shell is not None and shell.compile.is_cell_file(filename))


def _inline_backend_by_default(matplotlib):
    # As ipykernel, which sets MPLBACKEND: above matplotlibrc, below the variable and
    # matplotlib.use(). Set in matplotlib, not in os.environ, which child processes and the
    # interpreter of the next environment switch (perhaps without IPython) would inherit.
    import importlib.util
    if not os.environ.get("MPLBACKEND") and importlib.util.find_spec("matplotlib_inline"):
        matplotlib.rcParams["backend"] = _INLINE_BACKEND
