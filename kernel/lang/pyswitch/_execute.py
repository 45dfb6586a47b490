"""execute requests: compile and run a cell in __main__, then evaluate user_expressions."""
import __future__
import ast
import linecache
import sys

import _pyswitch_host

from . import _displayhook, _event_loop, _stdin
from ._formatting import format_mimebundle
from ._traceback import describe, user_traceback
from ._wire import publish

_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect
_FUTURE_MASK = 0
for _feature in __future__.all_feature_names:
    _FUTURE_MASK |= getattr(__future__, _feature).compiler_flag
del _feature

_future_flags = 0  # __future__ features switched on by earlier cells, as in the REPL
_inputs_run = 0  # numbers the filenames of code that gets no prompt number


def execute(request):
    silent = bool(request.get("silent", False))
    store_history = bool(request.get("store_history", not silent)) and not silent
    count = request.get("execution_count", 0)
    namespace = sys.modules["__main__"].__dict__
    _displayhook.execution_count = count
    _stdin.allowed = bool(request.get("allow_stdin", False))
    _event_loop.make_current()
    try:
        # While a debugger is attached, the cell's file is the one its breakpoints are set in.
        filename = (request.get("cell_file") if request.get("debugged") else None) \
            or _cell_filename(count, store_history)
        error = run_cell(request.get("code", ""), filename,
                         namespace, display_last=not silent)
    finally:
        _stdin.allowed = False
    if error is None:
        reply = {"status": "ok",
                 "user_expressions": _user_expressions(request.get("user_expressions"),
                                                       namespace)}
    else:
        ename, evalue, traceback = describe(error)
        _remember_for_post_mortem(error)
        content = {"ename": ename, "evalue": evalue, "traceback": traceback}
        publish("error", content)
        reply = dict(content, status="error", user_expressions={})
    _pyswitch_host.flush()
    return reply


def run_cell(source, filename, namespace, display_last):
    """Run source; return the exception it raised (any kind: the kernel outlives exit()) or None.

    Like the REPL, a trailing expression statement goes through sys.displayhook.
    """
    global _future_flags
    _register_source(source, filename)
    flags = _future_flags | getattr(ast, "PyCF_ALLOW_TOP_LEVEL_AWAIT", 0)  # 3.8+
    try:
        module = compile(source, filename, "exec", ast.PyCF_ONLY_AST | flags, True)
        last = None
        if display_last and module.body and isinstance(module.body[-1], ast.Expr):
            last = ast.Interactive(body=[module.body.pop()])
        codes = [compile(module, filename, "exec", flags, True)]
        _future_flags |= codes[0].co_flags & _FUTURE_MASK
        if last is not None:
            # "single" mode is what makes the expression's value reach sys.displayhook.
            codes.append(compile(last, filename, "single", flags | _future_flags, True))
        for code in codes:
            result = eval(code, namespace)
            if code.co_flags & _CO_COROUTINE:
                _event_loop.run(result)
    except BaseException as exc:
        return exc
    return None


def _cell_filename(count, store_history):
    """A unique name under which linecache holds the cell: tracebacks and inspect use it."""
    return "<cell %d>" % count if store_history else _input_filename()


def _input_filename():
    global _inputs_run
    _inputs_run += 1
    return "<input %d>" % _inputs_run


def _register_source(source, filename):
    # mtime None: linecache.checkcache() keeps the entry although no such file exists.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)


def _user_expressions(expressions, namespace):
    results = {}
    for name, source in (expressions or {}).items():
        filename = _input_filename()
        try:
            _register_source(source, filename)
            value = eval(compile(source, filename, "eval", _future_flags, True), namespace)
            data, metadata = format_mimebundle(value)
            results[name] = {"status": "ok", "data": data, "metadata": metadata}
        except BaseException as exc:
            ename, evalue, traceback = describe(exc)
            results[name] = {"status": "error", "ename": ename, "evalue": evalue,
                             "traceback": traceback}
    return results


def _remember_for_post_mortem(exc):
    # What the REPL records, so pdb.pm() can inspect the failed cell.
    sys.last_type, sys.last_value = type(exc), exc
    sys.last_traceback = user_traceback(exc.__traceback__, exc)
    if sys.version_info >= (3, 12):
        sys.last_exc = exc
