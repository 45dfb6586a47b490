"""IPython mode over the wire, on the kernelspec whose interpreter has IPython (Debian's /usr/bin/python3):
what ipykernel users rely on — magics, help pages in the reply payload, IPython tracebacks, In/Out and the
execution counter, IPython.display objects, inline figures, top-level await — and the PYSWITCH_IPYTHON=0
opt-out."""
import base64
import os
import re
import subprocess

import pytest

from conftest import DEBIAN_PYTHON
from env_comm import EnvComm
from kernel_helpers import (
    execute,
    execute_ok,
    iopub_until_idle,
    running_kernel,
    send_control,
    stream_text,
    wait_reply,
    wait_stream,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TIMEOUT = 30  # magics such as %pip start processes


@pytest.fixture(scope="module")
def ipython_kernel(ipython_kernel_name):
    """One kernel for the module: IPython's start-up is the slow part."""
    with running_kernel(ipython_kernel_name) as km_kc:
        yield km_kc


@pytest.fixture
def kc(ipython_kernel):
    return ipython_kernel[1]


def run(kc, code, **options):
    """(reply content, iopub outputs) of an execute that must succeed."""
    return execute_ok(kc, code, TIMEOUT, **options)


def of_type(outputs, msg_type):
    return [m["content"] for m in outputs if m["msg_type"] == msg_type]


def result_text(outputs):
    (result,) = of_type(outputs, "execute_result")
    return result["data"]["text/plain"]


def test_banner_names_ipython(kc):
    banner = wait_reply(kc, kc.kernel_info())["content"]["banner"]
    assert "IPython" in banner and "An enhanced Interactive Python" in banner


def test_counter_in_out_and_underscore_names_follow_the_kernel(kc):
    content, outputs = run(kc, "'first'")
    count = content["execution_count"]
    (result,) = of_type(outputs, "execute_result")
    assert result["execution_count"] == count
    content, outputs = run(kc, f"(In[{count}], Out[{count}], _{count}, get_ipython().execution_count)")
    assert result_text(outputs) == f"(\"'first'\", 'first', 'first', {count + 1})"
    assert content["execution_count"] == count + 1


def test_history_lists_the_cells_and_keeps_no_queue_for_a_store_that_is_off(kc):
    first, _ = run(kc, "'history one'")
    run(kc, "'history two'")
    count = first["execution_count"]
    content, outputs = run(kc, f"%history -n {count}-{count + 1}")
    assert stream_text(outputs) == f"{count:>4}: 'history one'\n{count + 1:>4}: 'history two'\n"
    # IPython's store is off (the kernel keeps the history), so nothing would ever empty the
    # queue of cells waiting to be written to it: it holds the running cell only.
    content, outputs = run(kc, "_h = get_ipython().history_manager\n"
                               "(_h.enabled, len(_h.db_input_cache), len(_h.input_hist_raw) > 3)")
    assert result_text(outputs) == "(False, 1, True)"


def test_silent_run_neither_counts_nor_shows(kc):
    before, _ = run(kc, "0")
    content, outputs = run(kc, "41 + 1", silent=True)
    assert outputs == [] and content["execution_count"] == before["execution_count"]


def test_error_carries_ipython_traceback(kc):
    reply, outputs = execute(kc, "def boom():\n    raise ValueError('no good')\nboom()")
    content = reply["content"]
    assert (content["status"], content["ename"], content["evalue"]) == ("error", "ValueError", "no good")
    (error,) = of_type(outputs, "error")
    assert error["traceback"] == content["traceback"]
    text = "\n".join(content["traceback"])
    assert "\x1b[" in text  # IPython's, coloured
    text = re.sub(r"\x1b\[[\d;]*m", "", text)
    assert "Traceback (most recent call last)" in text and "----> 3 boom()" in text, text


def test_tracebacks_reuse_the_highlighting_made_for_the_last(kc):
    # Wired when the shell starts (_highlight_cache): the executing node's style class and the
    # lexer rules a traceback's highlighting makes are made once.
    execute(kc, "1 / 0")
    _, outputs = run(kc, (
        "import stack_data\n"
        "from pygments.lexers import PythonLexer\n"
        "PythonLexer()\n"
        "marking = type('Marking', (PythonLexer,), {})\n"
        "marking()\n"
        "print(stack_data.style_with_executing_node('default', 'bold')\n"
        "      is stack_data.style_with_executing_node('default', 'bold'),\n"
        "      marking._tokens is PythonLexer._tokens)"))
    assert "".join(o["text"] for o in of_type(outputs, "stream")) == "True True\n"


def test_tracebacks_find_a_cells_frame_in_no_module_without_a_lookup(kc):
    # Wired when the shell starts (_frame_modules): IPython's traceback (8.12) asks which module
    # each frame comes from, and a cell's is answered without inspect.getmodule's scans.
    _, outputs = run(kc, (
        "import inspect, json, sys, types\n"
        "import IPython.core.ultratb as ultratb\n"
        "asked = []\n"
        "real_getmodule = inspect.getmodule\n"
        "def counting(obj, _filename=None):\n"
        "    asked.append(obj.f_code.co_filename if isinstance(obj, types.FrameType) else obj)\n"
        "    return real_getmodule(obj, _filename)\n"
        "inspect.getmodule = counting\n"
        "try:\n"
        "    json.loads('x')\n"
        "except ValueError:\n"
        "    tb = sys.exc_info()[2]\n"
        "    while tb.tb_next is not None:\n"
        "        tb = tb.tb_next\n"
        "cell_module = ultratb.inspect.getmodule(sys._getframe())\n"
        "json_module = ultratb.inspect.getmodule(tb.tb_frame)\n"
        "inspect.getmodule = real_getmodule\n"
        "print(cell_module, json_module.__name__, [f.rsplit('/', 1)[-1] for f in asked],\n"
        "      get_ipython().compile.is_cell_file(sys._getframe().f_code.co_filename))"))
    assert "".join(o["text"] for o in of_type(outputs, "stream")) == "None json.decoder ['decoder.py'] True\n"


def test_syntax_error(kc):
    content = execute(kc, "def f(:")[0]["content"]
    assert content["status"] == "error" and content["ename"] == "SyntaxError" and content["traceback"]


def test_help_goes_to_the_page_payload(kc):
    content, outputs = run(kc, "len?")
    assert outputs == []
    (page,) = content["payload"]
    assert page["source"] == "page" and page["start"] == 0
    assert "Return the number of items in a container" in page["data"]["text/plain"]
    assert run(kc, "1")[0]["payload"] == []  # payloads do not carry over
    content = execute(kc, "%pinfo len\n1 / 0")[0]["content"]  # a page before an error comes too
    assert content["status"] == "error" and [p["source"] for p in content["payload"]] == ["page"]


def test_set_next_input_payload(kc):
    content, _ = run(kc, "get_ipython().set_next_input('print(1)')")
    assert content["payload"] == [{"source": "set_next_input", "text": "print(1)", "replace": False}]


def test_exit_asks_the_frontend_and_takes_keep_kernel_as_ipykernel_does(kc):
    # The kernel itself keeps running (ipykernel's ends): the payload tells the frontend what was asked.
    for code, keep in [("exit()", False), ("quit()", False), ("exit(keep_kernel=True)", True), ("exit(True)", True),
                       ("exit", False)]:
        content, _ = run(kc, code)
        assert content["payload"] == [{"source": "ask_exit", "keepkernel": keep}], code
    assert run(kc, "1")[0]["status"] == "ok"


def test_ipythons_dict_key_completion_and_a_long_line_without_a_bracket(kc):
    # IPython's dict-key matcher finds a structured array's fields, which the live objects do not.
    run(kc, "import numpy as np\nfields = np.zeros(2, dtype=[('xfield', int)])")
    reply = wait_reply(kc, kc.complete("fields['xf", 10), TIMEOUT)["content"]
    assert reply["matches"] == ["xfield"], reply
    # Its regex is quadratic in the line: an unterminated string of 100k characters took minutes.
    code = "'" + "a" * 100_000
    reply = wait_reply(kc, kc.complete(code, len(code)), TIMEOUT)["content"]
    assert reply["status"] == "ok" and reply["matches"] == []


def test_user_expressions_through_ipython(kc):
    content, _ = run(kc, "x = 20", user_expressions={"double": "x * 2", "bad": "1 / 0"})
    expressions = content["user_expressions"]
    assert expressions["double"] == {"status": "ok", "data": {"text/plain": "40"}, "metadata": {}}
    assert expressions["bad"]["status"] == "error" and expressions["bad"]["ename"] == "ZeroDivisionError"


def test_line_and_cell_magics(kc, tmp_path):
    _, outputs = run(kc, "%time sum(range(10))")
    assert "Wall time" in stream_text(outputs) and result_text(outputs) == "45"
    _, outputs = run(kc, "%timeit -n 5 -r 2 sum(range(10))")
    assert "per loop (mean ± std. dev. of 2 runs, 5 loops each)" in stream_text(outputs)
    target = tmp_path / "written.txt"
    _, outputs = run(kc, f"%%writefile {target}\nline one\n")
    assert target.read_text() == "line one\n" and f"Writing {target}" in stream_text(outputs)


def test_shell_commands(kc):
    _, outputs = run(kc, "!echo hi")
    assert stream_text(outputs).strip() == "hi"
    _, outputs = run(kc, "lines = !echo a; echo b\nlines")
    assert result_text(outputs) == "['a', 'b']"


def test_pip_magic_runs_the_kernels_pip(kc):
    _, outputs = run(kc, "%pip --version")
    assert stream_text(outputs).startswith("pip ")


def test_unknown_magic_is_a_usage_error(kc):
    reply, outputs = execute(kc, "%no_such_magic")
    content = reply["content"]
    assert content["status"] == "error" and content["ename"] == "UsageError"
    assert "no_such_magic" in stream_text(outputs, "stderr")


def test_ipython_display_objects(kc):
    code = "\n".join([
        "from IPython.display import HTML, JSON, Image, Javascript, Markdown, display",
        f"png = {PNG_SIGNATURE!r} + b'rest'",
        "display(HTML('<b>h</b>'), Markdown('*m*'), JSON({'a': [1, 2]}), Javascript('void 0'))",
        "display(Image(data=png, format='png'))",
    ])
    _, outputs = run(kc, code)
    shown = of_type(outputs, "display_data")
    assert [d["data"].get("text/html") for d in shown[:1]] == ["<b>h</b>"]
    assert shown[1]["data"]["text/markdown"] == "*m*"
    assert shown[2]["data"]["application/json"] == {"a": [1, 2]}
    assert shown[3]["data"]["application/javascript"] == "void 0"
    assert base64.b64decode(shown[4]["data"]["image/png"]).startswith(PNG_SIGNATURE)
    assert all(d["transient"] == {} for d in shown)


def test_display_ids_update_and_clear_output(kc):
    code = "\n".join([
        "from IPython.display import DisplayHandle, clear_output, display, update_display",
        "handle = display('one', display_id=True)",
        "handle.update('two')",
        "update_display('three', display_id=handle.display_id)",
        "DisplayHandle('fixed').display('four')",
        "clear_output(wait=True)",
    ])
    _, outputs = run(kc, code)
    kinds = [(m["msg_type"], m["content"].get("data", {}).get("text/plain")) for m in outputs]
    assert kinds == [("display_data", "'one'"), ("update_display_data", "'two'"),
                     ("update_display_data", "'three'"), ("display_data", "'four'"), ("clear_output", None)]
    ids = [m["content"]["transient"]["display_id"] for m in outputs[:3]]
    assert len(set(ids)) == 1 and outputs[3]["content"]["transient"] == {"display_id": "fixed"}
    assert outputs[4]["content"] == {"wait": True}


def test_matplotlib_inline_by_default_and_by_magic(kc):
    # Set in matplotlib, not in the environment of child processes.
    _, outputs = run(kc, "import os, matplotlib\nmatplotlib.get_backend(), os.environ.get('MPLBACKEND')")
    assert result_text(outputs) == "('module://matplotlib_inline.backend_inline', None)"
    _, outputs = run(kc, "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]);")
    (figure,) = of_type(outputs, "display_data")
    assert base64.b64decode(figure["data"]["image/png"]).startswith(PNG_SIGNATURE)
    # No GUI event loop runs in the kernel: a GUI backend is refused, a bare %matplotlib is inline.
    reply = execute(kc, "%matplotlib qt")[0]["content"]
    assert reply["status"] == "error" and reply["ename"] == "UsageError"
    _, outputs = run(kc, "%matplotlib")
    assert stream_text(outputs) == "Using matplotlib backend: module://matplotlib_inline.backend_inline\n"


def test_top_level_await(kc):
    _, outputs = run(kc, "import asyncio\nawait asyncio.sleep(0, 'slept')")
    assert result_text(outputs) == "'slept'"
    # One loop for the session: a task a cell starts is still there in the next one.
    run(kc, "task = asyncio.ensure_future(asyncio.sleep(0.05, 'later'))")
    _, outputs = run(kc, "await task")
    assert result_text(outputs) == "'later'"


def interrupt(kc, code, announce=True):
    """Interrupts code once it has printed "started" (announce: a print put before it)."""
    msg_id = kc.execute("print('started', flush=True)\n" + code if announce else code)
    wait_stream(kc, msg_id, "started\n")  # the cell is running
    wait_reply(kc, send_control(kc, "interrupt_request"), channel="control")
    reply = wait_reply(kc, msg_id, timeout=10)["content"]
    return reply, iopub_until_idle(kc, msg_id)


def test_interrupt_a_running_cell(kc):
    reply, outputs = interrupt(kc, "import time\ntime.sleep(30)")
    assert reply["ename"] == "KeyboardInterrupt"
    assert [e["ename"] for e in of_type(outputs, "error")] == ["KeyboardInterrupt"]


def test_interrupt_an_awaiting_cell_cancels_it(kc):
    # As in ipykernel: the cell's task is cancelled where it waits. "started" is printed by the event
    # loop, so only once the cell waits in its await. pyswitch answers at once; ipykernel 6.17 once
    # the sleep is over, so it is well inside the reply's 10 s.
    reply, outputs = interrupt(kc, "import asyncio\ncell = asyncio.current_task()\n"
                                   "asyncio.get_running_loop().call_soon(lambda: print('started', flush=True))\n"
                                   "await asyncio.sleep(5)\nprint('resumed')", announce=False)
    assert reply["ename"] == "CancelledError" and "KeyboardInterrupt" not in "\n".join(reply["traceback"])
    assert "resumed" not in stream_text(outputs)
    _, outputs = run(kc, "cell.done()")  # the task the cell ran in (IPython's run_cell_async) is over:
    assert result_text(outputs) == "True"  # the interrupted cell can never resume


def test_mplbackend_wins_over_the_inline_default(ipython_kernel_name):
    with running_kernel(ipython_kernel_name, env=dict(os.environ, MPLBACKEND="agg")) as (_, kc):
        _, outputs = run(kc, "import matplotlib\nmatplotlib.get_backend()")
        assert result_text(outputs) == "'agg'"


def test_opt_out_runs_plain_mode(ipython_kernel_name):
    with running_kernel(ipython_kernel_name, env=dict(os.environ, PYSWITCH_IPYTHON="0")) as (_, kc):
        assert "IPython" not in wait_reply(kc, kc.kernel_info())["content"]["banner"]
        reply, outputs = execute(kc, "import sys\n'get_ipython' in dir(), 'IPython' in sys.modules")
        assert result_text(outputs) == "(False, False)"


def test_in_process_switch_starts_a_fresh_shell_numbered_on(ipython_kernel_name, tmp_path):
    if os.environ.get("PYSWITCH_TEST_KERNEL"):
        pytest.skip("environment switching is pyswitch's")
    venv = tmp_path / "venv"  # IPython comes from the system site-packages
    subprocess.run([DEBIAN_PYTHON, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    with running_kernel(ipython_kernel_name) as (_, kc):
        count = run(kc, "x = 1")[0]["execution_count"]
        comm = EnvComm(kc)
        comm.open()
        reply = comm.switch(str(venv))
        assert reply["ok"] and reply["strategy"] == "in-process", reply
        _, outputs = run(kc, f"import sys\nprint(sys.prefix == {str(venv)!r}, 'x' in dir(), In[{count + 1}][:10])")
        assert stream_text(outputs) == "True False import sys\n"
