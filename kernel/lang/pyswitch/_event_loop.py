"""The session's asyncio event loop: it runs the cells that use top-level await (both modes)."""

_loop = None  # created on first use: cells without await never import asyncio


def run(coroutine):
    """Run coroutine as a task of the session's loop and return its result.

    One loop for the whole session, so tasks started by a cell live on in later cells.
    """
    global _loop
    import asyncio
    if _loop is None:
        _loop = asyncio.new_event_loop()
        asyncio.set_event_loop(_loop)
    task = _loop.create_task(coroutine)
    try:
        return _loop.run_until_complete(task)
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
        return _loop.run_until_complete(task)
    except BaseException:
        pass
    raise interrupted
