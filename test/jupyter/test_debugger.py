"""The debugger through jupyter_client, as JupyterLab 4 drives it (issue 9): debug_request on
control, debug_event on iopub, debugpy from the active environment.

Debian's /usr/bin/python3 has debugpy (python3-debugpy), in plain and in IPython mode; pyenv's
Pythons have none and must say so. A venv of Debian's Python with --system-site-packages is a
second environment with debugpy, one without them a second environment without.
"""
import os
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from dap_client import DapClient, variables
from kernel_helpers import execute, running_kernel, stream_text, wait_reply
from kernel_install import KernelInstallError, install_pyswitch, jupyter_path_with, require_kernelspec
from switch_envs import pyenv_python, require

DEBIAN_PYTHON = "/usr/bin/python3"
REPLY_TIMEOUT = 30
SWITCH_TIMEOUT = 60

# A cell as the tests dump it; line 2 is inside add(), line 6 calls it.
CELL = ("def add(a, b):\n"
        "    total = a + b\n"
        "    return total\n"
        "\n"
        "x = 40\n"
        "y = add(x, 2)\n"
        "print('result', y)\n")


def _has_debugpy(python):
    return subprocess.run([python, "-c", "import debugpy"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not (os.path.exists(DEBIAN_PYTHON) and _has_debugpy(DEBIAN_PYTHON)),
                                reason=f"{DEBIAN_PYTHON} cannot import debugpy (apt-get install python3-debugpy)")


@pytest.fixture(scope="module")
def plain_kernel_name(kernel_name, jupyter_env, tmp_path_factory):
    """pyswitch on Debian's Python in plain mode."""
    if os.environ.get("PYSWITCH_TEST_KERNEL"):
        return kernel_name
    prefix = tmp_path_factory.mktemp("prefix-debug-plain")
    name = "pyswitch-debug-plain"
    try:
        install_pyswitch(prefix, name, python=DEBIAN_PYTHON, plain=True)
        jupyter_env.setenv("JUPYTER_PATH", jupyter_path_with(prefix, os.environ.get("JUPYTER_PATH")))
        require_kernelspec(name)
    except KernelInstallError as e:
        pytest.fail(str(e), pytrace=False)
    return name


@pytest.fixture(params=["plain", "ipython"])
def mode(request):
    return request.param


@pytest.fixture
def debug_kernel(mode, plain_kernel_name, ipython_kernel_name):
    with running_kernel(plain_kernel_name if mode == "plain" else ipython_kernel_name) as (km, kc):
        yield km, kc


@pytest.fixture
def plain(plain_kernel_name):
    with running_kernel(plain_kernel_name) as (km, kc):
        yield km, kc


def kernel_info(kc, channel="shell"):
    if channel == "shell":
        return wait_reply(kc, kc.kernel_info(), REPLY_TIMEOUT)["content"]
    msg = kc.session.msg("kernel_info_request", {})
    kc.control_channel.send(msg)
    return wait_reply(kc, msg["header"]["msg_id"], REPLY_TIMEOUT, channel="control")["content"]


def heartbeat_echoes(km, timeout=REPLY_TIMEOUT):
    """One ping on the heartbeat socket, answered within timeout."""
    import zmq
    info = km.get_connection_info()
    context = zmq.Context()
    try:
        sock = context.socket(zmq.REQ)
        sock.linger = 0
        sock.connect(f"{info['transport']}://{info['ip']}:{info['hb_port']}")
        sock.send(b"ping")
        return sock.poll(timeout * 1000) and sock.recv() == b"ping"
    finally:
        context.destroy(linger=0)


def murmur2(code, seed):
    """The frontend's hash, computed independently: ipykernel's own implementation."""
    from ipykernel.compiler import murmur2_x86
    return murmur2_x86(code, seed)


def run_to_breakpoint(dap, code, line):
    """Dump the cell, break at `line`, run it; returns (execute msg_id, stopped thread, top frame)."""
    path = dap.breakpoint_in(code, line)
    msg_id = dap.kc.execute(code)
    stopped = dap.wait_event("stopped")
    assert stopped["body"]["reason"] == "breakpoint", stopped
    thread = stopped["body"]["threadId"]
    frames = dap.stack(thread)
    assert frames[0]["source"]["path"] == path and frames[0]["line"] == line, frames
    return msg_id, thread, frames[0]


def continue_to_the_end(dap, msg_id, thread):
    """Resume the stopped thread; the cell `msg_id` then ends ok."""
    dap.ok("continue", {"threadId": thread})
    reply = wait_reply(dap.kc, msg_id, REPLY_TIMEOUT)["content"]
    assert reply["status"] == "ok", reply


def run_through_breakpoint(dap, code, line):
    """The cell stops at its breakpoint at `line`, then runs to its end."""
    msg_id, thread, _ = run_to_breakpoint(dap, code, line)
    continue_to_the_end(dap, msg_id, thread)


def test_kernel_info_and_the_kernelspec_say_debugger(debug_kernel, mode, plain_kernel_name, ipython_kernel_name):
    _, kc = debug_kernel
    info = kernel_info(kc)
    assert info["debugger"] is True
    assert "debugger" in info["supported_features"]
    from jupyter_client.kernelspec import KernelSpecManager
    spec = KernelSpecManager().get_kernel_spec(plain_kernel_name if mode == "plain" else ipython_kernel_name)
    assert spec.metadata["debugger"] is True


def test_a_breakpoint_in_a_cell_as_jupyterlab_sets_it(debug_kernel):
    _, kc = debug_kernel
    dap = DapClient(kc)
    info = dap.ok("debugInfo")  # sent first, on connecting
    assert info["isStarted"] is False and info["breakpoints"] == [] and info["hashMethod"] == "Murmur2"
    capabilities = dap.start()
    assert capabilities["supportsConfigurationDoneRequest"] is True
    info = dap.ok("debugInfo")
    assert info["isStarted"] is True and info["richRendering"] is True and info["copyToGlobals"] is True

    path = dap.ok("dumpCell", {"code": CELL})["sourcePath"]
    assert path == f"{info['tmpFilePrefix']}{murmur2(CELL, int(info['hashSeed']))}{info['tmpFileSuffix']}"
    assert Path(path).read_text() == CELL
    dap.ok("setBreakpoints", {"source": {"path": path}, "breakpoints": [{"line": 2}]})
    dap.ok("configurationDone")  # harmless when a frontend does send it
    assert dap.ok("debugInfo")["breakpoints"] == [{"source": path, "breakpoints": [{"line": 2}]}]

    msg_id = kc.execute(CELL)
    stopped = dap.wait_event("stopped")
    thread = stopped["body"]["threadId"]
    assert thread in dap.ok("debugInfo")["stoppedThreads"]
    frames = dap.stack(thread)
    # The user sees their cell: add() at the breakpoint, called from the cell; no kernel frames.
    assert [(f["name"], f["source"]["path"], f["line"]) for f in frames] == [("add", path, 2), ("<module>", path, 6)]
    assert dap.ok("source", {"source": {"path": path}})["content"] == CELL
    top = frames[0]["id"]
    assert dap.variables_of(top, "Locals") == {"a": "40", "b": "2"}
    assert dap.variables_of(top, "Globals")["x"] == "40"
    assert dap.ok("evaluate", {"expression": "a + b", "frameId": top, "context": "repl"})["result"] == "42"
    assert variables(dap.ok("inspectVariables"))["x"] == "40"
    rich = dap.ok("richInspectVariables", {"variableName": "a", "frameId": top})
    assert rich["data"]["text/plain"] == "40"
    copied = dap.ok("copyToGlobals", {"srcVariableName": "b", "dstVariableName": "b_copy", "srcFrameId": top})
    assert copied["value"] == "2" and copied["type"] == "int"

    dap.ok("next", {"threadId": thread})
    dap.wait_event("stopped")
    assert dap.stack(thread)[0]["line"] == 3
    assert dap.variables_of(dap.stack(thread)[0]["id"], "Locals")["total"] == "42"
    dap.ok("continue", {"threadId": thread})
    dap.wait_event("continued")
    reply = wait_reply(kc, msg_id, REPLY_TIMEOUT)
    assert reply["content"]["status"] == "ok"
    assert stream_text(dap.outputs_of(msg_id)) == "result 42\n"

    # What JupyterLab asks after the cell: globals and modules, from the interpreter itself now.
    names = variables(dap.ok("inspectVariables"))
    assert names["y"] == "42" and names["b_copy"] == "2" and "add" in names
    assert dap.ok("richInspectVariables", {"variableName": "y"})["data"]["text/plain"] == "42"
    modules = dap.ok("modules")
    assert modules["totalModules"] >= len(modules["modules"]) > 0
    assert dap.ok("richInspectVariables", {"variableName": "special variables"}) == {"data": {}, "metadata": {}}

    dap.ok("disconnect", {"restart": False, "terminateDebuggee": False})
    assert dap.ok("debugInfo")["isStarted"] is False
    reply, outputs = execute(kc, "print(y + x)")
    assert reply["content"]["status"] == "ok" and stream_text(outputs) == "82\n"


def test_a_breakpoint_stops_a_function_a_cell_defined_before_the_debugger_was_on(ipython_kernel_name):
    """IPython mode names every cell's file as the debugger does, as ipykernel: the user defines a
    function, turns the debugger on, sets a breakpoint in that cell, and a later call stops there."""
    with running_kernel(ipython_kernel_name) as (_, kc):
        defining = "def later():\n    value = 41\n    return value + 1\n"
        assert execute(kc, defining)[0]["content"]["status"] == "ok"
        dap = DapClient(kc)
        dap.start()
        path = dap.breakpoint_in(defining, 2)
        msg_id = kc.execute("print(later())")
        stopped = dap.wait_event("stopped")
        assert stopped["body"]["reason"] == "breakpoint", stopped
        thread = stopped["body"]["threadId"]
        top = dap.stack(thread)[0]
        assert top["source"]["path"] == path and top["line"] == 2 and top["name"] == "later", top
        continue_to_the_end(dap, msg_id, thread)
        assert stream_text(dap.outputs_of(msg_id)) == "42\n"


def test_rich_variables_are_mime_bundles_also_while_stopped(debug_kernel):
    _, kc = debug_kernel
    dap = DapClient(kc)
    execute(kc, "class Rich:\n    def _repr_html_(self):\n        return '<b>rich</b>'\n    def __repr__(self):\n        return 'Rich()'\n")
    dap.start()
    code = "r = Rich()\nlocal = [r]\nprint('done')\n"
    msg_id, thread, top = run_to_breakpoint(dap, code, 3)
    bundle = dap.ok("richInspectVariables", {"variableName": "r", "frameId": top["id"]})["data"]
    assert bundle["text/html"] == "<b>rich</b>" and bundle["text/plain"] == "Rich()"
    continue_to_the_end(dap, msg_id, thread)
    assert dap.ok("richInspectVariables", {"variableName": "r"})["data"]["text/html"] == "<b>rich</b>"


def test_control_heartbeat_and_stdin_answer_while_stopped_and_interrupt_ends_the_cell(plain):
    km, kc = plain
    dap = DapClient(kc)
    execute(kc, "kept = 'before'")
    dap.start()
    code = "value = 7\nvalue += 1\nprint('not reached')\n"
    msg_id, thread, top = run_to_breakpoint(dap, code, 2)

    assert kernel_info(kc, channel="control")["status"] == "ok"
    assert heartbeat_echoes(km)
    assert dap.ok("debugInfo")["stoppedThreads"] == [thread]
    # input() in the stopped frame asks the frontend on stdin, and gets its answer.
    answered = threading.Event()

    def answer_input():
        request = kc.get_stdin_msg(timeout=REPLY_TIMEOUT)
        assert request["msg_type"] == "input_request" and request["content"]["prompt"] == "? "
        kc.input("typed")
        answered.set()

    stdin = threading.Thread(target=answer_input, daemon=True)
    stdin.start()
    result = dap.ok("evaluate", {"expression": "input('? ') + str(value)", "frameId": top["id"], "context": "repl"})
    stdin.join(REPLY_TIMEOUT)
    assert answered.is_set() and result["result"] == "'typed7'"

    interrupt = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(interrupt)
    assert wait_reply(kc, interrupt["header"]["msg_id"], REPLY_TIMEOUT, channel="control")["content"]["status"] == "ok"
    reply = wait_reply(kc, msg_id, REPLY_TIMEOUT)["content"]
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    assert "not reached" not in stream_text(dap.outputs_of(msg_id))
    assert dap.ok("debugInfo")["stoppedThreads"] == []
    reply, outputs = execute(kc, "print(kept, value)")
    assert stream_text(outputs) == "before 7\n"
    # Still debugging: the same breakpoint stops the cell again.
    run_through_breakpoint(dap, code, 2)


def test_a_bad_request_while_stopped_leaves_the_session_and_the_next_cells_whole(plain):
    _, kc = plain
    dap = DapClient(kc)
    dap.start()
    msg_id, thread, top = run_to_breakpoint(dap, CELL, 2)
    refused = dap.request("stackTrace", {"threadId": thread, "startFrame": -3, "levels": "x"}, timeout=10)
    assert refused["success"] is False and "startFrame" in refused["message"], refused
    # A name the frame does not have: the frame's NameError, not a parse error of the kernel's.
    missing = dap.request("copyToGlobals", {"srcVariableName": "never_defined", "dstVariableName": "copy",
                                            "srcFrameId": top["id"]}, timeout=10)
    assert missing["success"] is False and missing["message"].startswith("NameError"), missing
    continue_to_the_end(dap, msg_id, thread)
    assert stream_text(dap.outputs_of(msg_id)) == "result 42\n"
    reply, outputs = execute(kc, "print('next', y)", timeout=10)
    assert reply["content"]["status"] == "ok" and stream_text(outputs) == "next 42\n"
    dap.ok("disconnect", {"restart": False, "terminateDebuggee": False})


def test_disconnect_while_stopped_lets_the_cell_finish(plain):
    _, kc = plain
    dap = DapClient(kc)
    dap.start()
    msg_id, _, _ = run_to_breakpoint(dap, CELL, 2)
    dap.ok("disconnect", {"restart": False, "terminateDebuggee": False})
    assert wait_reply(kc, msg_id, REPLY_TIMEOUT)["content"]["status"] == "ok"
    assert stream_text(dap.outputs_of(msg_id)) == "result 42\n"
    info = dap.ok("debugInfo")
    assert info["isStarted"] is False and info["stoppedThreads"] == [] and info["breakpoints"] == []
    # A new session starts in the same interpreter (the adapter is still there).
    dap.start()
    run_through_breakpoint(dap, CELL, 2)


def test_a_cell_queued_behind_another_stops_at_its_breakpoint(plain):
    """While a session is on, a queued cell is not started early: it is dumped and traced as it starts."""
    _, kc = plain
    dap = DapClient(kc)
    dap.start()
    path = dap.breakpoint_in(CELL, 2)
    first = kc.execute("import time; time.sleep(0.2)")
    queued = kc.execute(CELL)
    stopped = dap.wait_event("stopped")
    thread = stopped["body"]["threadId"]
    assert (dap.stack(thread)[0]["source"]["path"], dap.stack(thread)[0]["line"]) == (path, 2)
    assert wait_reply(kc, first, REPLY_TIMEOUT)["content"]["status"] == "ok"
    continue_to_the_end(dap, queued, thread)
    dap.ok("disconnect", {"restart": False, "terminateDebuggee": False})


def test_bad_debug_requests_get_replies_that_say_why(plain):
    _, kc = plain
    dap = DapClient(kc)
    refused = dap.request("stackTrace", {"threadId": 1})
    assert refused["success"] is False and "initialize" in refused["message"]
    dap.start()
    for command, arguments, words in [
        ("dumpCell", {}, "code"),
        ("copyToGlobals", {"srcVariableName": "os.system('x')", "dstVariableName": "y", "srcFrameId": 1}, "identifier"),
        ("copyToGlobals", {"srcVariableName": "x", "dstVariableName": "y", "srcFrameId": 1}, "stopped"),
        ("richInspectVariables", {"variableName": "never_defined"}, "never_defined"),
        ("noSuchCommand", {}, "not supported"),
    ]:
        response = dap.request(command, arguments)
        assert response["success"] is False and words in response["message"], response
    # Arguments of the wrong type reach no adapter: pydevd's reader thread ended on each of these, and
    # every later request, and a stopped cell, waited the 60 s of the kernel's bound.
    for command, arguments, words in [
        ("setBreakpoints", {"source": {"path": "/tmp/a\x00b.py"}, "breakpoints": [{"line": 3}]}, "source.path"),
        ("setBreakpoints", {"source": {"path": 42}, "breakpoints": [{"line": 3}]}, "source.path"),
        ("setBreakpoints", {"source": {"path": "/tmp/x.py"}, "breakpoints": "x"}, "breakpoints"),
        ("scopes", {"frameId": None}, "frameId"),
    ]:
        response = dap.request(command, arguments, timeout=10)
        assert response["success"] is False and words in response["message"], response
        assert dap.request("threads", timeout=10)["success"] is True
    # A content that is no DAP request at all still gets a debug_reply.
    from kernel_helpers import send_control
    reply = wait_reply(kc, send_control(kc, "debug_request", {"command": 5}), REPLY_TIMEOUT, channel="control")
    assert reply["msg_type"] == "debug_reply" and reply["content"]["success"] is False
    assert execute(kc, "print('alive')")[1] and kernel_info(kc)["debugger"] is True


def test_a_kernel_whose_python_has_no_debugpy_says_so(kernel_name):
    """pyswitch's default kernelspec runs pyenv's 3.11, which has no debugpy."""
    if os.environ.get("PYSWITCH_TEST_KERNEL"):
        pytest.skip("drives pyswitch's own kernelspec")
    from jupyter_client.kernelspec import KernelSpecManager
    spec = KernelSpecManager().get_kernel_spec(kernel_name)
    python = spec.metadata["pyswitch"]["python"]
    if _has_debugpy(python):
        pytest.skip(f"{python} has debugpy")
    assert spec.metadata["debugger"] is False
    with running_kernel(kernel_name) as (_, kc):
        info = kernel_info(kc)
        assert info["debugger"] is False and "debugger" not in info.get("supported_features", [])
        dap = DapClient(kc)
        assert dap.ok("debugInfo")["isStarted"] is False
        refused = dap.request("initialize", {"clientID": "jupyterlab", "adapterID": "python"})
        assert refused["success"] is False and "debugpy" in refused["message"] and python in refused["message"], refused
        assert dap.request("attach", {})["success"] is False


@pytest.fixture(scope="module")
def debian_venvs():
    """Two venvs of Debian's Python: with the system site-packages (debugpy) and without."""
    with tempfile.TemporaryDirectory(prefix="pyswitch-debug-envs-") as tmp:
        root = Path(tmp)
        for name, flags in (("with", ["--system-site-packages"]), ("without", [])):
            subprocess.run([DEBIAN_PYTHON, "-m", "venv", "--without-pip", *flags, str(root / name)],
                           check=True, timeout=60, capture_output=True)
        yield root / "with", root / "without"


def env_request(dap, comm_id, data, msg_type="comm_msg"):
    """A pyswitch.env request whose published messages go through the DapClient's log (so no
    debug_event is lost); returns the comm_msg data published."""
    content = {"comm_id": comm_id, "data": data}
    if msg_type == "comm_open":
        content["target_name"] = "pyswitch.env"
    msg = dap.kc.session.msg(msg_type, content)
    dap.kc.shell_channel.send(msg)
    outputs = dap.outputs_of(msg["header"]["msg_id"], timeout=SWITCH_TIMEOUT)
    return [m["content"]["data"] for m in outputs if m["msg_type"] == "comm_msg"]


def switch(dap, comm_id, target):
    published = env_request(dap, comm_id, {"request": "switch", "id": str(target), "target": str(target)})
    (reply,) = [d for d in published if d.get("reply") == "switch"]
    return reply


def test_a_switch_ends_the_session_and_the_new_environment_serves_the_next(plain, debian_venvs):
    with_debugpy, without = debian_venvs
    _, kc = plain
    dap = DapClient(kc)
    env_request(dap, "env", {}, msg_type="comm_open")
    dap.start()
    run_through_breakpoint(dap, CELL, 2)

    switched = switch(dap, "env", with_debugpy)
    assert switched["ok"] is True, switched
    assert dap.events("terminated")
    assert dap.ok("debugInfo")["isStarted"] is False
    dap.ok("disconnect", {"restart": False, "terminateDebuggee": False})  # JupyterLab's stop, after the fact
    assert kernel_info(kc)["debugger"] is True
    dap.start()  # the new interpreter's debugpy
    run_through_breakpoint(dap, CELL, 2)
    reply, outputs = execute(kc, "import sys; print(sys.prefix)")
    assert stream_text(outputs).strip() == str(with_debugpy)

    switched = switch(dap, "env", without)
    assert switched["ok"] is True, switched
    assert len(dap.events("terminated")) == 2
    assert kernel_info(kc)["debugger"] is False
    refused = dap.request("initialize", {"clientID": "jupyterlab", "adapterID": "python"})
    assert refused["success"] is False and "debugpy" in refused["message"], refused


def test_a_switch_is_refused_while_a_thread_is_stopped(plain, debian_venvs):
    with_debugpy, _ = debian_venvs
    _, kc = plain
    dap = DapClient(kc)
    env_request(dap, "env", {}, msg_type="comm_open")
    dap.start()
    # The thread waits until the cell's own thread has left Python: debugpy stops every thread at a
    # breakpoint, so a stop while the cell still ran would hold its reply until `continue`.
    code = ("import sys, threading, time\n"
            "cell_thread = threading.get_ident()\n"
            "def work():\n"
            "    while cell_thread in sys._current_frames():\n"
            "        time.sleep(0.01)\n"
            "    here = 1\n"
            "    return here\n"
            "threading.Thread(target=work, daemon=True).start()\n")
    path = dap.breakpoint_in(code, 6)
    reply, _ = execute(kc, code, timeout=REPLY_TIMEOUT)
    assert reply["content"]["status"] == "ok"
    stopped = dap.wait_event("stopped")
    assert dap.stack(stopped["body"]["threadId"])[0]["source"]["path"] == path
    refused = switch(dap, "env", with_debugpy)
    assert refused["ok"] is False and refused["error"]["code"] == "busy", refused
    assert "debugger is stopped" in refused["error"]["message"]
    assert dap.ok("debugInfo")["isStarted"] is True  # the session goes on
    dap.ok("continue", {"threadId": stopped["body"]["threadId"]})
    dap.wait_event("continued")
    switched = switch(dap, "env", with_debugpy)
    assert switched["ok"] is True, switched
    assert dap.events("terminated")


DEBIAN_SITE = Path("/usr/lib/python3/dist-packages")


@pytest.fixture(scope="module")
def debugpy_shim(tmp_path_factory):
    """A folder that lends Debian's debugpy to another Python through symlinks, with what its pydevd
    imports (`bytecode`, and on 3.8 and 3.9 `typing_extensions`): pyenv's Pythons have no debugpy of
    their own. pydevd's compiled speed-ups are for 3.11 only; elsewhere it runs in pure Python."""
    shim = tmp_path_factory.mktemp("debugpy-shim")
    for name in ("debugpy", "bytecode", "typing_extensions.py"):
        if (DEBIAN_SITE / name).exists():
            (shim / name).symlink_to(DEBIAN_SITE / name)
    return shim


@pytest.mark.parametrize("version", ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"])
def test_a_breakpoint_stops_a_cell_on_other_pythons(version, debugpy_shim, jupyter_env, tmp_path):
    """The debugger is the active environment's debugpy: a venv of pyenv's Python that can import one
    (a .pth file to the shim) gets the same session as Debian's Python."""
    python = pyenv_python(version)
    major_minor = version
    require(**{"pyenv " + version: python})
    venv = tmp_path / "venv"
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60, capture_output=True)
    (venv / "lib" / f"python{major_minor}" / "site-packages" / "debugpy-shim.pth").write_text(f"{debugpy_shim}\n")
    if not _has_debugpy(str(venv / "bin" / "python3")):
        pytest.skip(f"Debian's debugpy does not import on {version} (python3-typing-extensions missing?)")
    prefix = tmp_path / "prefix"
    name = f"pyswitch-debug-{major_minor}"
    try:
        install_pyswitch(prefix, name, python=venv / "bin" / "python3", plain=True)
    except KernelInstallError as e:
        if "no native addon" not in str(e):
            raise
        pytest.skip(f"no native addon for {major_minor} (npm run build:native -- --python {python})")
    jupyter_env.setenv("JUPYTER_PATH", jupyter_path_with(prefix, os.environ.get("JUPYTER_PATH")))
    with running_kernel(name) as (_, kc):
        info = kernel_info(kc)
        assert info["debugger"] is True and info["language_info"]["version"].startswith(version + ".")
        dap = DapClient(kc)
        dap.start()
        msg_id, thread, top = run_to_breakpoint(dap, CELL, 2)
        assert [f["name"] for f in dap.stack(thread)] == ["add", "<module>"]
        assert dap.variables_of(top["id"], "Locals") == {"a": "40", "b": "2"}
        continue_to_the_end(dap, msg_id, thread)
        assert stream_text(dap.outputs_of(msg_id)) == "result 42\n"
