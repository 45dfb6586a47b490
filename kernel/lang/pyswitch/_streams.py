"""sys.stdout / sys.stderr replacements that hand text straight to the native side."""
import functools
import io

import _pyswitch_host


class HostStream(io.TextIOBase):
    """A text stream whose writes become Jupyter `stream` messages (batched natively)."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, number, name):
        self.name = name
        # print() looks `write` up on the instance: binding the native function here
        # means no Python frame per call (200k prints stay in C).
        self.write = functools.partial(_pyswitch_host.write, number)
        self.flush = _pyswitch_host.flush

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        raise io.UnsupportedOperation("%s has no file descriptor" % self.name)

