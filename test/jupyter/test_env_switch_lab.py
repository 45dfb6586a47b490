"""Environment switches the way JupyterLab makes them: @jupyterlab/services in Node, talking to Debian's
jupyter_server, which runs our kernelspec. lab_client/switch_via_services.js drives and reports JSON;
this file runs the server, hands the client its targets, and asserts on the report.

Skipped with PYSWITCH_TEST_KERNEL: only pyswitch has the comm.
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from switch_envs import ONLY_IN_A, switch_envs

pytestmark = pytest.mark.skipif(bool(os.environ.get("PYSWITCH_TEST_KERNEL")), reason="pyswitch's own comm")

CLIENT = Path(__file__).parent / "lab_client" / "switch_via_services.js"
SERVER_START_TIMEOUT = 30
SERVER_STOP_TIMEOUT = 20
CLIENT_TIMEOUT = 300  # the client bounds each of its steps; this bounds the whole run
GONE_TIMEOUT = 10


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url, token):
    request = urllib.request.Request(f"{url}api/status", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_until_answering(proc, url, token, log):
    end = time.monotonic() + SERVER_START_TIMEOUT
    while not _answers(url, token):
        if proc.poll() is not None or time.monotonic() > end:
            pytest.fail(f"jupyter_server did not answer at {url} (exit code {proc.poll()}):\n{log.read_text()}",
                        pytrace=False)
        time.sleep(0.2)


def _survivors(processes, timeout=GONE_TIMEOUT):
    return psutil.wait_procs(processes, timeout=timeout)[1]


def _running(pid):
    """Whether pid still runs GONE_TIMEOUT seconds from now."""
    try:
        return bool(_survivors([psutil.Process(pid)]))
    except psutil.NoSuchProcess:
        return False


def _stop(proc, log):
    """SIGTERM makes jupyter_server shut its kernels down before it exits; whatever it leaves behind
    (a kernel it failed to stop) is killed and fails the test."""
    children = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(SERVER_STOP_TIMEOUT)
        pytest.fail(f"jupyter_server ignored SIGTERM for {SERVER_STOP_TIMEOUT} s:\n{log.read_text()}", pytrace=False)
    orphans = _survivors(children)
    for orphan in orphans:
        orphan.kill()
    assert not orphans, f"left running after jupyter_server stopped: {orphans}"


@contextmanager
def jupyter_server(root_dir):
    """Debian's jupyter_server on 127.0.0.1, a free port and a random token; yields (base URL, token).

    Jupyter's directories and JUPYTER_PATH (with our kernelspec) come from conftest's fixtures, through
    the environment. port_retries=0: another port than the one chosen is a failure, not a surprise."""
    port, token = free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}/"
    log = root_dir.parent / "jupyter_server.log"
    cmd = [sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", "--ServerApp.port_retries=0", f"--ServerApp.token={token}",
           f"--ServerApp.root_dir={root_dir}"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _wait_until_answering(proc, url, token, log)
        yield url, token
    finally:
        _stop(proc, log)


@pytest.fixture(scope="module")
def report(kernel_name):
    """What the Node client saw, switching through a running jupyter_server."""
    with switch_envs() as envs:
        notebooks = envs.root / "notebooks"
        notebooks.mkdir()
        with jupyter_server(notebooks) as (url, token):
            args = {"baseUrl": url, "token": token, "kernelName": kernel_name,
                    "venv": str(envs.a), "module": ONLY_IN_A, "refused": str(envs.py312)}
            proc = subprocess.run(["node", str(CLIENT), json.dumps(args)], capture_output=True, text=True,
                                  timeout=CLIENT_TIMEOUT)
            assert proc.returncode == 0, f"{CLIENT.name} exited {proc.returncode}:\n{proc.stderr}"
            result = json.loads(proc.stdout.splitlines()[-1])  # after what the library logs itself
            # Looked at while the server runs: the session's shutdown must end the kernel by itself.
            result["kernelRunsAfterShutdown"] = _running(result["atStart"]["pid"])
        yield envs, result


def landed(switch, what):
    """The reply of a switch the client saw succeed; its round trip is printed (measured, not asserted)."""
    reply = switch["reply"]
    print(f"{what} round trip through jupyter_server: {switch['roundTripMs']:.1f} ms "
          f"(kernel: {reply and reply.get('elapsed_ms')} ms)")
    assert reply is not None and reply["ok"] is True, switch
    return reply


def test_the_kernel_starts_on_the_system_python_and_runs_cells(report):
    _, r = report
    assert r["versionAtStart"].startswith("3.11.")
    assert "dropped" in r["atStart"]["names"]


def test_switch_to_a_venv_through_the_server(report):
    envs, r = report
    switch = r["toVenv"]
    reply = landed(switch, "switch")
    assert (reply["env"]["kind"], reply["env"]["root"]) == ("venv", str(envs.a))
    assert reply["previous"]["root"] == r["atStart"]["prefix"]
    assert 0 < reply["elapsed_ms"] <= switch["roundTripMs"]
    assert switch["events"] == [{"event": "env_changed", "env": reply["env"]}]
    assert r["venvModule"] == "a\n"
    assert r["inVenv"]["prefix"] == str(envs.a)
    assert "dropped" not in r["inVenv"]["names"]
    assert r["inVenv"]["pid"] == r["atStart"]["pid"]  # in-process: the same kernel, the same connection
    assert r["versionInVenv"] == reply["env"]["version"]


def test_a_refused_switch_keeps_the_venv_and_the_variables(report):
    envs, r = report
    reply = r["refused"]["reply"]
    assert reply is not None and reply["ok"] is False, r["refused"]
    assert reply["error"]["code"] == "version_mismatch"
    assert reply["restored"] is True
    assert reply["env"]["root"] == str(envs.a)
    assert r["refused"]["events"] == []
    assert r["afterRefusal"]["prefix"] == str(envs.a)
    assert "kept" in r["afterRefusal"]["names"]


def test_system_brings_the_starting_interpreter_back(report):
    _, r = report
    reply = r["toSystem"]["reply"]
    assert reply is not None and reply["ok"] is True, r["toSystem"]
    assert reply["env"]["kind"] == "system"
    assert r["toSystem"]["events"] == [{"event": "env_changed", "env": reply["env"]}]
    assert r["backInSystem"]["prefix"] == r["atStart"]["prefix"]
    assert "kept" not in r["backInSystem"]["names"]


def test_a_reexec_switch_keeps_the_session_and_loses_no_request(report):
    envs, r = report
    switch = r["reexec"]
    reply = landed(switch, "re-exec switch")
    assert reply["strategy"] == "re-exec"
    assert reply["env"]["root"] == str(envs.a)
    assert switch["events"] == [{"event": "env_changed", "env": reply["env"]}]
    # The cells sent behind the switch all ran, in order, in the new environment.
    assert r["duringReexec"] == [f"{i} {envs.a}\n" for i in range(3)]
    assert r["afterReexec"]["prefix"] == str(envs.a)
    assert r["afterReexec"]["pid"] == r["atStart"]["pid"]  # execve: the process jupyter_server watches
    assert r["versionAfterReexec"] == reply["env"]["version"]
    # The comm opened before the re-exec still answers.
    assert r["currentAfterReexec"]["reply"]["env"]["root"] == str(envs.a)


def test_the_session_shutdown_ends_the_kernel(report):
    assert report[1]["kernelRunsAfterShutdown"] is False
