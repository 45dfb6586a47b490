"""A child forked from a cell (os.fork, multiprocessing's fork start method) keeps its output.

Only the forking thread lives on in a child, and the kernel's native side there is a copy whose
threads are gone (its queues may have been locked by one of them at the fork): the child must not
call it. Its output goes to fds 1 and 2 instead, which the kernel captures into the running cell
as it captures any child process's (native/fd_capture.h). A child that leaves the cell it was
forked in exits there (see leave_if_child) rather than serve requests that are not its own.
"""
import os

import _pyswitch_host

from . import _streams, _wire


_installed = []


def install():
    # Once per interpreter: fork handlers cannot be unregistered.
    if not _installed and hasattr(os, "register_at_fork"):  # 3.7+, POSIX
        os.register_at_fork(after_in_child=_in_child)
        _installed.append(True)


def leave_if_child(reply):
    """In a forked child whose request has ended: exit with the request's outcome."""
    if _streams.is_kernel_process():
        return
    os._exit(_exit_status(reply))


def _in_child():
    _pyswitch_host.write_stdout = _fd_writer(1)
    _pyswitch_host.write_stderr = _fd_writer(2)
    _pyswitch_host.flush = _nothing
    _pyswitch_host.send = _send
    _pyswitch_host.input = _no_input
    _pyswitch_host.request = _no_kernel
    _pyswitch_host.log = _nothing
    _streams.rebind()  # the streams hold the functions they were made with


def _fd_writer(fd):
    def write(text):
        data = text.encode("utf-8", "replace")
        while data:
            data = data[os.write(fd, data):]
        return len(text)
    return write


def _nothing(*_args):
    pass


def _send(msg_type, content, metadata=b"", buffers=None):
    """What an iopub message shows as text: streams, errors and the text of results."""
    if isinstance(content, tuple):  # _wire.content_pieces: JSON bytes with long str values between
        content = b"".join(piece if isinstance(piece, bytes) else _wire.dumps(piece) for piece in content)
    message = _wire.loads(content)
    if msg_type == "stream":
        _fd_writer(2 if message.get("name") == "stderr" else 1)(message.get("text", ""))
    elif msg_type == "error" and message.get("ename") != "SystemExit":
        _fd_writer(2)("\n".join(message.get("traceback", [])) + "\n")
    elif msg_type in ("execute_result", "display_data"):
        text = message.get("data", {}).get("text/plain")
        if text:
            _fd_writer(1)(text + "\n")


def _no_input(prompt, password):
    raise EOFError("input() in a forked child: only the kernel process can ask the frontend")


def _no_kernel(request):
    raise RuntimeError("a forked child cannot reach the kernel")


def _exit_status(reply):
    if reply.get("status") != "error":
        return 0
    if reply.get("ename") != "SystemExit":
        return 1
    code = reply.get("evalue", "")
    return int(code) if code.lstrip("-").isdigit() else (0 if code in ("", "None") else 1)
