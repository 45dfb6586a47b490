"""IPython, imported with the parts a kernel needs only later deferred until first used.

Importing IPython imports its terminal (for IPython.embed: prompt_toolkit, ~175 modules), its
completer imports jedi and parso (~110 modules) and its traceback formatter stack_data (with
executing, pure_eval and asttokens, ~40 modules): together over half of IPython mode's start-up
CPU and 15 MiB of its memory (docs/performance.md). A kernel needs none of them until a
completion falls through to jedi, a cell fails, or a cell calls IPython.embed().

A deferred module is the real module, made from its real spec, whose code runs the first time it
is asked for an attribute it does not have yet (importlib.util.LazyLoader does the same, but runs
on any attribute; this one can hold a package's submodules and jedi.settings, which IPython's
completer sets at import, without running). Which modules are deferred and what is known of them
is settled here, before IPython is imported; whatever a given IPython version does not import
stays a normal import.
"""
import contextlib
import importlib
import sys
import threading
import types

from . import _import_hooks

# IPython's completer runs `import jedi; jedi.settings...; import jedi.api.helpers, jedi.api.classes`.
_JEDI = ("jedi", "jedi.api", "jedi.api.helpers", "jedi.api.classes")
# IPython.core.ultratb runs `import stack_data` and uses it only inside its functions.
_STACK_DATA = ("stack_data",)
# IPython/__init__.py runs `from .terminal.embed import embed`.
_TERMINAL_EMBED = "IPython.terminal.embed"
# Imported as `import m` by IPython 8, at its import or its shell's creation, or by the modules it
# imports (traitlets, pdb, asyncio, urllib...), and used only inside functions: pexpect for `!cmd`
# (IPython.utils._process_posix), pydoc for help and tracebacks, pickle (logging.handlers),
# logging.handlers (traitlets' logging.config), csv (importlib.metadata), calendar (email), code
# (pdb), shlex, mimetypes (IPython.core.display), runpy, uuid, cProfile and pstats (%prun), ssl
# (http.client and urllib.request, for %load of a URL) and asyncio.sslproto, which reads ssl at
# import (asyncio's event loops use it for TLS). Together about 3.5 MiB (docs/performance.md).
# Pure-Python modules only (an extension module cannot be made before it runs), and no packages
# whose submodules anyone imports on their own: a submodule imported first would run its
# package's code halfway through its own (asyncio stays a normal import for that reason).
_UNTIL_USED = ("pexpect", "pydoc", "pickle", "logging.handlers", "csv", "calendar", "code", "shlex",
               "mimetypes", "runpy", "uuid", "cProfile", "pstats", "ssl", "asyncio.sslproto")

# A module's code runs once: a thread asking while another runs it waits, as an import would.
_lock = threading.RLock()
_running = set()  # id() of the modules whose code is running


class _Deferred(types.ModuleType):
    def __getattr__(self, name):
        if name == "__path__":
            # Asked of every module by `from m import x`: present on a package (from its spec),
            # and a plain module has none whether or not it has run.
            raise AttributeError(name)
        _run(self)
        return getattr(self, name)

    def __dir__(self):
        _run(self)
        return dir(self)


class _IPythonPackage(types.ModuleType):
    """The IPython package, whose `embed` is the terminal's, imported when first asked for."""

    def __getattr__(self, name):
        if name != "embed":
            raise AttributeError("module 'IPython' has no attribute %r" % (name,))
        terminal_embed = sys.modules[_TERMINAL_EMBED]
        _run(terminal_embed)
        self.embed = terminal_embed.embed
        return self.embed


def _run(module):
    with _lock:
        if type(module) is not _Deferred:
            return  # another thread ran it while this one waited
        if id(module) in _running:
            # Its own code (or code it imports) asks for a name not bound yet: the module is
            # partly initialised, as during a normal import.
            raise AttributeError("partially initialised module %r" % (module.__name__,))
        _running.add(id(module))
        try:
            module.__spec__.loader.exec_module(module)
            module.__class__ = types.ModuleType
        finally:
            _running.discard(id(module))


def _defer(module):
    module.__class__ = _Deferred


def _placeholder_embed(*args, **kwargs):  # only while IPython/__init__.py runs
    raise RuntimeError("IPython.embed was called before IPython finished importing")


def _defer_terminal_embed(module):
    _defer(module)
    module.embed = _placeholder_embed


def import_ipython():
    """Import IPython and its completer, with the terminal, jedi, stack_data and the modules of
    _UNTIL_USED deferred. Once per interpreter."""
    if "IPython" in sys.modules:
        return  # imported already (by a cell, or the startup of an earlier kernel): as it is
    with deferring():
        try:
            # Imported for real, so that the completer's setting lands where jedi reads it.
            importlib.import_module("jedi.settings")
        except ImportError:
            pass  # no jedi here: IPython finds none either
        importlib.import_module("IPython.core.completer")
    ipython = sys.modules["IPython"]
    terminal_embed = sys.modules.get(_TERMINAL_EMBED)
    if type(terminal_embed) is _Deferred and ipython.__dict__.get("embed") is _placeholder_embed:
        del ipython.embed, terminal_embed.embed
        ipython.__class__ = _IPythonPackage


@contextlib.contextmanager
def deferring(until_used_only=False):
    """While open (IPython's import; with until_used_only, its shell's creation), a module of the
    lists above that is imported for the first time is deferred; one already imported has run,
    and stays as it is."""
    names = _UNTIL_USED if until_used_only else _JEDI + _STACK_DATA + _UNTIL_USED + (_TERMINAL_EMBED,)
    deferred = [name for name in names if name not in sys.modules]
    for name in deferred:
        _import_hooks.when_imported(
            name, _defer_terminal_embed if name == _TERMINAL_EMBED else _defer, replace=True)
    try:
        yield
    finally:
        for name in deferred:
            _import_hooks.cancel(name)
