"""Heartbeat, control, interrupt, shutdown, stop_on_error and output streaming over jupyter_client."""
import time

import pytest

from kernel_helpers import (
    execute,
    iopub_until_idle,
    send_control,
    stream_text,
    wait_busy,
    wait_reply,
    wait_stream,
)

RESPONSIVE_WITHIN = 1.0  # s, for heartbeat and control while a cell runs
EXIT_WITHIN = 5.0  # s, for the process to end after shutdown_request


def _heartbeat_seconds(km):
    sock = km.connect_hb()
    try:
        start = time.monotonic()
        sock.send(b"ping")
        assert sock.poll(RESPONSIVE_WITHIN * 1000), f"no heartbeat echo within {RESPONSIVE_WITHIN} s"
        assert sock.recv() == b"ping"
        return time.monotonic() - start
    finally:
        sock.close(linger=0)


def _control_kernel_info_seconds(kc):
    start = time.monotonic()
    reply = wait_reply(kc, send_control(kc, "kernel_info_request"), RESPONSIVE_WITHIN, "control")
    assert reply["msg_type"] == "kernel_info_reply"
    assert reply["content"]["language_info"]["name"] == "python"
    return time.monotonic() - start


def _result_text(outputs):
    results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
    assert len(results) == 1, outputs
    return results[0]


def test_heartbeat_and_control_answer_while_a_cell_runs(kernel):
    km, kc = kernel
    started = time.monotonic()
    msg_id = kc.execute("import time; time.sleep(5)")
    wait_busy(kc, msg_id)
    for _ in range(3):
        assert _heartbeat_seconds(km) < RESPONSIVE_WITHIN
        assert _control_kernel_info_seconds(kc) < RESPONSIVE_WITHIN
        time.sleep(0.3)
    assert time.monotonic() - started < 5, "the probes ran after the cell had finished"
    assert wait_reply(kc, msg_id, timeout=15)["content"]["status"] == "ok"


@pytest.mark.parametrize("code", ["while True: pass", "time.sleep(100)"])
def test_interrupt_request_stops_the_cell_and_keeps_state(kernel, code):
    _, kc = kernel
    assert execute(kc, "import time; x = 42")[0]["content"]["status"] == "ok"
    msg_id = kc.execute("print('started', flush=True)\n" + code)
    wait_stream(kc, msg_id, "started\n")  # the cell is running

    interrupt = wait_reply(kc, send_control(kc, "interrupt_request"), channel="control")
    assert interrupt["msg_type"] == "interrupt_reply"
    reply = wait_reply(kc, msg_id, timeout=5)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    errors = [m for m in iopub_until_idle(kc, msg_id) if m["msg_type"] == "error"]
    assert [m["content"]["ename"] for m in errors] == ["KeyboardInterrupt"]

    reply, outputs = execute(kc, "x")
    assert reply["content"]["status"] == "ok"
    assert _result_text(outputs) == "42"


def _shutdown(kc, restart):
    reply = wait_reply(kc, send_control(kc, "shutdown_request", {"restart": restart}), channel="control")
    assert reply["msg_type"] == "shutdown_reply"
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["restart"] is restart


def test_shutdown_request_ends_the_process(kernel):
    km, kc = kernel
    _shutdown(kc, restart=False)
    deadline = time.monotonic() + EXIT_WITHIN
    while km.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not km.is_alive(), f"kernel process still alive {EXIT_WITHIN} s after shutdown_request"


def test_shutdown_request_with_restart_says_so(kernel):
    _, kc = kernel
    _shutdown(kc, restart=True)


def test_stop_on_error_aborts_the_queued_executes(kernel):
    _, kc = kernel
    ids = [kc.execute(code) for code in ("raise ValueError('boom')", "print('second')", "print('third')")]
    first = wait_reply(kc, ids[0])
    assert first["content"]["status"] == "error"
    assert first["content"]["ename"] == "ValueError"
    for msg_id in ids[1:]:
        reply = wait_reply(kc, msg_id)
        assert reply["content"]["status"] == "aborted"
        assert iopub_until_idle(kc, msg_id) == []
    reply, outputs = execute(kc, "print('after')")
    assert reply["content"]["status"] == "ok", "the kernel kept aborting after the queue was drained"
    assert stream_text(outputs) == "after\n"


def test_200k_printed_lines_arrive_complete_in_order_and_batched(kernel):
    _, kc = kernel
    lines = 200_000
    reply, outputs = execute(kc, f"for i in range({lines}): print(i)", timeout=60)
    assert reply["content"]["status"] == "ok"
    assert {m["msg_type"] for m in outputs} == {"stream"}
    assert stream_text(outputs) == "".join(f"{i}\n" for i in range(lines))
    assert len(outputs) <= lines // 100, f"{len(outputs)} stream messages for {lines} lines"


def _kinds(outputs):
    """Message types in order, with consecutive stream messages of one stream merged."""
    kinds = []
    for msg in outputs:
        kind = msg["msg_type"]
        if kind == "stream":
            kind = f"stream:{msg['content']['name']}"
        if not (kind.startswith("stream:") and kinds and kinds[-1] == kind):
            kinds.append(kind)
    return kinds


def test_outputs_keep_their_order(kernel):
    _, kc = kernel
    code = "print('first')\ndisplay(6*7)\nprint('second')\nraise ValueError('last')"
    reply, outputs = execute(kc, code)
    assert reply["content"]["status"] == "error"
    assert _kinds(outputs) == ["stream:stdout", "display_data", "stream:stdout", "error"]
    streams = [m["content"]["text"] for m in outputs if m["msg_type"] == "stream"]
    assert "".join(streams) == "first\nsecond\n"
    display = next(m for m in outputs if m["msg_type"] == "display_data")
    assert display["content"]["data"]["text/plain"] == "42"
