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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from bench_client import is_type  # noqa: E402
from bench_kernel import BenchKernel  # noqa: E402
from bench_metrics import _ok, _run, _timed_execute  # noqa: E402

REPLY_TIMEOUT = 60  # s

# Runs inside the kernel; 3.7 syntax, names underscored so that they stay out of the user's way. One
# write, so that the line comes as one stream message.
MALLINFO = r'''
import ctypes as _ctypes, json as _json, sys as _sys
class _Mallinfo2(_ctypes.Structure):
    _fields_ = [(_n, _ctypes.c_size_t) for _n in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
_mallinfo2 = _ctypes.CDLL(None).mallinfo2
_mallinfo2.restype = _Mallinfo2
_m = _mallinfo2()
_figures = {"in_use_mb": round(_m.uordblks / 1e6, 1), "mmapped_mb": round(_m.hblkhd / 1e6, 1)}
_sys.stdout.write(_json.dumps(_figures) + "\n")
'''


def malloc_figures(kernel):
    client = kernel.client
    msg_id = client.execute(MALLINFO)
    stream = client.iopub_until(msg_id, REPLY_TIMEOUT, is_type("stream"))
    _ok(client.reply(client.shell, msg_id, REPLY_TIMEOUT))
    return json.loads(client.session.unpack(stream["content"])["text"])


def main():
    name = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    setup = sys.argv[3] if len(sys.argv) > 3 else "1"
    with BenchKernel(name, subprocess.DEVNULL) as kernel:
        kernel.client.drain()
        _run(kernel, setup)
        for cell in range(count):
            seconds = _timed_execute(kernel, "'x' * 10000000", is_type("execute_result"), REPLY_TIMEOUT)
            kernel.client.drain()
            print(json.dumps(dict(kernel=name, cell=cell, ms=round(seconds * 1000, 1), **malloc_figures(kernel))))


if __name__ == "__main__":
    main()
