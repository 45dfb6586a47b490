"""A frontend's end of the kernel's debugger over jupyter_client, doing what JupyterLab 4 does:
debug_request on control (each awaited), debug_event read from iopub. Iopub messages are kept as
they arrive, so a test can wait for an event and still find a cell's output afterwards."""
import time
from queue import Empty

from kernel_helpers import send_control, wait_reply

DEBUG_TIMEOUT = 30


class DapClient:
    def __init__(self, kc):
        self.kc = kc
        self.seq = 0
        self.iopub = []  # every iopub message read so far, in order
        self._seen = 0  # events before this index have been consumed by wait_event

    def request(self, command, arguments=None, timeout=DEBUG_TIMEOUT):
        """Send one DAP request; return the debug_reply content."""
        content = {"type": "request", "seq": self.seq, "command": command}
        if arguments is not None:
            content["arguments"] = arguments
        self.seq += 1
        msg_id = send_control(self.kc, "debug_request", content)
        reply = wait_reply(self.kc, msg_id, timeout=timeout, channel="control")
        assert reply["msg_type"] == "debug_reply", reply
        body = reply["content"]
        assert body["request_seq"] == content["seq"] and body["command"] == command, body
        return body

    def ok(self, command, arguments=None, timeout=DEBUG_TIMEOUT):
        """A request that must succeed; returns the response's body."""
        response = self.request(command, arguments, timeout)
        assert response["success"], response
        return response.get("body", {})

    def start(self):
        """The bug button: debugInfo, initialize, attach, setExceptionBreakpoints, inspectVariables,
        modules (JupyterLab sends no configurationDone here)."""
        self.ok("debugInfo")
        capabilities = self.ok("initialize", {
            "clientID": "jupyterlab", "clientName": "JupyterLab", "adapterID": "python",
            "pathFormat": "path", "linesStartAt1": True, "columnsStartAt1": True,
            "supportsVariableType": True, "supportsVariablePaging": True, "locale": "en"})
        self.ok("attach", {})
        self.ok("setExceptionBreakpoints", {"filters": []})
        self.ok("inspectVariables")
        self.ok("modules")
        return capabilities

    def breakpoint_in(self, code, *lines):
        """A gutter click: dumpCell, debugInfo, setBreakpoints; returns the cell's source path."""
        path = self.ok("dumpCell", {"code": code})["sourcePath"]
        self.ok("debugInfo")
        body = self.ok("setBreakpoints", {"source": {"path": path},
                                          "breakpoints": [{"line": line} for line in lines],
                                          "sourceModified": False})
        assert all(b["verified"] for b in body["breakpoints"]), body
        return path

    def _read(self, deadline):
        try:
            msg = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        except Empty:
            return None
        self.iopub.append(msg)
        return msg

    def wait_event(self, event, timeout=DEBUG_TIMEOUT):
        """The next debug_event named `event` (events before it are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            while self._seen < len(self.iopub):
                msg = self.iopub[self._seen]
                self._seen += 1
                if msg["msg_type"] == "debug_event" and msg["content"]["event"] == event:
                    return msg["content"]
            if time.monotonic() > deadline:
                seen = [m["content"].get("event") for m in self.iopub if m["msg_type"] == "debug_event"]
                raise TimeoutError(f"no {event} debug_event within {timeout} s (saw {seen})")
            self._read(deadline)

    def events(self, event):
        return [m["content"] for m in self.iopub if m["msg_type"] == "debug_event" and m["content"]["event"] == event]

    def outputs_of(self, msg_id, timeout=DEBUG_TIMEOUT):
        """msg_id's iopub messages up to its idle status (without status and execute_input)."""
        deadline = time.monotonic() + timeout
        index = 0
        while True:
            while index < len(self.iopub):
                msg = self.iopub[index]
                index += 1
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    return [m for m in self.iopub[:index] if m["parent_header"].get("msg_id") == msg_id
                            and m["msg_type"] not in ("status", "execute_input")]
            if time.monotonic() > deadline:
                raise TimeoutError(f"no idle for {msg_id} within {timeout} s")
            self._read(deadline)

    def stack(self, thread_id):
        return self.ok("stackTrace", {"threadId": thread_id})["stackFrames"]

    def variables_of(self, frame_id, scope_name):
        scopes = self.ok("scopes", {"frameId": frame_id})["scopes"]
        (scope,) = [s for s in scopes if s["name"] == scope_name]
        variables = self.ok("variables", {"variablesReference": scope["variablesReference"]})["variables"]
        return {v["name"]: v["value"] for v in variables}


def variables(body):
    """inspectVariables' body as {name: value}."""
    return {v["name"]: v["value"] for v in body["variables"]}
