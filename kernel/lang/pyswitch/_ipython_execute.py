"""execute requests in IPython mode: the cell runs through the shell, as in ipykernel's do_execute.

IPython publishes the outputs (display hook, display publisher, _showtraceback); this module
turns the run into the reply, with user_expressions and the payloads (help pages, exit...).
"""
import _pyswitch_host

from . import _event_loop, _ipython_shell, _lifecycle, _stdin
from ._ipython_display import json_data
from ._traceback import _safe_str


def execute(request):
    shell = _ipython_shell.shell
    silent = bool(request.get("silent", False))
    store_history = bool(request.get("store_history", not silent)) and not silent
    # The kernel owns the counter; IPython numbers execute_result, In, Out and _N with this.
    shell.execution_count = request.get("execution_count", shell.execution_count)
    if store_history:
        _align_input_history(shell)
    if _lifecycle.take_held_interrupt():
        return _interrupted_before_running(shell)
    _stdin.allowed = bool(request.get("allow_stdin", False))
    _event_loop.make_current()
    code = request.get("code", "")
    shell.compile.cell_filename = request.get("cell_file")
    shell.compile.cell_code = code
    try:
        result = shell.run_cell(code, store_history=store_history, silent=silent)
    finally:
        _drop_unsaved_history(shell.history_manager)
        _stdin.allowed = False
        shell.compile.cell_filename = shell.compile.cell_code = None
        # Taken whatever the outcome, so a page shown before an error still reaches the
        # frontend and none carries over to the next cell.
        payload = shell.payload_manager.read_payload()
        shell.payload_manager.clear_payload()
    if result.success:
        reply = {"status": "ok",
                 "user_expressions": _user_expressions(shell, request.get("user_expressions"))}
    else:
        error = result.error_before_exec
        if error is None:
            error = result.error_in_exec
        # The traceback is what _showtraceback published; IPython shows some errors (a
        # UsageError from a magic) as a message on stderr only, and then it is empty.
        reply = {"status": "error", "ename": type(error).__name__, "evalue": _safe_str(error),
                 "traceback": shell._last_traceback or [], "user_expressions": {}}
    reply["payload"] = payload
    _pyswitch_host.flush()
    return reply


def _interrupted_before_running(shell):
    shell.showtraceback((KeyboardInterrupt, KeyboardInterrupt(), None))
    return {"status": "error", "ename": "KeyboardInterrupt", "evalue": "",
            "traceback": shell._last_traceback or [], "user_expressions": {}, "payload": []}


def _align_input_history(shell):
    # In is a list, appended to per cell: after an environment switch the kernel's counter goes
    # on in a fresh shell, and blank entries keep In[N] the cell numbered N.
    history = shell.history_manager
    missing = shell.execution_count - len(history.input_hist_parsed)
    if missing > 0:
        history.input_hist_parsed.extend([""] * missing)
        history.input_hist_raw.extend([""] * missing)


def _drop_unsaved_history(history):
    # IPython's history store is off (_ipython_shell.start), and with it its writer, the only
    # one that empties the queue of cells waiting to be saved: a tuple per cell, kept for good.
    # In, Out and %history read other lists.
    if history.enabled:
        return
    for queue, lock in (("db_input_cache", "db_input_cache_lock"),
                        ("db_output_cache", "db_output_cache_lock")):
        if hasattr(history, lock):
            with getattr(history, lock):
                del getattr(history, queue)[:]


def _user_expressions(shell, expressions):
    results = shell.user_expressions(expressions or {})
    for result in results.values():
        if "data" in result:
            result["data"] = json_data(result["data"])
    return results
