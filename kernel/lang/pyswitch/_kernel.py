"""The one entry point the native side calls: handle(method, payload, buffers) -> reply, JSON
bytes; buffers (bytes, the request's binary frames) reach the method as payload["buffers"],
memoryviews, when there are any.

Methods (payload -> reply):
  startup     {}  -> {"language_info", "banner", "ipython", "debugger"}; installs streams, input,
               display hooks; "ipython": IPython mode was chosen, and start_ipython should
               follow; "debugger": {"available", "reason"}, whether debugpy can be imported
  start_ipython {} -> {"banner"}: creates the IPython shell (the slow part of start-up)
  execute     {"code", "silent", "store_history", "user_expressions", "allow_stdin",
               "execution_count", "cell_file" (the debugger's name of the cell's file: IPython mode
               compiles the cell under it, plain mode while "debugged")} -> {"status": "ok", "user_expressions"}
               | {"status": "error", "ename", "evalue", "traceback", "user_expressions": {}}
               In IPython mode (chosen at startup) the reply adds "payload" (help pages...).
  is_complete {"code"} -> {"status", "indent" (when incomplete)}
  complete    {"code", "cursor_pos"} -> complete_reply content: {"status", "matches",
               "cursor_start", "cursor_end", "metadata": {"_jupyter_types_experimental"}}
  inspect     {"code", "cursor_pos", "detail_level"} -> inspect_reply content:
               {"status", "found", "data", "metadata"}
  (cursor_pos and the offsets replied count code points; a null cursor_pos is the end.)
  comm        a comm_open, comm_msg or comm_close message from the frontend: {"msg_id",
               "msg_type", "header", "parent_header", "metadata", "content"} -> {}
  comm_info   {"target_name" (null: all)} -> comm_info_reply content: {"status", "comms"}
  close_comms {}  -> {"closed": n}: closes every comm towards its frontend (before a switch)
  switch_blockers {} -> {"extensions": [module names], "threads": [names], "daemon_threads": [names]}:
               what makes an in-process environment switch unsafe right now
  debug_start {"token"} -> {"port"}: debugpy's in-process adapter listens on loopback (once)
               and this thread is traced
  debug_trace {"on"} -> {}: tracing of this thread starts again, or ends (see _debugger.trace)
  debug_end   {}  -> {}: the adapter's threads and socket end (before an environment switch)
  debug_inspect {"what": "variables" | "rich" | "modules", "name"} -> the debugInfo additions'
               bodies (see _debugger)
  shutdown    {}  -> {}; runs atexit handlers, puts the interpreter's own streams back
A method that fails inside the kernel answers {"status": "error", "ename", "evalue",
"traceback"} with the kernel's frames; an unknown method answers the same without traceback.
A child forked by a cell exits when its request ends (_forked).
"""
from . import _forked, _stdlib, _wire
from ._mode import MODE

# method -> (module, function) in plain mode; IPython mode serves some with its own (_mode).
# Modules load on first use: start-up needs only _lifecycle.
_METHODS = {
    "startup": ("_lifecycle", "startup"),
    "start_ipython": ("_lifecycle", "start_ipython"),
    "execute": ("_execute", "execute"),
    "is_complete": ("_completeness", "is_complete"),
    "complete": ("_completion", "complete"),
    "inspect": ("_inspection", "inspect"),
    "comm": ("_comm", "handle_comm"),
    "comm_info": ("_comm", "comm_info"),
    "close_comms": ("_comm", "close_all"),
    "switch_blockers": ("_switch", "blockers"),
    "debug_start": ("_debugger", "start"),
    "debug_trace": ("_debugger", "trace"),
    "debug_end": ("_debugger", "end"),
    "debug_inspect": ("_debugger", "inspect"),
    "shutdown": ("_lifecycle", "shutdown"),
}


def handle(method, payload, buffers=None):
    """Serve one request. Never raises: a failure of the kernel itself becomes an error reply."""
    try:
        reply = _serve(method, payload, buffers)
    except BaseException as exc:
        reply = _kernel_error(exc)
    _forked.leave_if_child(reply)
    try:
        return _wire.dumps(reply)
    except BaseException as exc:
        return _wire.dumps(_kernel_error(exc))


def _serve(method, payload, buffers):
    target = MODE.target(method, _METHODS.get(method))
    if target is None:
        return {"status": "error", "ename": "ValueError", "evalue": "unknown method %r" % (method,)}
    # Not through builtins.__import__, which a cell may have replaced: the cell that puts it back must run.
    # Without the working directory: the standard library's modules it imports are not the user's files.
    module = _stdlib.module(__package__ + "." + target[0])
    request = _wire.loads(payload)
    if buffers:
        request["buffers"] = [memoryview(buffer) for buffer in buffers]
    return getattr(module, target[1])(request)


def _kernel_error(exc):
    # Unlike user errors this keeps every frame: it is a bug report about the kernel.
    try:
        lines = _stdlib.module("traceback").format_exception(type(exc), exc, exc.__traceback__)
        evalue = str(exc)
    except BaseException:
        lines, evalue = [], "<unprintable %s object>" % type(exc).__name__
    return {"status": "error", "ename": type(exc).__name__, "evalue": evalue,
            "traceback": "".join(lines).rstrip("\n").split("\n")}
