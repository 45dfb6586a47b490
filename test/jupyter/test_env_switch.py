"""Environment switches through the `pyswitch.env` comm, driven by jupyter_client over real venvs: the
replies on iopub, and their effect as cells see it. A successful switch drops the user's variables; a
refused one keeps them and the interpreter as they were.

Skipped with PYSWITCH_TEST_KERNEL: only pyswitch has the comm.
"""
import json
import os

import pytest

from env_comm import EnvComm, events, reply_to
from kernel_helpers import execute, stream_text, wait_reply
from switch_envs import ONLY_IN_A, switch_envs

pytestmark = pytest.mark.skipif(bool(os.environ.get("PYSWITCH_TEST_KERNEL")), reason="pyswitch's own comm")

STATE = "import sys, json; print(json.dumps({'prefix': sys.prefix, 'executable': sys.executable, " \
        "'version': '%d.%d.%d' % sys.version_info[:3], 'names': sorted(n for n in dir() if not n.startswith('_'))}))"


@pytest.fixture(scope="module")
def envs():
    with switch_envs() as made:
        yield made


@pytest.fixture
def kc(envs, kernel):
    """The client of a fresh kernel, started once the envs (and the cache dir) exist."""
    return kernel[1]


def run(kc, code):
    reply, outputs = execute(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    return stream_text(outputs)


def state(kc):
    return json.loads(run(kc, STATE))


def language_version(kc):
    return wait_reply(kc, kc.kernel_info())["content"]["language_info"]["version"]


def importable(kc, module):
    return run(kc, f"import importlib.util; print(importlib.util.find_spec({module!r}) is not None)") == "True\n"


def test_a_request_in_comm_open_data_is_answered(kc):
    request = {"request": "current", "id": "r0"}
    env = reply_to(request, EnvComm(kc).open(request))["env"]
    now = state(kc)
    assert env["kind"] == "system"
    assert (env["root"], env["version"]) == (now["prefix"], now["version"])
    assert language_version(kc) == now["version"]


def test_switch_to_a_venv_and_back(kc, envs):
    comm = EnvComm(kc)
    comm.open()
    started = state(kc)
    run(kc, "dropped = 1")

    reply, published, round_trip_ms = comm.request("switch", target=str(envs.a))
    print(f"switch round trip through jupyter_client: {round_trip_ms:.1f} ms (kernel: {reply.get('elapsed_ms')} ms)")
    assert reply["ok"] is True, reply
    assert reply["strategy"] == "in-process"
    assert 0 < reply["elapsed_ms"] <= round_trip_ms
    assert reply["env"]["kind"] == "venv"
    assert reply["env"]["root"] == str(envs.a)
    assert reply["previous"]["root"] == started["prefix"]
    assert events(published) == [{"event": "env_changed", "env": reply["env"]}]
    now = state(kc)
    assert now["prefix"] == str(envs.a)
    assert now["executable"] == reply["env"]["executable"]
    assert "dropped" not in now["names"]
    assert run(kc, f"import {ONLY_IN_A}; print({ONLY_IN_A}.WHERE)") == "a\n"
    assert language_version(kc) == reply["env"]["version"] == now["version"]

    assert comm.switch(str(envs.b))["env"]["root"] == str(envs.b)
    assert not importable(kc, ONLY_IN_A)

    back = comm.switch("system")
    assert back["ok"] is True, back
    assert back["env"]["kind"] == "system"
    assert state(kc)["prefix"] == started["prefix"]


@pytest.mark.parametrize("name, code", [("py312", "version_mismatch"), ("missing", "not_found")])
def test_a_refused_switch_keeps_the_interpreter_and_the_variables(kc, envs, name, code):
    comm = EnvComm(kc)
    comm.open()
    run(kc, "kept = 42")
    before = state(kc)

    reply, published, _ = comm.request("switch", target=str(getattr(envs, name)))
    assert reply["ok"] is False, reply
    assert reply["error"]["code"] == code
    assert str(getattr(envs, name)) in reply["error"]["message"]
    assert reply["restored"] is True
    assert reply["env"]["root"] == before["prefix"]
    assert events(published) == []
    assert state(kc) == before
    assert run(kc, "print(kept)") == "42\n"


def test_env_changed_reaches_every_open_comm(kc, envs):
    first, second = EnvComm(kc), EnvComm(kc)
    first.open()
    second.open()
    reply, published, _ = first.request("switch", target=str(envs.b))
    assert reply["ok"] is True, reply
    for comm in (first, second):
        assert events(published, comm.comm_id) == [{"event": "env_changed", "env": reply["env"]}]


def test_discover_lists_the_venvs_with_compatible(kc, envs):
    comm = EnvComm(kc)
    comm.open()
    reply, _, _ = comm.request("discover", roots=[str(envs.root)], depth=2)
    found = {env["root"]: env["compatible"] for env in reply["envs"]}
    assert found == {str(envs.a): True, str(envs.b): True, str(envs.py312): False}
