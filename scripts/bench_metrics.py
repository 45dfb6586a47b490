"""The benchmark's measurements, in the order they run on one freshly started kernel.

A step is a function BenchKernel -> {row key: value}, registered with @step(rows it fills). To add a
metric (e.g. the env-switch round trip), write one decorated function; bench.py picks it up.
A step that raises leaves its rows n/a for that run.
"""
import ast
import os
import shutil
import statistics
import time
import uuid
from dataclasses import dataclass

from bench_client import Deadline, is_state, is_type

REPLY_TIMEOUT = 10  # s
HEAVY_TIMEOUT = 60  # s, for the 200k lines and the 10 M-char repr
SERVICE_TIMEOUT = 2  # s, complete / inspect: slower counts as unanswered
EXECUTES = 200
PIPELINED = 1000
# Growth is measured twice, in batches of GROWTH_BATCH: over the first GROWTH_WARMUP executes, which
# include one-off costs (the heaps and allocator arenas growing to their working size), then over the
# next GROWTH_EXECUTES, which is what a long session keeps per cell (docs/performance.md, "Growth:
# warm-up and rate").
GROWTH_WARMUP = 5000
GROWTH_EXECUTES = 10_000
GROWTH_BATCH = 100
# The growth row measures memory the way a user's idle kernel has it: after a second with no request,
# longer than pyswitch's wait before its full GC (kernel/server/idle-gc.ts). The wait is the metric's
# definition, not a stand-in for an event.
QUIET_S = 1.0
LINES = 200_000
LINES_BYTES = sum(len(f"{i}\n") for i in range(LINES))
REPR_CHARS = 10_000_000
REPRS = 3
SERVICE_REQUESTS = 10
INTERRUPTS = 5  # a single interrupt is one sample of a noisy path: the median of a few per kernel
SWITCHES = 6


class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str  # "ms", "/s", "MB/s" or "MiB"


STEPS = []  # (function, rows), in run order


def step(*rows):
    def register(function):
        STEPS.append((function, rows))
        return function

    return register


def _ok(reply):
    content = reply["content"]
    if content["status"] != "ok":
        raise BenchError(f"{reply['msg_type']} status {content['status']}: {content.get('ename', '')}")
    return reply


def _timed_execute(kernel, code, until, timeout=REPLY_TIMEOUT):
    """Seconds from sending code to its first iopub message matching until; the reply must be ok."""
    client = kernel.client
    started = time.perf_counter()
    msg_id = client.execute(code)
    client.iopub_until(msg_id, timeout, until)
    elapsed = time.perf_counter() - started
    _ok(client.reply(client.shell, msg_id, timeout))
    return elapsed


def _run(kernel, code):
    client = kernel.client
    _ok(client.reply(client.shell, client.execute(code), REPLY_TIMEOUT))


@step(Row("start_ms", "start → first kernel_info_reply", "ms"), Row("rss_ready_mib", "RSS at ready", "MiB"),
      Row("cpu_ready_ms", "CPU time used until ready", "ms"))
def start(kernel):
    return {"start_ms": kernel.start_ms, "rss_ready_mib": kernel.rss_mib(), "cpu_ready_ms": kernel.cpu_ms()}


@step(Row("rss_first_cell_mib", "RSS after the first cell, idle", "MiB"),
      Row("anon_first_cell_mib", "anonymous memory after the first cell, idle", "MiB"),
      Row("cpu_first_cell_ms", "CPU time used until the first cell is idle", "ms"))
def first_cell(kernel):
    """What a started kernel costs once it has run a cell: counts load hardly blurs."""
    _timed_execute(kernel, "1", is_state("idle"))
    return {"rss_first_cell_mib": kernel.rss_mib(), "anon_first_cell_mib": kernel.anonymous_mib(),
            "cpu_first_cell_ms": kernel.cpu_ms()}


@step(
    Row("execute_p50_ms", f"execute `1` send → idle, p50 of {EXECUTES}", "ms"),
    Row("execute_p95_ms", f"execute `1` send → idle, p95 of {EXECUTES}", "ms"),
)
def execute_latency(kernel):
    seconds = [_timed_execute(kernel, "1", is_state("idle")) for _ in range(EXECUTES)]
    return {
        "execute_p50_ms": statistics.median(seconds) * 1000,
        "execute_p95_ms": statistics.quantiles(seconds, n=20)[-1] * 1000,
    }


@step(
    Row("pipelined_per_s", f"{PIPELINED} pipelined executes", "/s"),
    Row("rss_after_mib", f"RSS after {PIPELINED} pipelined executes", "MiB"),
    Row("anon_after_mib", f"anonymous memory after {PIPELINED} pipelined executes", "MiB"),
)
def pipelined(kernel):
    client = kernel.client
    started = time.perf_counter()
    ids = [client.execute("1") for _ in range(PIPELINED)]
    for msg_id in ids:
        _ok(client.reply(client.shell, msg_id, HEAVY_TIMEOUT))
    elapsed = time.perf_counter() - started
    return {"pipelined_per_s": PIPELINED / elapsed, "rss_after_mib": kernel.rss_mib(), "anon_after_mib": kernel.anonymous_mib()}


def _quiet_rss_growth_mib(kernel, executes):
    """RSS after `executes` executes of `1` minus RSS before, each read after QUIET_S without a request."""
    client = kernel.client
    time.sleep(QUIET_S)
    before = kernel.rss_mib()
    for _ in range(executes // GROWTH_BATCH):
        ids = [client.execute("1") for _ in range(GROWTH_BATCH)]
        for msg_id in ids:
            _ok(client.reply(client.shell, msg_id, HEAVY_TIMEOUT))
    time.sleep(QUIET_S)
    return kernel.rss_mib() - before


@step(
    Row("growth_warmup_mib", f"RSS growth over the first {GROWTH_WARMUP // 1000}k executes, quiet", "MiB"),
    Row("growth_10k_mib", "RSS growth per 10k executes after those, quiet", "MiB"),
)
def growth(kernel):
    warmup = _quiet_rss_growth_mib(kernel, GROWTH_WARMUP)
    rate = _quiet_rss_growth_mib(kernel, GROWTH_EXECUTES) * 10_000 / GROWTH_EXECUTES
    return {"growth_warmup_mib": warmup, "growth_10k_mib": rate}


@step(
    Row("lines_ms", "200k printed lines, send → idle", "ms"),
    Row("lines_mb_s", "200k printed lines", "MB/s"),
)
def printed_lines(kernel):
    seconds = _timed_execute(kernel, f"for i in range({LINES}): print(i)", is_state("idle"), HEAVY_TIMEOUT)
    return {"lines_ms": seconds * 1000, "lines_mb_s": LINES_BYTES / seconds / 1e6}


# One repr's time moved 2x between runs (fresh pages zeroed by the VM, the heap's state after the steps
# before): the median of a few, on each kernel.
@step(Row("repr_ms", f"10 M-char repr, send → execute_result, median of {REPRS}", "ms"))
def big_repr(kernel):
    seconds = []
    for _ in range(REPRS):
        seconds.append(_timed_execute(kernel, f"'x' * {REPR_CHARS}", is_type("execute_result"), HEAVY_TIMEOUT))
        kernel.client.drain()
    return {"repr_ms": statistics.median(seconds) * 1000}


def _service_ms(kernel, msg_type, code):
    """Median milliseconds of msg_type requests about code (cursor at its end)."""
    client = kernel.client
    content = {"code": code, "cursor_pos": len(code)}
    if msg_type == "inspect_request":
        content["detail_level"] = 0
    _run(kernel, "import os")
    seconds = []
    for _ in range(SERVICE_REQUESTS):
        started = time.perf_counter()
        _ok(client.reply(client.shell, client.send(client.shell, msg_type, content), SERVICE_TIMEOUT))
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000


@step(Row("complete_ms", "complete `os.pa`", "ms"))
def complete(kernel):
    return {"complete_ms": _service_ms(kernel, "complete_request", "os.pa")}


@step(Row("inspect_ms", "inspect `os.path.join`", "ms"))
def inspect(kernel):
    return {"inspect_ms": _service_ms(kernel, "inspect_request", "os.path.join")}


@step(Row("interrupt_ms", f"interrupt `time.sleep(100)` → error reply, median of {INTERRUPTS}", "ms"))
def interrupt(kernel):
    client = kernel.client
    # A kernel's first traceback can pay one-off imports (IPython: ~90 ms); time the interrupts alone.
    client.reply(client.shell, client.execute("raise ValueError('warm-up')"), REPLY_TIMEOUT)
    seconds = []
    for _ in range(INTERRUPTS):
        time.sleep(0.05)  # ipykernel also aborts an execute that arrives just after the error reply
        msg_id = client.execute("import time; time.sleep(100)")
        client.iopub_until(msg_id, REPLY_TIMEOUT, is_state("busy"))
        time.sleep(0.1)  # let the cell reach the sleep
        started = time.perf_counter()
        client.send(client.control, "interrupt_request")
        reply = client.reply(client.shell, msg_id, REPLY_TIMEOUT)
        seconds.append(time.perf_counter() - started)
        if reply["content"].get("ename") != "KeyboardInterrupt":
            raise BenchError(f"interrupted cell answered {reply['content']}")
        client.drain()
    return {"interrupt_ms": statistics.median(seconds) * 1000}


def _debug(kernel, command, arguments=None):
    client = kernel.client
    content = {"type": "request", "seq": 0, "command": command, "arguments": arguments or {}}
    reply = client.reply(client.control, client.send(client.control, "debug_request", content), HEAVY_TIMEOUT)
    if not reply["content"].get("success"):
        raise BenchError(f"debug_request {command} failed: {reply['content'].get('message')}")


def _execute_p50_ms(kernel):
    return statistics.median(_timed_execute(kernel, "1", is_state("idle")) for _ in range(EXECUTES)) * 1000


@step(
    Row("debug_attached_p50_ms", f"execute `1` send → idle, p50 of {EXECUTES}, debugger attached (no breakpoint)", "ms"),
    Row("debug_detached_p50_ms", f"execute `1` send → idle, p50 of {EXECUTES}, after the debugger disconnected", "ms"),
)
def debugger_cost(kernel):
    """What a debug session costs a cell, and that it stops costing once the frontend disconnects
    (JupyterLab's start: initialize, attach; its stop: disconnect). The rows above are the debugger off."""
    client = kernel.client
    info = _ok(client.reply(client.shell, client.send(client.shell, "kernel_info_request"), REPLY_TIMEOUT))
    if not info["content"].get("debugger"):
        return {}  # its Python cannot import debugpy: n/a
    _debug(kernel, "initialize", {"clientID": "bench", "adapterID": "python", "pathFormat": "path",
                                  "linesStartAt1": True, "columnsStartAt1": True})
    _debug(kernel, "attach")
    _debug(kernel, "configurationDone")
    attached = _execute_p50_ms(kernel)
    _debug(kernel, "disconnect", {"restart": False, "terminateDebuggee": False})
    client.drain()
    return {"debug_attached_p50_ms": attached, "debug_detached_p50_ms": _execute_p50_ms(kernel)}


def _comm_reply(kernel, msg_id, timeout):
    """The data of the reply the kernel published as a comm_msg in answer to msg_id (events such as
    env_changed share its parent and are skipped)."""
    client = kernel.client
    deadline = Deadline(timeout, f"comm reply to {msg_id}")
    while True:
        msg = client.iopub_until(msg_id, deadline.left(), is_type("comm_msg"))
        data = client.session.unpack(msg["content"])["data"]
        if "reply" in data:
            return data


def _make_venvs(kernel):
    """Two venvs of the kernel's own interpreter, made by the kernel in a temp dir (no pip: offline)."""
    code = ("import os, sys, tempfile, venv; _d = tempfile.mkdtemp(prefix='pyswitch-bench-')\n"
            "for _n in 'ab': venv.create(os.path.join(_d, _n), with_pip=False)")
    client = kernel.client
    msg_id = client.send(client.shell, "execute_request", dict(
        code=code, silent=False, store_history=False, allow_stdin=False, stop_on_error=True,
        user_expressions={"root": "_d"}))
    reply = _ok(client.reply(client.shell, msg_id, HEAVY_TIMEOUT))
    root = ast.literal_eval(reply["content"]["user_expressions"]["root"]["data"]["text/plain"])
    return [os.path.join(root, "a"), os.path.join(root, "b")]


def _switch_median_ms(kernel, strategy=None):
    """Median ms from sending a switch request to its reply, alternating between two fresh venvs.

    strategy None lets the kernel choose (in-process between two venvs of one installation)."""
    client = kernel.client
    venvs = _make_venvs(kernel)
    comm_id = uuid.uuid4().hex
    client.send(client.shell, "comm_open", {"comm_id": comm_id, "target_name": "pyswitch.env", "data": {}})
    seconds = []
    try:
        for i in range(SWITCHES):
            request = {"request": "switch", "id": str(i), "target": venvs[i % 2]}
            if strategy:
                request["strategy"] = strategy
            started = time.perf_counter()
            msg_id = client.send(client.shell, "comm_msg", {"comm_id": comm_id, "data": request})
            data = _comm_reply(kernel, msg_id, HEAVY_TIMEOUT)
            seconds.append(time.perf_counter() - started)
            if not data.get("ok"):
                raise BenchError(f"switch refused: {data.get('error')}")
            if strategy and data.get("strategy") != strategy:
                raise BenchError(f"asked for a {strategy} switch, got {data.get('strategy')}")
    finally:
        shutil.rmtree(os.path.dirname(venvs[0]), ignore_errors=True)
    return statistics.median(seconds) * 1000


def _is_pyswitch(kernel):
    client = kernel.client
    info = _ok(client.reply(client.shell, client.send(client.shell, "kernel_info_request"), REPLY_TIMEOUT))
    return info["content"]["implementation"] == "pyswitch"


@step(Row("change_env_ms", f"change environment: switch send → reply, median of {SWITCHES} (ipykernel: restart)", "ms"))
def change_environment(kernel):
    """pyswitch switches in-process between two venvs; an ipykernel user can only restart the kernel."""
    if not _is_pyswitch(kernel):
        return {"change_env_ms": kernel.restart_ms()}
    return {"change_env_ms": _switch_median_ms(kernel)}


# Issue 5's target: at most 0.3 of ipykernel's restart, the only way its users have to change environment.
@step(Row("change_env_reexec_ms", f"change environment by re-exec: switch send → reply, median of {SWITCHES} "
          "(ipykernel: restart)", "ms"))
def change_environment_by_reexec(kernel):
    """The same two venvs, the switch asked to re-exec (as numpy or another installation would force)."""
    if not _is_pyswitch(kernel):
        return {"change_env_reexec_ms": kernel.restart_ms()}
    return {"change_env_reexec_ms": _switch_median_ms(kernel, "re-exec")}


@step(Row("restart_ms", "restart → first kernel_info_reply", "ms"))
def restart(kernel):
    return {"restart_ms": kernel.restart_ms()}

