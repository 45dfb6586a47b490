"""Debian's `jupyter console` driven through a pseudo-terminal, as a person would use it."""
import os
import re

import pexpect
import psutil
import pytest

from kernel_helpers import STARTUP_TIMEOUT

STEP_TIMEOUT = 15  # s for one cell's output to show
EXIT_WITHIN = 10  # s for the console and its kernel to end after Ctrl-D
PROMPT = re.compile(r"In \[\d+\]: ")


@pytest.fixture
def console(kernel_name):
    """(pexpect child, kernel processes): `jupyter console` on the kernel under test, simple prompt."""
    args = ["--kernel", kernel_name, "--simple-prompt", "--no-confirm-exit",
            f"--ZMQTerminalInteractiveShell.kernel_timeout={STARTUP_TIMEOUT}"]
    child = pexpect.spawn(
        "/usr/bin/jupyter-console",
        args,
        env=dict(os.environ, TERM="dumb"),
        encoding="utf-8",
        timeout=STEP_TIMEOUT,
        dimensions=(40, 200),
    )
    kernel_processes = []
    try:
        child.expect(PROMPT, timeout=STARTUP_TIMEOUT)
        kernel_processes = psutil.Process(child.pid).children(recursive=True)
        yield child, kernel_processes
    finally:
        child.close(force=True)
        for process in kernel_processes:  # the kernel runs in its own session: Ctrl-C and close miss it
            if process.is_running():
                process.kill()


def run(console, line, *expected):
    """Type a line; wait for each expected pattern in turn and then the next prompt."""
    console.sendline(line)
    for pattern in expected:
        console.expect(pattern)
    console.expect(PROMPT)


def test_console_session(console):
    child, kernel_processes = console
    assert kernel_processes, "jupyter console started no kernel process"
    run(child, "print('hel' + 'lo')", r"\r\nhello\r\n")
    run(child, "40 + 2", r"Out\[\d+\]: 42\r\n")
    run(child, "1/0", "ZeroDivisionError")

    child.sendline("import time; print('sle' + 'eping'); time.sleep(100)")
    child.expect("sleeping")  # the cell runs: the console now turns Ctrl-C into a kernel interrupt
    child.sendintr()
    child.expect("KeyboardInterrupt")
    child.expect(PROMPT)
    run(child, "print(111 * 3)", r"\r\n333\r\n")

    child.sendeof()
    child.expect(pexpect.EOF, timeout=EXIT_WITHIN)
    child.close()
    assert child.exitstatus == 0, child.before
    _, alive = psutil.wait_procs(kernel_processes, timeout=EXIT_WITHIN)
    assert not alive, f"kernel processes still running after the console exited: {alive}"
