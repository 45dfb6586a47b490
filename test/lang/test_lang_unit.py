"""Unit tests of the in-kernel Python package against fake_host (no native addon needed).

Run with pytest (`/usr/bin/python3 -m pytest test/lang`), or on any interpreter without pytest:
`PYTHONPATH=kernel/lang:test/lang python3 test/lang/test_lang_unit.py`.
"""
import builtins
import functools
import json
import os
import platform
import signal
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
LANG = os.path.join(HERE, "..", "..", "kernel", "lang")
sys.path[:0] = [HERE, LANG]

import fake_host  # noqa: E402  (registers itself as _pyswitch_host)
from pyswitch import _kernel  # noqa: E402

PACKAGE_DIR = os.path.dirname(os.path.abspath(_kernel.__file__))


def call(method, **payload):
    reply = _kernel.handle(method, json.dumps(payload).encode())
    assert isinstance(reply, bytes)
    return json.loads(reply.decode("utf-8"))


def execute(code, count=1, **options):
    request = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
               "allow_stdin": False, "execution_count": count}
    request.update(options)
    return call("execute", **request)


def with_kernel(test):
    """Run test with the kernel's hooks installed, restoring the interpreter afterwards."""
    @functools.wraps(test)
    def wrapper():
        saved = (sys.stdout, sys.stderr, sys.stdin, sys.displayhook, builtins.input,
                 signal.getsignal(signal.SIGINT), list(sys.meta_path), sys.modules["__main__"])
        sys.modules["__main__"] = types.ModuleType("__main__")  # a clean user namespace
        fake_host.reset()
        os.environ["PYSWITCH_IPYTHON"] = "0"  # plain mode, also where IPython is installed
        try:
            reply = call("startup")
            assert "language_info" in reply, reply
            test()
        finally:
            (sys.stdout, sys.stderr, sys.stdin, sys.displayhook, builtins.input,
             sigint, sys.meta_path[:], sys.modules["__main__"]) = saved
            signal.signal(signal.SIGINT, sigint)
            builtins.__dict__.pop("display", None)
            del os.environ["PYSWITCH_IPYTHON"]
    return wrapper


@with_kernel
def test_startup_reply():
    reply = call("startup")  # a second startup is harmless
    # The native writers themselves: print() runs no Python frame per write.
    assert sys.stdout.write is fake_host.write_stdout and sys.stderr.write is fake_host.write_stderr
    assert sys.stdout.encoding == "utf-8" and not sys.stdout.isatty()
    assert sys.stdout.name == "<stdout>" and sys.stderr.name == "<stderr>"
    assert (sys.stdout.fileno(), sys.stderr.fileno()) == (1, 2)  # the kernel captures both fds
    assert builtins.display is not None
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert sys.meta_path.count(sys.meta_path[0]) == 1
    info = reply["language_info"]
    assert info["version"] == platform.python_version()
    assert info["name"] == "python" and info["mimetype"] == "text/x-python"
    assert info["codemirror_mode"] == {"name": "ipython", "version": 3}
    assert info["pygments_lexer"] == "ipython3" and info["file_extension"] == ".py"
    assert reply["banner"].startswith("Python ")


@with_kernel
def test_expression_result():
    reply = execute("x = 40\nx + 2", count=7)
    assert reply == {"status": "ok", "user_expressions": {}}
    assert fake_host.sent("execute_result") == [
        {"execution_count": 7, "data": {"text/plain": "42"}, "metadata": {}}]
    assert builtins._ == 42
    execute("'second'")
    execute("None")  # None is not displayed and does not shift _
    assert (builtins._, builtins.__) == ("second", 42)


@with_kernel
def test_only_trailing_expression_is_displayed():
    execute("1\n2\ny = 3")
    assert fake_host.sent("execute_result") == []
    execute("for i in range(2):\n    i")
    assert fake_host.sent("execute_result") == []


@with_kernel
def test_output_order():
    execute("import sys\nprint('a')\ndisplay('b')\nprint('c', file=sys.stderr)\n'd'")
    kinds = [(e[0], e[2]) if e[0] == "stream" else (e[0], e[1]["data"]["text/plain"])
             for e in fake_host.events]
    assert kinds == [("stream", "a"), ("stream", "\n"), ("display_data", "'b'"),
                     ("stream", "c"), ("stream", "\n"), ("execute_result", "'d'")], kinds


@with_kernel
def test_error_traceback_hides_kernel_frames():
    reply = execute("def f():\n    return 1 / 0\n\nf()", count=3)
    assert reply["status"] == "error" and reply["ename"] == "ZeroDivisionError"
    assert reply["user_expressions"] == {}
    [error] = fake_host.sent("error")
    assert error == {k: reply[k] for k in ("ename", "evalue", "traceback")}
    text = "\n".join(reply["traceback"])
    assert text.startswith("Traceback (most recent call last):"), text
    assert '"<cell 3>", line 4' in text and "return 1 / 0" in text, text
    assert PACKAGE_DIR not in text and "pyswitch" not in text, text
    assert sys.last_value.__class__ is ZeroDivisionError


@with_kernel
def test_failing_repr_shows_user_frames_only():
    reply = execute("class A:\n    def __repr__(self):\n        raise ValueError('boom')\nA()")
    text = "\n".join(reply["traceback"])
    assert reply["ename"] == "ValueError" and "raise ValueError('boom')" in text
    assert "pyswitch" not in text, text


@with_kernel
def test_syntax_error():
    reply = execute("x = 1\ny = = 2", count=5)
    assert reply["ename"] == "SyntaxError"
    text = "\n".join(reply["traceback"])
    assert '"<cell 5>", line 2' in text and "y = = 2" in text and "^" in text, text
    assert "Traceback" not in text and "pyswitch" not in text, text
    assert "x" not in sys.modules["__main__"].__dict__  # nothing ran
    reply = execute("x = 1\nreturn 5", count=6)  # found by the compiler, not the parser
    assert reply["ename"] == "SyntaxError"
    text = "\n".join(reply["traceback"])
    assert '"<cell 6>", line 2' in text and "    return 5" in text, text


@with_kernel
def test_interrupt_and_exit_do_not_end_the_kernel():
    reply = execute("raise KeyboardInterrupt")
    assert reply["ename"] == "KeyboardInterrupt"
    reply = execute("exit(3)")
    assert (reply["ename"], reply["evalue"]) == ("SystemExit", "3")
    fake_host.input_replies.append("still here")
    assert execute("input()", allow_stdin=True)["status"] == "ok"  # exit() closed no stdin
    assert fake_host.sent("execute_result")[-1]["data"]["text/plain"] == "'still here'"


@with_kernel
def test_user_expressions():
    reply = execute("a = 20", user_expressions={"double": "a * 2", "bad": "nope + 1"})
    exprs = reply["user_expressions"]
    assert exprs["double"] == {"status": "ok", "data": {"text/plain": "40"}, "metadata": {}}
    assert exprs["bad"]["status"] == "error" and exprs["bad"]["ename"] == "NameError"
    assert "pyswitch" not in "\n".join(exprs["bad"]["traceback"])
    assert fake_host.sent("execute_result") == []


@with_kernel
def test_silent():
    builtins._ = "before"
    reply = execute("print('out')\n123", silent=True, store_history=False)
    assert reply["status"] == "ok"
    assert fake_host.sent("execute_result") == []
    assert fake_host.stream_text() == "out\n"  # streams still go out, like ipykernel
    assert builtins._ == "before"


@with_kernel
def test_rich_reprs():
    execute(
        "class Html:\n"
        "    def _repr_html_(self): return '<b>hi</b>'\n"
        "class Bundle:\n"
        "    def _repr_mimebundle_(self, include=None, exclude=None):\n"
        "        return ({'text/plain': 'plain', 'text/x-custom': 'c'},\n"
        "                {'text/x-custom': {'k': 1}})\n"
        "    def _repr_html_(self): return '<i>also</i>'\n"
        "class Broken:\n"
        "    def _repr_html_(self): raise RuntimeError('bad html')\n"
        "class Png:\n"
        "    def _repr_png_(self): return b'\\x89PNG', {'width': 3}\n"
        "class NoneRepr:\n"
        "    def _repr_html_(self): return None\n")
    for code, data, metadata in [
        ("Html()", {"text/html": "<b>hi</b>"}, {}),
        ("Bundle()", {"text/plain": "plain", "text/x-custom": "c", "text/html": "<i>also</i>"},
         {"text/x-custom": {"k": 1}}),
        ("Png()", {"image/png": "iVBORw=="}, {"image/png": {"width": 3}}),
        ("NoneRepr()", {}, {}),
        ("Html", {}, {}),  # a class: repr only
    ]:
        fake_host.reset()
        assert execute(code)["status"] == "ok"
        [result] = fake_host.sent("execute_result")
        plain = result["data"].pop("text/plain")
        if code != "Bundle()":
            assert plain.startswith("<") and plain.endswith(">"), plain
        else:
            data = dict(data)
            assert plain == data.pop("text/plain")
        assert result["data"] == data and result["metadata"] == metadata, (code, result)
    fake_host.reset()
    assert execute("Broken()")["status"] == "ok"
    [result] = fake_host.sent("execute_result")
    assert list(result["data"]) == ["text/plain"]
    assert "Broken._repr_html_() raised RuntimeError: bad html" in fake_host.stream_text(2)


def test_format_mimebundle_include_exclude():
    from pyswitch import format_mimebundle

    class Both:
        def _repr_html_(self):
            return "<p>"

        def _repr_markdown_(self):
            return "*m*"

    data, _ = format_mimebundle(Both(), include=["text/html"])
    assert data == {"text/html": "<p>"}
    data, _ = format_mimebundle(Both(), exclude=["text/html"])
    assert set(data) == {"text/markdown", "text/plain"}


@with_kernel
def test_display_id_and_update():
    execute("h = display('one', display_id=True)\n"
            "h.update('two')\n"
            "display({'text/plain': 'raw'}, raw=True, display_id='fixed')\n"
            "from pyswitch import update_display, clear_output\n"
            "update_display('three', display_id='fixed')\n"
            "clear_output(wait=True)\n"
            "h")
    kinds = [e[0] for e in fake_host.events]
    assert kinds == ["display_data", "update_display_data", "display_data",
                     "update_display_data", "clear_output", "execute_result"], kinds
    first, update, raw, update2, clear, result = [e[1] for e in fake_host.events]
    display_id = first["transient"]["display_id"]
    assert len(display_id) == 32 and update["transient"] == {"display_id": display_id}
    assert update["data"] == {"text/plain": "'two'"}
    assert raw == {"data": {"text/plain": "raw"}, "metadata": {},
                   "transient": {"display_id": "fixed"}}
    assert update2["transient"] == {"display_id": "fixed"}
    assert clear == {"wait": True}
    assert result["data"]["text/plain"] == "<DisplayHandle display_id=%s>" % display_id
    reply = execute("update_display('x')")
    assert reply["ename"] == "TypeError"
    reply = execute("display(1, metadata={'x': float('nan')})")
    assert reply["ename"] == "ValueError" and "json" not in "\n".join(reply["traceback"])


@with_kernel
def test_display_of_self_displaying_object():
    execute("class Own:\n"
            "    def _ipython_display_(self):\n"
            "        print('shown by itself')\n"
            "display(Own())\n"
            "Own()")
    assert fake_host.sent("display_data") == [] and fake_host.sent("execute_result") == []
    assert fake_host.stream_text() == "shown by itself\n" * 2


@with_kernel
def test_stdin():
    sys.modules.pop("getpass", None)
    call("startup")  # getpass not imported yet: patched when the cell imports it
    reply = execute("input('name? ')")
    assert reply["ename"] == "StdinNotImplementedError"
    assert reply["evalue"] == ("raw_input was called, but this frontend does not support "
                               "input requests.")
    assert isinstance(sys.last_value, RuntimeError)
    fake_host.reset()
    fake_host.input_replies.extend(["Ada", "s3cret", "line", "\x04"])
    reply = execute("import getpass, sys\n"
                    "name = input('name? ')\n"
                    "pw = getpass.getpass()\n"
                    "lines = list(sys.stdin)\n"
                    "(name, pw, lines)", allow_stdin=True)
    assert reply["status"] == "ok", reply
    assert [e for e in fake_host.events if e[0] == "input"] == [
        ("input", "name? ", False), ("input", "Password: ", True), ("input", "", False),
        ("input", "", False)]
    assert fake_host.sent("execute_result")[0]["data"]["text/plain"] == \
        "('Ada', 's3cret', ['line\\n'])"
    assert execute("input()")["ename"] == "StdinNotImplementedError"  # reset after the cell


@with_kernel
def test_input_end_of_file_and_patched_getpass_module():
    import getpass  # already imported when the kernel started: patched in place
    call("startup")
    fake_host.input_replies.extend(["\x04", "pw"])
    assert execute("input()", allow_stdin=True)["ename"] == "EOFError"
    reply = execute("import getpass\ngetpass.getpass('Key: ')", allow_stdin=True)
    assert reply["status"] == "ok", reply
    assert ("input", "Key: ", True) in fake_host.events
    assert getpass.getpass.__module__ == "pyswitch._stdin"


def test_shutdown_runs_exit_handlers_and_restores_streams():
    import subprocess
    script = "\n".join([
        "import sys, atexit, json, fake_host",
        "from pyswitch._kernel import handle",
        "handle('startup', b'{}')",
        "atexit.register(print, 'bye')",
        "assert json.loads(handle('shutdown', b'{}')) == {}",
        "assert sys.stdout is sys.__stdout__ and sys.displayhook is sys.__displayhook__",
        "print(fake_host.events)"])
    # Named, not read from sys.path, whose head pytest changes as it collects other folders' tests.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([HERE, LANG]), PYSWITCH_IPYTHON="0")
    out = subprocess.check_output([sys.executable, "-c", script], env=env).decode()
    assert out.strip() == "[('stream', 1, 'bye'), ('stream', 1, '\\n')]", out


@with_kernel
def test_cell_source_for_inspect_and_tracebacks():
    execute("def g():\n    return 'body'\n", count=11)
    reply = execute("import inspect\ninspect.getsource(g)", count=12)
    assert reply["status"] == "ok", reply
    assert fake_host.sent("execute_result")[0]["data"]["text/plain"] == \
        repr("def g():\n    return 'body'\n")


@with_kernel
def test_future_imports_carry_over():
    execute("from __future__ import annotations")
    reply = execute("def f(x: undefined_name): pass\nf.__annotations__['x']")
    assert reply["status"] == "ok", reply
    assert fake_host.sent("execute_result")[0]["data"]["text/plain"] == "'undefined_name'"


@with_kernel
def test_top_level_await():
    reply = execute("import asyncio\nawait asyncio.sleep(0)\nawait asyncio.sleep(0, 'done')")
    if sys.version_info < (3, 8):
        assert reply["ename"] == "SyntaxError"
        return
    assert reply["status"] == "ok", reply
    assert fake_host.sent("execute_result")[0]["data"]["text/plain"] == "'done'"
    reply = execute("async def boom():\n    raise ValueError('x')\nawait boom()")
    text = "\n".join(reply["traceback"])
    assert reply["ename"] == "ValueError" and "asyncio" not in text and "pyswitch" not in text, \
        text


@with_kernel
def test_a_task_scheduled_without_await_runs_on_the_loop_await_uses():
    # asyncio.ensure_future at the top level lands on the cells' loop, also after a cell's own
    # asyncio.run (which leaves no current loop), and without a warning about a missing loop.
    reply = execute("import asyncio\nasync def job():\n    return 'ran'\ntask = asyncio.ensure_future(job())")
    assert reply["status"] == "ok", reply
    for code in ("asyncio.run(asyncio.sleep(0))", "later = asyncio.ensure_future(job())"):
        reply = execute(code)
        assert reply["status"] == "ok", reply
    assert fake_host.stream_text(2) == ""
    both = "asyncio.gather(task, later)"
    reply = execute("await " + both if sys.version_info >= (3, 8)
                    else "asyncio.get_event_loop().run_until_complete(%s)" % both)
    assert reply["status"] == "ok", reply
    assert fake_host.sent("execute_result")[0]["data"]["text/plain"] == "['ran', 'ran']"


@with_kernel
def test_interrupt_stops_the_cell():
    import threading

    def interrupt_soon():  # as the native side does for a blocked call: a real SIGINT
        threading.Timer(0.1, signal.pthread_kill,
                        (threading.main_thread().ident, signal.SIGINT)).start()

    interrupt_soon()
    reply = execute("import time\ntime.sleep(5)", count=4)
    assert reply["ename"] == "KeyboardInterrupt"
    assert '"<cell 4>", line 2' in "\n".join(reply["traceback"])
    if sys.version_info < (3, 8):
        return
    execute("import asyncio")  # not in the interrupted cell: a slow first import can take the SIGINT
    interrupt_soon()
    reply = execute("async def slow():\n"
                    "    await asyncio.sleep(0.3)\n"
                    "    print('resumed after the interrupt')\n"
                    "await slow()")
    assert reply["ename"] == "KeyboardInterrupt"
    assert reply["traceback"] == ["KeyboardInterrupt"]  # no event loop internals
    assert execute("await asyncio.sleep(0.5)")["status"] == "ok"
    assert fake_host.stream_text() == ""  # the interrupted cell did not resume


@with_kernel
def test_unencodable_text_stays_valid_json():
    reply = execute("'\\ud800 caf\\u00e9'")
    assert reply["status"] == "ok"
    assert fake_host.sent("execute_result")[0]["data"]["text/plain"] == "'\\ud800 café'"


def test_big_repr_takes_the_fast_path_to_the_same_json():
    """A 10M-character str result skips repr()'s and json's per-character passes."""
    from pyswitch import format_mimebundle
    from pyswitch._wire import dumps
    text = "x" * 10000000

    def ours():
        data, metadata = format_mimebundle(text)
        return dumps({"execution_count": 1, "data": data, "metadata": metadata})

    def plain():
        content = {"execution_count": 1, "data": {"text/plain": repr(text)}, "metadata": {}}
        return json.dumps(content, separators=(",", ":")).encode()

    assert ours() == plain()


def test_long_text_fast_path_matches_repr_and_json():
    from pyswitch import format_mimebundle
    from pyswitch._wire import dumps
    plain = "ab c" * 20000
    for text in [plain, plain + "'", plain + '"', plain + "\\", plain + "\x7f", plain + "\n",
                 plain + "\u00e9", "x"]:
        data, _ = format_mimebundle(text)
        assert data["text/plain"] == repr(text)
        content = {"execution_count": 1, "data": dict(data, **{"text/html": plain}),
                   "metadata": {"k": [1, "v"]}, "transient": {"display_id": "d"}}
        encoded = dumps(content)
        assert json.loads(encoded.decode("ascii")) == content
        assert encoded == json.dumps(content, separators=(",", ":")).encode("ascii")


def test_unknown_method_and_bad_payload():
    reply = call("frobnicate")
    assert reply == {"status": "error", "ename": "ValueError",
                     "evalue": "unknown method 'frobnicate'"}
    reply = json.loads(_kernel.handle("execute", b"{not json"))
    assert reply["status"] == "error" and reply["ename"] == "JSONDecodeError"


def test_is_complete():
    cases = [
        ("1+1", "complete", None),
        ("", "complete", None),
        ("   ", "complete", None),
        ("for i in range(3):", "incomplete", 4),
        ("for i in range(3):\n    print(i)", "incomplete", 4),
        ("for i in range(3):\n    print(i)\n", "complete", None),
        ("x = (1,", "incomplete", 0),
        ("x = [1,\n2]", "complete", None),
        ("a = 1 +", "invalid", None),
        ("1 +\\", "incomplete", 0),
        ("if x:\n    pass\nelse:", "incomplete", 4),
        ("x = '''abc", "incomplete", 0),
        ("@dec", "incomplete", 0),
        ("print(1", "incomplete", 0),
        ("class A:\n    def f(self):\n        return 1", "incomplete", 8),
        ("return 1", "invalid", None),
        ("1 = 2", "invalid", None),
        ("def f():\n    x = (1,", "incomplete", 4),
        ("if True:\n    x = 1\n  y = 2", "invalid", None),
        ("for i in x:  # loop", "incomplete", 4),
        ("for i in x:\n    # comment", "incomplete", 4),
        ("if x:\n    pass\n  ", "complete", None),
        ("if x: pass", "complete", None),
        ("x = $", "invalid", None),
        ("x = 1  # comment", "complete", None),
        ("# only comment", "complete", None),
        ("'\\d'", "complete", None),  # warns at compile time, still complete
        ("x is 1", "complete", None),
        ("if (a and\n    b):", "incomplete", 4),
        ("x = {\n  'a':", "incomplete", 2),
        ("x = 1 \\\n  + 2", "complete", None),
        ("def f(:", "invalid", None),
    ]
    for code, status, indent in cases:
        reply = call("is_complete", code=code)
        expected = {"status": status}
        if indent is not None:
            expected["indent"] = " " * indent
        assert reply == expected, (code, reply, expected)


if __name__ == "__main__":
    fake_host.run_as_script(globals())
