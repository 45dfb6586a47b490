"""docs/performance.md, "IPython mode's execute": what one execute of `1` costs each thread of a kernel.

    JUPYTER_PATH=... /usr/bin/python3 docs/measure/execute_threads.py KERNELSPEC [N]

Starts the kernelspec with jupyter_client, warms it up with 300 executes, then runs N sequential
executes (send → idle, as the bench's p50) and N pipelined ones, and prints as JSON the p50, the
pipelined rate and, for the three busiest threads, the CPU time and the voluntary and involuntary
context switches per execute, read from /proc. CPU time and switch counts blur less under load
than wall-clock times: alternate the kernels to compare.
"""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from bench_client import Client, is_state  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402


def thread_stats(pid):
    """{tid: (name, cpu seconds, voluntary switches, involuntary switches)}"""
    ticks = os.sysconf("SC_CLK_TCK")
    stats = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
            status = Path(f"/proc/{pid}/task/{tid}/status").read_text()
        except FileNotFoundError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        switches = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines()
                    if line.endswith(tuple("0123456789")) and "ctxt_switches" in line}
        stats[int(tid)] = (name, (int(fields[11]) + int(fields[12])) / ticks,
                           switches["voluntary_ctxt_switches"], switches["nonvoluntary_ctxt_switches"])
    return stats


def per_execute(before, after, count):
    first = min(after)
    rows = []
    for tid, (name, cpu, voluntary, involuntary) in after.items():
        _, cpu0, voluntary0, involuntary0 = before.get(tid, (name, 0, 0, 0))
        rows.append(((cpu - cpu0) / count, f"{name}/{tid - first}", (voluntary - voluntary0) / count,
                     (involuntary - involuntary0) / count))
    rows.sort(reverse=True)
    return [{"thread": thread, "cpu_us": round(cpu * 1e6), "voluntary": round(voluntary, 2),
             "involuntary": round(involuntary, 2)} for cpu, thread, voluntary, involuntary in rows[:3]]


def main():
    name = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    manager = KernelManager(kernel_name=name)
    manager.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = Client(manager.get_connection_info())
    try:
        while True:
            client.send(client.shell, "kernel_info_request")
            if client.recv(client.shell, 0.2):
                break
        time.sleep(0.3)
        client.drain()
        for _ in range(300):
            client.reply(client.shell, client.execute("1"), 30)
        pid = manager.provisioner.process.pid
        before = thread_stats(pid)
        seconds = []
        for _ in range(count):
            started = time.perf_counter()
            msg_id = client.execute("1")
            client.iopub_until(msg_id, 10, is_state("idle"))
            seconds.append(time.perf_counter() - started)
            client.reply(client.shell, msg_id, 10)
        middle = thread_stats(pid)
        started = time.perf_counter()
        for msg_id in [client.execute("1") for _ in range(count)]:
            client.reply(client.shell, msg_id, 60)
        rate = count / (time.perf_counter() - started)
        after = thread_stats(pid)
        print(json.dumps({"kernel": name, "p50_ms": round(statistics.median(seconds) * 1000, 3),
                          "pipelined_per_s": round(rate), "sequential": per_execute(before, middle, count),
                          "pipelined": per_execute(middle, after, count)}))
    finally:
        client.close()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
