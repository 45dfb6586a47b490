"""docs/performance.md, "The interrupt's path, timed": where an interrupt's milliseconds go.

    JUPYTER_PATH=... /usr/bin/python3 docs/measure/interrupt_timeline.py KERNELSPEC [N]

Interrupts `time.sleep(100)` N times (default 9) and prints, as JSON, the medians in ms from the
client's interrupt_request to: the Python-level SIGINT handler running in the kernel, IPython's
showtraceback starting and ending (IPython mode), the client receiving the error message, and
the client receiving the execute_reply. The kernel's times are time.perf_counter(), which is
CLOCK_MONOTONIC as the client's is, so they compare across the two processes. Also prints the
control channel's kernel_info round trip, warm (back to back) and cold (after 150 ms with
nothing sent), while a cell sleeps.
"""
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from bench_client import Client, is_state  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402

# Run in the kernel: a SIGINT handler that notes when it runs (then raises as Python's own does),
# and in IPython mode the start and end of showtraceback.
PROBES = """
import signal as _signal, time as _time
_timeline = {}
def _noting_sigint(signum, frame):
    _timeline["sigint_handler"] = _time.perf_counter()
    raise KeyboardInterrupt
_signal.signal(_signal.SIGINT, _noting_sigint)
try:
    _shell = get_ipython()
except NameError:
    _shell = None
if _shell is not None:
    _showtraceback = _shell.showtraceback
    def _noting_showtraceback(*args, **kwargs):
        _timeline["showtraceback_start"] = _time.perf_counter()
        try:
            return _showtraceback(*args, **kwargs)
        finally:
            _timeline["showtraceback_end"] = _time.perf_counter()
    _shell.showtraceback = _noting_showtraceback
"""


def read_timeline(client):
    """The kernel's _timeline as JSON. ipykernel aborts an execute that arrives just after an error
    reply: such a probe is sent again."""
    while True:
        client.drain()
        msg_id = client.execute("import json as _json; print(_json.dumps(_timeline))")
        if client.reply(client.shell, msg_id, 10)["content"]["status"] == "aborted":
            continue
        message = client.iopub_until(msg_id, 10, lambda message: message["msg_type"] == "stream")
        return client.session.unpack(message["content"])["text"]


def interrupt_once(client):
    client.drain()
    msg_id = client.execute("import time; time.sleep(100)")
    client.iopub_until(msg_id, 10, is_state("busy"))
    time.sleep(0.1)  # let the cell reach the sleep
    sent = time.perf_counter()
    client.send(client.control, "interrupt_request")
    client.iopub_until(msg_id, 10, lambda message: message["msg_type"] == "error")
    error = time.perf_counter()
    client.reply(client.shell, msg_id, 10)
    reply = time.perf_counter()
    row = {name: (at - sent) * 1000 for name, at in json.loads(read_timeline(client)).items()}
    row.update(error_received=(error - sent) * 1000, reply_received=(reply - sent) * 1000)
    return row


def control_round_trips(client, count):
    msg_id = client.execute("import time; time.sleep(100)")
    client.iopub_until(msg_id, 10, is_state("busy"))
    cold, warm = [], []
    for _ in range(count):
        time.sleep(0.15)
        for times in (cold, warm):
            started = time.perf_counter()
            client.reply(client.control, client.send(client.control, "kernel_info_request"), 10)
            times.append((time.perf_counter() - started) * 1000)
    client.send(client.control, "interrupt_request")
    client.reply(client.shell, msg_id, 10)
    return {"control_kernel_info_cold": statistics.median(cold), "control_kernel_info_warm": statistics.median(warm)}


def main():
    name = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    manager = KernelManager(kernel_name=name)
    manager.start_kernel()
    client = Client(manager.get_connection_info())
    try:
        client.reply(client.shell, client.send(client.shell, "kernel_info_request"), 30)
        client.reply(client.shell, client.execute("raise ValueError('warm-up')"), 30)
        client.reply(client.shell, client.execute(PROBES), 30)
        rows = [interrupt_once(client) for _ in range(count)]
        medians = {key: round(statistics.median(row[key] for row in rows), 2) for key in rows[0]}
        medians.update({key: round(value, 2) for key, value in control_round_trips(client, count).items()})
        print(json.dumps({"kernel": name, **medians}))
    finally:
        client.close()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
