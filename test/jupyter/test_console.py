"""Debian's `jupyter console` driven through a pseudo-terminal, as a person would use it."""
import os
import re

import pexpect
import psutil
import pytest

from kernel_helpers import STARTUP_TIMEOUT
from switch_envs import DEBIAN311, make_venv, require

STEP_TIMEOUT = 15  # s for one cell's output to show
SWITCH_TIMEOUT = 60  # s for a switch cell: a probe of the target, then a re-exec of the kernel
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


def run(console, line, *expected, timeout=-1):
    """Type a line; wait for each expected pattern in turn and then the next prompt (timeout -1: the
    console's STEP_TIMEOUT). Returns the expected patterns' matches."""
    console.sendline(line)
    matches = []
    for pattern in expected:
        console.expect(pattern, timeout=timeout)
        matches.append(console.match)
    console.expect(PROMPT, timeout=timeout)
    return matches


def exit_with_ctrl_d(console, kernel_processes):
    """Ctrl-D ends the console cleanly, and its kernel with it."""
    console.sendeof()
    console.expect(pexpect.EOF, timeout=EXIT_WITHIN)
    console.close()
    assert console.exitstatus == 0, console.before
    _, alive = psutil.wait_procs(kernel_processes, timeout=EXIT_WITHIN)
    assert not alive, f"kernel processes still running after the console exited: {alive}"


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

    exit_with_ctrl_d(child, kernel_processes)


@pytest.fixture
def debian_venv(tmp_path, monkeypatch):
    """A venv of Debian's 3.11.2; asked for before `console`, so that the kernel keeps its cache of
    interpreter facts in tmp_path too, not in the home directory."""
    require(**{"the system's python3.11": DEBIAN311})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return make_venv(DEBIAN311, tmp_path / "debian")


@pytest.mark.skipif(bool(os.environ.get("PYSWITCH_TEST_KERNEL")), reason="pyswitch's own switching")
def test_console_session_goes_on_across_a_reexec_switch(debian_venv, console):
    """The kernel (pyenv's 3.11.7) can reach a Debian 3.11.2 venv only by re-exec; the console must not
    notice beyond the cell's report: same kernel process, every later cell answered."""
    child, kernel_processes = console
    [found] = run(child, "import os; print('pid', os.getpid())", r"pid (\d+)\r\n")
    pid = int(found.group(1))
    assert pid in [process.pid for process in kernel_processes]
    run(child, f"import pyswitch; pyswitch.switch({str(debian_venv)!r})",
        re.escape(f"pyswitch: switched to venv {debian_venv}"), timeout=SWITCH_TIMEOUT)
    run(child, "import sys; print(sys.version)", r"\r\n3\.11\.2 ")
    run(child, "import os, sys; print(os.getpid(), sys.prefix)", re.escape(f"{pid} {debian_venv}") + r"\r\n")
    run(child, "print(6 * 7)", r"\r\n42\r\n")

    exit_with_ctrl_d(child, kernel_processes)
