"""sys.displayhook: a cell's trailing expression becomes an execute_result."""
import builtins

from ._formatting import format_mimebundle
from ._wire import publish

# The prompt number of the cell being run; set by _execute (the TS side owns the counter).
execution_count = 0


def displayhook(value):
    if value is None:
        return
    data, metadata = format_mimebundle(value)
    # _, __ and ___ live in builtins, as in the plain REPL: a user variable named _ shadows them.
    names = builtins.__dict__
    names["___"], names["__"], names["_"] = names.get("__"), names.get("_"), value
    if data:
        publish("execute_result",
                {"execution_count": execution_count, "data": data, "metadata": metadata})
