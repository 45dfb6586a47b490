"""A restart by the frontend (jupyter_client's KernelManager.restart_kernel: shutdown_request with
restart: true, then a new process on the same connection file) comes back in the environment the
kernel was in, after an in-process or a re-exec switch; a plain shutdown forgets it; an environment
that is gone or broken by then falls back to the kernelspec's Python, and the kernel's first stream
says why.

Skipped with PYSWITCH_TEST_KERNEL: only pyswitch switches.
"""
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from env_comm import EnvComm
from kernel_helpers import Deadline, STARTUP_TIMEOUT, execute, running_kernel, stream_text
from switch_envs import ONLY_IN_A, make_venv, switch_envs, PY311

pytestmark = pytest.mark.skipif(bool(os.environ.get("PYSWITCH_TEST_KERNEL")), reason="pyswitch's own switching")

STATE = ("import os, sys, json; print(json.dumps({'prefix': sys.prefix, 'pid': os.getpid(), "
         "'virtual_env': os.environ.get('VIRTUAL_ENV'), 'path': os.environ['PATH'].split(os.pathsep), "
         "'names': sorted(n for n in dir() if not n.startswith('_'))}))")


@pytest.fixture(scope="module")
def envs():
    with switch_envs() as made:
        yield made


def state(kc):
    reply, outputs = execute(kc, STATE)
    assert reply["content"]["status"] == "ok", reply["content"]
    return json.loads(stream_text(outputs))


def restart_file(km):
    connection = Path(km.connection_file)
    return connection.parent / f".{connection.name}.pyswitch-restart"


def switched(kc, target, **fields):
    comm = EnvComm(kc)
    comm.open()
    reply = comm.request("switch", target=str(target), **fields)[0]
    assert reply["ok"] is True, reply
    return reply


def restart(km, kc):
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=STARTUP_TIMEOUT)


def test_a_restart_after_an_in_process_switch_comes_back_in_the_venv(envs, kernel):
    km, kc = kernel
    started = state(kc)
    assert switched(kc, envs.a)["strategy"] == "in-process"
    execute(kc, "dropped = 1")
    before = state(kc)

    restart(km, kc)
    after = state(kc)
    assert after["pid"] != before["pid"]  # a new process: a restart, not a switch
    assert after["prefix"] == str(envs.a)
    assert after["virtual_env"] == str(envs.a)
    assert after["path"] == before["path"]  # the venv's bin once, in front of the frontend's PATH
    assert "dropped" not in after["names"]
    reply, outputs = execute(kc, f"import {ONLY_IN_A}; print({ONLY_IN_A}.WHERE)")
    assert stream_text(outputs) == "a\n", reply["content"]
    assert not restart_file(km).exists()  # taken by the new process

    # "system" is still the kernelspec's Python, and PATH comes back to what the frontend gave.
    assert switched(kc, "system")["env"]["root"] == started["prefix"]
    assert state(kc)["path"] == started["path"]


def test_a_restart_after_a_reexec_switch_comes_back_in_the_venv(envs, kernel):
    km, kc = kernel
    assert switched(kc, envs.b, strategy="re-exec")["strategy"] == "re-exec"
    assert state(kc)["prefix"] == str(envs.b)

    restart(km, kc)
    assert state(kc)["prefix"] == str(envs.b)
    restart(km, kc)  # and again: each process keeps it for the next
    assert state(kc)["prefix"] == str(envs.b)


def test_the_environment_waits_in_a_private_file_next_to_the_connection_file(envs, kernel):
    km, kc = kernel
    switched(kc, envs.a)
    # restart_kernel's steps, to look between the two processes.
    km.request_shutdown(restart=True)
    km.finish_shutdown()
    file = restart_file(km)
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert json.loads(file.read_text())["env"]["root"] == str(envs.a)
    km.cleanup_resources(restart=True)
    km.start_kernel()
    kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
    assert state(kc)["prefix"] == str(envs.a)
    assert not file.exists()


def test_a_plain_shutdown_forgets_the_environment(envs, kernel_name, tmp_path):
    connection_file = tmp_path / "kernel-forgets.json"
    with running_kernel(kernel_name, connection_file=connection_file) as (km, kc):
        started = state(kc)
        switched(kc, envs.a)
        km.shutdown_kernel(now=False)
        assert not restart_file(km).exists()
    # A new kernel on the same connection file starts where its kernelspec says.
    with running_kernel(kernel_name, connection_file=connection_file) as (km, kc):
        assert state(kc)["prefix"] == started["prefix"]


def _remove(venv):
    shutil.rmtree(venv)


def _break(venv):
    interpreter = venv / "bin" / "python"
    interpreter.unlink()
    interpreter.symlink_to(venv.parent / "removed-python" / "bin" / "python3")


@pytest.mark.parametrize("damage, code", [(_remove, "not_found"), (_break, "broken_env")])
def test_an_environment_gone_at_restart_falls_back_with_a_message(envs, kernel, damage, code):
    km, kc = kernel
    started = state(kc)
    venv = make_venv(PY311, envs.root / f"doomed-{code}")
    switched(kc, venv)
    damage(venv)

    km.restart_kernel(now=False)
    notice = first_stream(kc)
    assert notice["name"] == "stderr"
    assert notice["text"].startswith("pyswitch: ")
    assert str(venv) in notice["text"] and f"({code}: " in notice["text"]
    assert "kernelspec's Python" in notice["text"]
    kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
    assert state(kc)["prefix"] == started["prefix"]


def first_stream(kc):
    """The first stream the restarted kernel publishes (before any request: its parent is empty)."""
    deadline = Deadline(STARTUP_TIMEOUT, "stream from the restarted kernel")
    while True:
        msg = kc.get_iopub_msg(timeout=deadline.remaining())
        if msg["msg_type"] == "stream" and not msg["parent_header"]:
            return msg["content"]
