"""One benchmarked kernel: launched by jupyter_client's KernelManager, driven by bench_client."""
import time

import psutil
from jupyter_client.manager import KernelManager

from bench_client import Client, Deadline

START_TIMEOUT = 60  # s, launch or restart until the first kernel_info_reply
RESEND_EVERY = 0.1  # s; a request sent while a restarted kernel's old sockets close may be lost


def _anonymous_bytes(proc):
    with open(f"/proc/{proc.pid}/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Anonymous:"):
                return int(line.split()[1]) * 1024
    return 0


class KernelExited(Exception):
    pass


class BenchKernel:
    """Context manager: a started kernel (start_ms measured) that is always killed on exit."""

    def __init__(self, kernel_name, log_file):
        self.km = KernelManager(kernel_name=kernel_name)
        self.log_file = log_file
        self.client = None
        self.start_ms = None

    def __enter__(self):
        try:
            started = time.perf_counter()
            self.km.start_kernel(stdout=self.log_file, stderr=self.log_file)
            self.client = Client(self.km.get_connection_info())
            self.start_ms = self._first_kernel_info_reply(started)
            self._wait_iopub_connected()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self.client is not None:
            self.client.close()
        self.km.shutdown_kernel(now=True)

    def alive(self):
        return self.km.is_alive()

    def restart_ms(self):
        """km.restart_kernel(now=True), then milliseconds until the first kernel_info_reply."""
        started = time.perf_counter()
        self.km.restart_kernel(now=True)
        return self._first_kernel_info_reply(started)

    def rss_mib(self):
        """Resident memory of the kernel process and all its children."""
        return self._summed(lambda proc: proc.memory_info().rss) / 2**20

    def anonymous_mib(self):
        """Anonymous memory of the kernel process and its children (smaps_rollup): what the process
        alone owns. RSS also counts clean pages of the files it maps, which the page cache shares with
        every process mapping them and can reclaim (docs/runtime-facts.md, fact 12)."""
        return self._summed(_anonymous_bytes) / 2**20

    def cpu_ms(self):
        """CPU time (user and system) the kernel process and its children have used so far: unlike
        wall-clock times it hardly depends on the machine's load."""
        return self._summed(lambda proc: sum(proc.cpu_times()[:2])) * 1000

    def _summed(self, measure):
        kernel = psutil.Process(self.km.provisioner.process.pid)
        total = 0
        for proc in [kernel] + kernel.children(recursive=True):
            try:
                total += measure(proc)
            except psutil.NoSuchProcess:
                pass
        return total

    def _first_kernel_info_reply(self, since):
        """Milliseconds from `since` to the first kernel_info_reply, re-sending the request."""
        client = self.client
        deadline = Deadline(START_TIMEOUT, "kernel_info_reply")
        sent = set()
        while True:
            if not self.km.is_alive():
                raise KernelExited("the kernel exited before its first kernel_info_reply")
            sent.add(client.send(client.shell, "kernel_info_request"))
            msg = client.recv(client.shell, min(RESEND_EVERY, deadline.left()))
            if msg is not None and msg["parent_header"].get("msg_id") in sent:
                return (time.perf_counter() - since) * 1000

    def _wait_iopub_connected(self):
        """Until an iopub message shows the subscription is live (a SUB misses what comes before)."""
        client = self.client
        deadline = Deadline(START_TIMEOUT, "iopub message")
        while not client.iopub.poll(200):
            client.reply(client.shell, client.send(client.shell, "kernel_info_request"), deadline.left())
        client.drain()
