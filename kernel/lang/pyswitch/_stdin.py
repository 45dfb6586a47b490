"""Console input through the frontend: builtins.input, sys.stdin and getpass.getpass."""
import builtins
import io
import sys

import _pyswitch_host

from . import _import_hooks

# Whether the execute request being served lets us send input_request; set by _execute.
allowed = False

_original_input = builtins.input


class StdinNotImplementedError(RuntimeError):
    """Input was requested but the frontend said it cannot answer (allow_stdin false)."""


def _ask(prompt, password, caller):
    if not allowed:
        raise StdinNotImplementedError(
            "%s was called, but this frontend does not support input requests." % caller)
    _pyswitch_host.flush()  # the prompt must come after what was printed before it
    value = _pyswitch_host.input(str(prompt), password)
    if value == "\x04":  # Ctrl-D sent by consoles, as ipykernel understands it
        raise EOFError
    return value


def input(prompt=""):
    """builtins.input: the frontend shows the prompt and returns the user's line."""
    return _ask(prompt, False, "raw_input")


def getpass(prompt="Password: ", stream=None):
    """getpass.getpass: asks the frontend for a hidden entry (stream is not used)."""
    return _ask(prompt, True, "getpass")


class FrontendStdin(io.TextIOBase):
    """sys.stdin: each line read is one input request (the process's own stdin is Node's)."""

    encoding = "utf-8"
    errors = "strict"
    name = "<stdin>"

    def readable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        raise io.UnsupportedOperation("<stdin> has no file descriptor")

    def readline(self, size=-1):
        try:
            return _ask("", False, "raw_input") + "\n"
        except EOFError:
            return ""

    def close(self):
        # site's exit()/quit() close sys.stdin before raising SystemExit; the kernel
        # lives on, so input must keep working in the next cell.
        pass


def _patch_getpass(module):
    module.getpass = getpass


def install():
    builtins.input = input
    sys.stdin = FrontendStdin()
    # getpass's own reads /dev/tty of whatever terminal started the kernel. Patched when
    # imported: importing it now would cost a few ms for a rarely used module.
    _import_hooks.when_imported("getpass", _patch_getpass)


def uninstall():
    builtins.input = _original_input
    sys.stdin = sys.__stdin__
    _import_hooks.cancel("getpass")

