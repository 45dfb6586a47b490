"""sys.stdout / sys.stderr replacements that hand text straight to the native side."""
import io

import _pyswitch_host


class HostStream(io.TextIOBase):
    """A text stream whose writes become Jupyter `stream` messages (batched natively)."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, number, name):
        self.name = name
        self._fileno = number
        # print() looks `write` up on the instance: binding the native function here
        # means no Python frame per call (200k prints stay in C).
        self.write = _pyswitch_host.write_stdout if number == 1 else _pyswitch_host.write_stderr
        self.flush = _pyswitch_host.flush

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        # The kernel captures fds 1 and 2 into the same streams, so a child process given
        # stdout=sys.stdout (or C code writing to fileno()) reaches the frontend too.
        return self._fileno

