"""A frontend's end of the `pyswitch.env` comm over jupyter_client: comm_open and comm_msg sent on shell
with the client's session, answers read on iopub among the messages the request is the parent of."""
import time
import uuid

from kernel_helpers import iopub_until_idle

TARGET = "pyswitch.env"
SWITCH_TIMEOUT = 60  # preflight probes the target in a child process before the switch itself


class EnvComm:
    def __init__(self, kc):
        self.kc = kc
        self.comm_id = uuid.uuid4().hex
        self._next = 0

    def open(self, data=None):
        """Open the comm, optionally with a request in its data; return what its handling published."""
        return self._send("comm_open", {"comm_id": self.comm_id, "target_name": TARGET, "data": data or {}})

    def request(self, request, **fields):
        """Send one request; return (its reply, every comm_msg data its handling published, round trip in ms)."""
        self._next += 1
        data = {"request": request, "id": f"r{self._next}", **fields}
        sent = time.perf_counter()
        published = self._send("comm_msg", {"comm_id": self.comm_id, "data": data})
        elapsed_ms = (time.perf_counter() - sent) * 1000
        return reply_to(data, published), published, elapsed_ms

    def switch(self, target):
        return self.request("switch", target=target)[0]

    def _send(self, msg_type, content):
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg)
        outputs = iopub_until_idle(self.kc, msg["header"]["msg_id"], timeout=SWITCH_TIMEOUT)
        return [m["content"] for m in outputs if m["msg_type"] == "comm_msg"]


def reply_to(data, published):
    """The reply to request `data` among published comm_msg contents; fails with what was seen instead."""
    replies = [c["data"] for c in published if "reply" in c["data"] and c["data"].get("id") == data["id"]]
    assert len(replies) == 1, f"expected one reply to {data}, saw {published}"
    return replies[0]


def events(published, comm_id=None):
    """The env_changed events among published comm_msg contents, for one comm or all."""
    return [c["data"] for c in published
            if c["data"].get("event") == "env_changed" and (comm_id is None or c["comm_id"] == comm_id)]
