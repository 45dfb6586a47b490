"""Unit tests of the debugger's helpers inside the interpreter (pyswitch._debugger), against
fake_host: what inspectVariables, richInspectVariables, copyToGlobals and modules answer, and the
JSON a stopped frame's evaluate carries back. The adapter itself runs in test/jupyter/test_debugger.py.

Run with pytest, or `PYTHONPATH=kernel/lang:test/lang python3 test/lang/test_debugger_unit.py`.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "kernel", "lang")]

import fake_host  # noqa: E402  (registers itself as _pyswitch_host)
from test_lang_unit import call, execute, with_kernel  # noqa: E402

from pyswitch import _debugger  # noqa: E402


@with_kernel
def test_startup_says_whether_debugpy_can_be_imported():
    import importlib.util
    reply = call("startup")["debugger"]
    importable = importlib.util.find_spec("debugpy") is not None
    assert reply["available"] is importable
    assert (reply["reason"] is None) is importable
    if not importable:
        assert sys.executable in reply["reason"] and "debugpy" in reply["reason"]


@with_kernel
def test_variables_are_the_users_names():
    execute("import os\nx = 40\ns = 'text' * 1000\n_private = 1\ndef f(): pass\nIn = []")
    listed = {v["name"]: v for v in call("debug_inspect", what="variables")["variables"]}
    assert set(listed) == {"x", "s", "f"}, listed  # no modules, private or shell names
    assert listed["x"] == {"name": "x", "value": "40", "type": "int", "evaluateName": "x", "variablesReference": 0}
    assert len(listed["s"]["value"]) <= 1003 and listed["s"]["type"] == "str"


@with_kernel
def test_a_broken_repr_does_not_fail_the_list():
    execute("class Broken:\n    def __repr__(self):\n        raise RuntimeError('no')\nb = Broken()")
    (entry,) = [v for v in call("debug_inspect", what="variables")["variables"] if v["name"] == "b"]
    assert entry["value"].startswith("<Broken instance at ")  # reprlib's stand-in


@with_kernel
def test_rich_is_the_mime_bundle_and_a_missing_name_is_an_error():
    execute("class Rich:\n    def _repr_html_(self):\n        return '<i>r</i>'\nr = Rich()")
    bundle = call("debug_inspect", what="rich", name="r")
    assert bundle["data"]["text/html"] == "<i>r</i>" and "text/plain" in bundle["data"]
    missing = call("debug_inspect", what="rich", name="nowhere")
    assert missing["status"] == "error" and missing["ename"] == "NameError"


@with_kernel
def test_modules_lists_python_sources():
    body = call("debug_inspect", what="modules")
    assert body["totalModules"] == len(sys.modules) or body["totalModules"] > 0
    assert all(m["path"].endswith(".py") for m in body["modules"])
    assert any(m["name"] == "json" for m in body["modules"])


@with_kernel
def test_answers_for_a_stopped_frame_are_json_in_their_repr():
    answer = _debugger.answer("copy", [1, 2], "copied")
    assert json.loads(repr(answer)) == {"value": "[1, 2]", "type": "list", "variablesReference": 0}
    assert sys.modules["__main__"].__dict__["copied"] == [1, 2]
    rich = json.loads(repr(_debugger.answer("rich", "é")))
    assert rich["data"]["text/plain"] == "'é'"


@with_kernel
def test_tracing_requests_without_an_adapter_do_nothing():
    assert call("debug_trace", on=True) == {} and call("debug_trace", on=False) == {}
    assert call("debug_end") == {}


@with_kernel
def test_a_debugged_cell_compiles_under_the_name_the_kernel_gives():
    reply = execute("def f():\n    return 1 / 0\nf()", cell_file="/tmp/pyswitch_1/123.py", debugged=True)
    assert reply["status"] == "error"
    assert '"/tmp/pyswitch_1/123.py", line 2' in "\n".join(reply["traceback"])


def test_plain_mode_names_a_cell_by_its_number_when_not_debugged():
    reply = execute("1 / 0", cell_file="/tmp/pyswitch_1/456.py", debugged=False, execution_count=9)
    traceback = "\n".join(reply["traceback"])
    assert '"<cell 9>", line 1' in traceback and "456.py" not in traceback, traceback


if __name__ == "__main__":
    fake_host.run_as_script(globals())
