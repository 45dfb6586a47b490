"""A lean synchronous Jupyter client for timing: jupyter_client's Session over plain zmq sockets.

jupyter_client's BlockingKernelClient spends ~0.45 ms of event-loop machinery per received message,
which would dominate millisecond round trips; this client has the same wire format and signing but
no event loop. The same client drives every kernel, so the overhead it keeps is shared.
"""
import time

import zmq
from jupyter_client.session import Session

RECONNECT_IVL_MS = 10  # re-dial a kernel that is (re)starting every 10 ms, not jupyter_client's 100
SEND_TIMEOUT_MS = 5000  # a send that cannot be queued (no peer, queue full) fails instead of hanging


class Timeout(TimeoutError):
    pass


class Deadline:
    def __init__(self, seconds, what):
        self.end = time.perf_counter() + seconds
        self.seconds, self.what = seconds, what

    def left(self):
        """Seconds left; raises Timeout once none are."""
        left = self.end - time.perf_counter()
        if left <= 0:
            raise Timeout(f"no {self.what} within {self.seconds} s")
        return left


def is_state(state):
    """Predicate for iopub_until: a status message with this execution_state."""
    return lambda msg: msg["msg_type"] == "status" and msg["content"]["execution_state"] == state


def is_type(msg_type):
    return lambda msg: msg["msg_type"] == msg_type


class Client:
    """shell, control and iopub sockets to one kernel, plus its Session."""

    def __init__(self, connection_info):
        info = connection_info
        self.session = Session(key=info["key"], signature_scheme=info["signature_scheme"])
        self.context = zmq.Context()
        url = f"{info['transport']}://{info['ip']}:%d"
        self.shell = self._socket(zmq.DEALER, url % info["shell_port"])
        self.control = self._socket(zmq.DEALER, url % info["control_port"])
        self.iopub = self._socket(zmq.SUB, url % info["iopub_port"])

    def _socket(self, kind, url):
        sock = self.context.socket(kind)
        sock.linger = 0
        sock.reconnect_ivl = RECONNECT_IVL_MS
        sock.sndtimeo = SEND_TIMEOUT_MS
        if kind == zmq.SUB:
            sock.rcvhwm = 0  # keep every iopub message, even while nobody reads
            sock.subscribe(b"")
        sock.connect(url)
        return sock

    def close(self):
        self.context.destroy(linger=0)

    def send(self, sock, msg_type, content=None):
        """Send a request; return its msg_id."""
        return self.session.send(sock, msg_type, content or {})["header"]["msg_id"]

    def execute(self, code):
        content = dict(code=code, silent=False, store_history=True, user_expressions={},
                       allow_stdin=False, stop_on_error=True)
        return self.send(self.shell, "execute_request", content)

    def recv(self, sock, timeout, content=True):
        """The next message on sock, or None after timeout seconds.

        With content=False the content stays raw JSON bytes (signature still checked).
        """
        if not sock.poll(max(1, int(timeout * 1000))):
            return None
        _, frames = self.session.feed_identities(sock.recv_multipart(copy=False), copy=False)
        return self.session.deserialize(frames, content=content, copy=False)

    def reply(self, sock, msg_id, timeout):
        """The reply to msg_id on sock (shell or control); other replies are dropped."""
        deadline = Deadline(timeout, f"reply to {msg_id}")
        while True:
            msg = self.recv(sock, deadline.left())
            if msg is not None and msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def iopub_until(self, msg_id, timeout, wanted):
        """Read iopub until wanted(msg) holds for a child of msg_id; return that message.

        Only status messages get their content parsed; the others keep raw JSON bytes.
        """
        deadline = Deadline(timeout, f"iopub message for {msg_id}")
        while True:
            msg = self.recv(self.iopub, deadline.left(), content=False)
            if msg is None or msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status":
                msg["content"] = self.session.unpack(msg["content"])
            if wanted(msg):
                return msg

    def drain(self, quiet_for=0.05, at_most=30):
        """Discard what arrives on every socket until quiet_for seconds pass in silence."""
        poller = zmq.Poller()
        for sock in (self.shell, self.control, self.iopub):
            poller.register(sock, zmq.POLLIN)
        deadline = Deadline(at_most, f"{quiet_for} s of silence")
        while True:
            ready = poller.poll(int(quiet_for * 1000))
            if not ready:
                return
            deadline.left()
            for sock, _ in ready:
                sock.recv_multipart(copy=False)
