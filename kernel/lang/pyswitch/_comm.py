"""Comms (messaging spec, "Custom Messages"): the kernel's side of each comm, the registry of
targets frontends open comms to, and the comm and comm_info requests.

Comm and CommManager have the API of the `comm` package's BaseComm and CommManager (and of
ipykernel's), which _comm_compat makes use this one manager when that package is imported.
"""
import os
import sys

from _pyswitch_host import log  # the kernel's own log, not the cell's output

from ._traceback import describe
from ._wire import publish


class Comm:
    """The kernel's side of one comm. Created with primary=True (the default) it opens its
    frontend peer at once; primary=False is the side of a comm the frontend opened."""

    def __init__(self, target_name="comm", data=None, metadata=None, buffers=None,
                 comm_id=None, primary=True, target_module=None, _open_data=None,
                 _close_data=None):
        self.comm_id = comm_id or os.urandom(16).hex()  # a uuid4().hex's randomness
        self.target_name = target_name or "comm"
        self.target_module = target_module
        self.primary = primary
        self._open_data = _open_data or {}
        self._close_data = _close_data or {}
        self._msg_callback = None
        self._close_callback = None
        self._closed = True
        if primary:
            self.open(data=data, metadata=metadata, buffers=buffers)
        else:
            self._closed = False

    def __repr__(self):
        return "<%s %s target_name=%r%s>" % (type(self).__name__, self.comm_id,
                                              self.target_name, " closed" * self._closed)

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        """Publish a comm message on iopub; buffers (bytes-like) go as binary frames."""
        content = dict(keys, data={} if data is None else data, comm_id=self.comm_id)
        publish(msg_type, content, metadata=metadata, buffers=buffers)

    def open(self, data=None, metadata=None, buffers=None):
        """Open the frontend's side of this comm."""
        manager.register_comm(self)
        try:
            self.publish_msg("comm_open", data=self._open_data if data is None else data,
                             metadata=metadata, buffers=buffers, target_name=self.target_name,
                             target_module=self.target_module)
        except BaseException:
            manager.unregister_comm(self)
            raise
        self._closed = False

    def close(self, data=None, metadata=None, buffers=None, deleting=False):
        """Close both sides (once); deleting=True: the comm is no longer registered."""
        if self._closed:
            return
        self._closed = True
        self.publish_msg("comm_close", data=self._close_data if data is None else data,
                         metadata=metadata, buffers=buffers)
        if not deleting:
            manager.unregister_comm(self)

    def send(self, data=None, metadata=None, buffers=None):
        """Send a comm_msg to the frontend's side."""
        self.publish_msg("comm_msg", data=data, metadata=metadata, buffers=buffers)

    def on_msg(self, callback):
        """callback(msg) for each comm_msg from the frontend; None removes it."""
        self._msg_callback = callback

    def on_close(self, callback):
        """callback(msg) when the frontend closes the comm; None removes it."""
        self._close_callback = callback

    def handle_msg(self, msg):
        if self._msg_callback:
            # IPython's pre/post_execute hooks run around it as around a cell, as in
            # ipykernel: widget callbacks that plot get their inline figures shown.
            shell = _ipython_shell()
            if shell:
                shell.events.trigger("pre_execute")
            self._msg_callback(msg)
            if shell:
                shell.events.trigger("post_execute")

    def handle_close(self, msg):
        if self._close_callback:
            self._close_callback(msg)


class CommManager:
    """The open comms and the targets frontends can open comms to."""

    def __init__(self):
        self.comms = {}  # comm_id -> comm
        self.targets = {}  # target_name -> callback(comm, comm_open message)
        # What a frontend's comm_open creates; _comm_compat refines it when the comm
        # package or ipykernel.comm comes in, so those libraries' type checks pass.
        self.comm_class = Comm

    def register_target(self, target_name, f):
        """Call f(comm, msg) when a frontend opens a comm to target_name; f may be given as
        an import string ("package.module.function")."""
        self.targets[target_name] = _import_item(f) if isinstance(f, str) else f

    def unregister_target(self, target_name, f):
        return self.targets.pop(target_name)

    def register_comm(self, comm):
        self.comms[comm.comm_id] = comm
        return comm.comm_id

    def unregister_comm(self, comm):
        """Forget a comm (KeyError when it was not registered)."""
        del self.comms[comm.comm_id]

    def get_comm(self, comm_id):
        """The open comm of that id, or None (logged)."""
        comm = self.comms.get(comm_id)
        if comm is None:
            log("No such comm: %s" % comm_id)
        return comm

    def receive(self, msg):
        """A comm_open, comm_msg or comm_close from the frontend (its callbacks cannot fail
        the kernel: their errors go to the frontend's stderr)."""
        content = msg["content"]
        comm_id = content["comm_id"]
        msg_type = msg["msg_type"]
        if msg_type == "comm_open":
            self._open(comm_id, content["target_name"], msg)
            return
        comm = self.get_comm(comm_id)
        if comm is None:
            return
        if msg_type == "comm_msg":
            _run_callback("Exception in comm_msg for %s" % comm_id, comm.handle_msg, msg)
        else:
            comm._closed = True
            self.comms.pop(comm_id, None)
            _run_callback("Exception in comm_close for %s" % comm_id, comm.handle_close, msg)

    def _open(self, comm_id, target_name, msg):
        comm = self.comm_class(comm_id=comm_id, primary=False, target_name=target_name)
        self.register_comm(comm)
        target = self.targets.get(target_name)
        if target is None:
            log("No such comm target registered: %s" % target_name)
        elif _run_callback("Exception opening comm with target: %s" % target_name,
                           target, comm, msg):
            return
        # The spec: an open that cannot be served is answered with a comm_close at once.
        comm.close()


def _run_callback(what, callback, *args):
    """callback(*args); on an exception, report it on the frontend's stderr and return False."""
    try:
        callback(*args)
        return True
    except BaseException as exc:  # an interrupt or exit() in a callback ends only the callback
        sys.stderr.write("%s\n%s\n" % (what, "\n".join(describe(exc)[2])))
        return False


def _ipython_shell():
    ipython = sys.modules.get("IPython")  # never imported for this: no IPython, no hooks
    return ipython.get_ipython() if ipython is not None else None


def _import_item(name):
    import importlib
    module, _, attribute = name.rpartition(".")
    if not module:
        return importlib.import_module(name)
    return getattr(importlib.import_module(module), attribute)


manager = CommManager()


def handle_comm(msg):
    """Request `comm`: a comm_open, comm_msg or comm_close from the frontend, shaped as
    ipykernel hands messages to callbacks: "msg_id", "msg_type", "header", "parent_header",
    "metadata", "content" and "buffers" (the binary frames, as memoryviews)."""
    msg.setdefault("buffers", [])
    manager.receive(msg)
    return {}


def close_all(_request):
    """Request `close_comms`, before the interpreter goes (an environment switch): every comm it
    holds is closed towards its frontend, which then drops its widget views instead of keeping
    views of objects that no longer exist. Returns how many were closed."""
    comms = list(manager.comms.values())
    for comm in comms:
        comm.close()
    return {"closed": len(comms)}


def comm_info(request):
    """Request `comm_info`: the open comms, of one target_name or (null) of all."""
    target_name = request.get("target_name")
    return {"status": "ok",
            "comms": {comm_id: {"target_name": item.target_name}
                      for comm_id, item in list(manager.comms.items())  # threads may add
                      if target_name is None or item.target_name == target_name}}
