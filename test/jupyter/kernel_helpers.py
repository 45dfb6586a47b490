"""Launch a kernel through jupyter_client and collect what it answers, with bounded waits."""
import time
from contextlib import contextmanager
from queue import Empty

from jupyter_client.manager import KernelManager

STARTUP_TIMEOUT = 60
REPLY_TIMEOUT = 10


@contextmanager
def running_kernel(kernel_name, connection_file=None, **start_options):
    """Yield (KernelManager, BlockingKernelClient) for a ready kernel; always kill it afterwards.

    connection_file: where the connection file goes (jupyter_client's runtime dir unless given);
    start_options go to KernelManager.start_kernel (env=... replaces the kernel's environment)."""
    km = KernelManager(kernel_name=kernel_name, **({"connection_file": str(connection_file)} if connection_file else {}))
    km.start_kernel(**start_options)
    try:
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
            yield km, kc
        finally:
            kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)


class Deadline:
    def __init__(self, timeout, what):
        self.end = time.monotonic() + timeout
        self.timeout = timeout
        self.what = what

    def remaining(self):
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {self.what} within {self.timeout} s")
        return left


def _next(get_msg, deadline):
    try:
        return get_msg(timeout=deadline.remaining())
    except Empty:
        deadline.remaining()  # raises TimeoutError once the deadline has passed
        return None


def _is_child(msg, msg_id):
    return msg["parent_header"].get("msg_id") == msg_id


def wait_reply(kc, msg_id, timeout=REPLY_TIMEOUT, channel="shell"):
    """The reply to msg_id on shell or control; replies to other requests are dropped."""
    get_msg = kc.get_control_msg if channel == "control" else kc.get_shell_msg
    deadline = Deadline(timeout, f"{channel} reply to {msg_id}")
    while True:
        msg = _next(get_msg, deadline)
        if msg is not None and _is_child(msg, msg_id):
            return msg


def is_status(msg, state):
    return msg["msg_type"] == "status" and msg["content"]["execution_state"] == state


def wait_busy(kc, msg_id, timeout=REPLY_TIMEOUT):
    """Wait for the busy status that msg_id causes on iopub."""
    deadline = Deadline(timeout, f"busy status for {msg_id}")
    while True:
        msg = _next(kc.get_iopub_msg, deadline)
        if msg is not None and _is_child(msg, msg_id) and is_status(msg, "busy"):
            return


def wait_execute_input(kc, msg_id, timeout=REPLY_TIMEOUT):
    """Wait for msg_id's execute_input on iopub (the kernel publishes it as it hands the cell on)."""
    deadline = Deadline(timeout, f"execute_input for {msg_id}")
    while True:
        msg = _next(kc.get_iopub_msg, deadline)
        if msg is not None and _is_child(msg, msg_id) and msg["msg_type"] == "execute_input":
            return


def wait_stream(kc, msg_id, text, timeout=REPLY_TIMEOUT):
    """Wait until msg_id's stream output ends with `text` (a marker the cell prints once it runs);
    returns the outputs received by then."""
    deadline = Deadline(timeout, f"{text!r} in the output of {msg_id}")
    outputs, printed = [], ""
    while not printed.endswith(text):
        msg = _next(kc.get_iopub_msg, deadline)
        if msg is not None and _is_child(msg, msg_id) and msg["msg_type"] == "stream":
            outputs.append(msg)
            printed += msg["content"]["text"]
    return outputs


def iopub_until_idle(kc, msg_id, timeout=REPLY_TIMEOUT):
    """msg_id's iopub messages up to its idle status, without status and execute_input."""
    deadline = Deadline(timeout, f"idle status for {msg_id}")
    outputs = []
    while True:
        msg = _next(kc.get_iopub_msg, deadline)
        if msg is None or not _is_child(msg, msg_id):
            continue
        if is_status(msg, "idle"):
            return outputs
        if msg["msg_type"] not in ("status", "execute_input"):
            outputs.append(msg)


def send_control(kc, msg_type, content=None):
    """Send a request on the control channel; return its msg_id."""
    msg = kc.session.msg(msg_type, content or {})
    kc.control_channel.send(msg)
    return msg["header"]["msg_id"]


def execute(kc, code, timeout=REPLY_TIMEOUT, **options):
    """Run code; return (execute_reply, its iopub outputs)."""
    msg_id = kc.execute(code, **options)
    outputs = iopub_until_idle(kc, msg_id, timeout)
    return wait_reply(kc, msg_id, timeout), outputs


def execute_ok(kc, code, timeout=REPLY_TIMEOUT, **options):
    """Run code that must succeed; return (the reply's content, its iopub outputs)."""
    reply, outputs = execute(kc, code, timeout, **options)
    content = reply["content"]
    assert content["status"] == "ok", content
    return content, outputs


def stream_text(outputs, name="stdout"):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == name)
