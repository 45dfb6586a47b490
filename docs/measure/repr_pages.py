"""docs/performance.md, "The 10 M-character repr: fresh pages": each big repr's time, and the memory
the kernel keeps after it.

    JUPYTER_PATH=... /usr/bin/python3 docs/measure/repr_pages.py KERNELSPEC [N] [SETUP]

Starts the kernelspec as the bench does (jupyter_client's KernelManager), runs SETUP (default `1`; e.g.
`get_ipython().displayhook.do_full_cache = False`), then N cells of `'x' * 10000000` (send →
execute_result, as the bench's row). After each it asks the kernel's process for glibc's
`mallinfo2()` (all arenas: bytes in use, and in mmapped chunks) and prints one JSON line per cell.
Run kernels alternated: one repr's time moves 2x from run to run on this VM.
"""
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from bench_client import is_state, is_type  # noqa: E402
from bench_kernel import BenchKernel  # noqa: E402

# Runs inside the kernel; 3.7 syntax, names underscored so that they stay out of the user's way.
MALLINFO = r'''
import ctypes as _ctypes, json as _json
class _Mallinfo2(_ctypes.Structure):
    _fields_ = [(_n, _ctypes.c_size_t) for _n in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
_mallinfo2 = _ctypes.CDLL(None).mallinfo2
_mallinfo2.restype = _Mallinfo2
_m = _mallinfo2()
print(_json.dumps({"in_use_mb": round(_m.uordblks / 1e6, 1), "mmapped_mb": round(_m.hblkhd / 1e6, 1)}))
'''


def stdout_of(client, code):
    msg_id = client.execute(code)
    text = []
    while True:
        msg = client.recv(client.iopub, 30)
        if msg is None or msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            text.append(msg["content"]["text"])
        if is_state("idle")(msg):
            client.reply(client.shell, msg_id, 30)
            return "".join(text)


def main():
    name = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    setup = sys.argv[3] if len(sys.argv) > 3 else "1"
    with BenchKernel(name, subprocess.DEVNULL) as kernel:
        client = kernel.client
        client.drain()
        stdout_of(client, setup)
        for cell in range(count):
            started = time.perf_counter()
            msg_id = client.execute("'x' * 10000000")
            client.iopub_until(msg_id, 60, is_type("execute_result"))
            elapsed = time.perf_counter() - started
            client.drain()
            memory = json.loads(stdout_of(client, MALLINFO))
            print(json.dumps(dict(kernel=name, cell=cell, ms=round(elapsed * 1000, 1), **memory)))


if __name__ == "__main__":
    main()
