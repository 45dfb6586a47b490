"""sys.stdout / sys.stderr replacements that hand text straight to the native side."""
import io
import os

import _pyswitch_host

_made = []  # every HostStream, for rebind()
_kernel_pid = os.getpid()


class HostStream(io.TextIOBase):
    """A text stream whose writes become Jupyter `stream` messages (batched natively)."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, number, name):
        self.name = name
        self._fileno = number
        self._bind()
        _made.append(self)

    def _bind(self):
        # print() looks `write` up on the instance: binding the native function here
        # means no Python frame per call (200k prints stay in C).
        self.write = _pyswitch_host.write_stdout if self._fileno == 1 else _pyswitch_host.write_stderr
        self.flush = _pyswitch_host.flush

    def writable(self):
        return True

    def isatty(self):
        return False

    def _is_master_process(self):
        # ipykernel's OutStream has it, and code written for ipykernel asks it: False in a forked child.
        return is_kernel_process()

    def fileno(self):
        # The kernel captures fds 1 and 2 into the same streams, so a child process given
        # stdout=sys.stdout (or C code writing to fileno()) reaches the frontend too.
        return self._fileno


def rebind():
    """Bind every stream anew to the host module's functions (which a forked child replaces)."""
    for stream in _made:
        stream._bind()


def is_kernel_process():
    """False in a child forked from the kernel's process."""
    return os.getpid() == _kernel_pid
