"""The session's asyncio event loop, in both modes: it runs the cells that use top-level await, and it
is the current loop of the thread that runs cells, so what a cell schedules without awaiting
(asyncio.ensure_future, get_event_loop().create_task) lands on that same loop and runs with the next
cell that awaits, as with IPython's one-loop runner (on ipykernel, cells run inside its loop)."""
import _thread
import sys

from . import _import_hooks, _stdlib

_loop = None  # created when asyncio is first imported: sessions that never use it pay nothing
_cell_thread = None  # the thread that runs cells


def install():
    """At startup, on the thread that runs cells: the loop becomes its current loop once asyncio is
    imported."""
    global _cell_thread
    _cell_thread = _thread.get_ident()
    _import_hooks.when_imported("asyncio", _on_import)


def _on_import(asyncio):
    # Imported first by a thread of the user's: the next cell makes the loop current (make_current).
    if _thread.get_ident() == _cell_thread:
        _current(asyncio)


def make_current():
    """Before each cell: the session's loop is the current loop again (a cell's asyncio.run leaves
    none), once asyncio is imported."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None:
        _current(asyncio)


def _current(asyncio):
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_loop)
    return _loop


def run(coroutine):
    """Run coroutine as a task of the session's loop and return its result.

    One loop for the whole session, so tasks started by a cell live on in later cells.
    """
    asyncio = _stdlib.module("asyncio")
    loop = _current(asyncio)
    task = loop.create_task(coroutine)
    try:
        return loop.run_until_complete(task)
    except BaseException as exc:
        if task.done():
            raise
        interrupted = exc
    # Interrupted (or the loop failed) while the cell is suspended: stop the cell here rather
    # than let it resume whenever a later cell runs the loop. The cell gets a CancelledError
    # where it waits (cancelled outside the except clause, so without the interrupt chained
    # to it); if the cell handles it and ends (IPython's cell runner reports it, as ipykernel
    # does), its result stands, as with asyncio.run. Otherwise the interrupt goes on.
    task.cancel()
    try:
        return loop.run_until_complete(task)
    except BaseException:
        pass
    raise interrupted
