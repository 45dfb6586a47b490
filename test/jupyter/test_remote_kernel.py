"""The kernelspec unchanged under jupyter_server's own kernel management, over an ipc-transport connection.

jupyter_server's AsyncMappingKernelManager launches the kernel through jupyter_client's LocalProvisioner
(what kernel provisioners, JupyterHub single-user servers and a kernel gateway all build on) with a
connection file whose transport is "ipc". The kernel binds its five sockets as Unix sockets at the paths
that file names; a re-exec switch keeps the PID that the provisioner and the auto-restarter watch, so
jupyter_server never sees the kernel die; a shutdown through the manager ends the process and leaves no
socket files. The frontend is a BlockingKernelClient on a worker thread, so that the server's event loop
(and its restarter) keeps running meanwhile, as in jupyter_server.
"""
import asyncio
import os
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets.config import Config

from env_comm import EnvComm
from kernel_helpers import STARTUP_TIMEOUT, execute, stream_text
from switch_envs import make_venv

CHANNELS = ("shell", "iopub", "stdin", "control", "hb")
SHUTDOWN_TIMEOUT = 30


def pyswitch_python(kernel_name):
    """The interpreter a pyswitch kernelspec starts with; skips for other kernels."""
    spec = KernelSpecManager().get_kernel_spec(kernel_name)
    python = spec.metadata.get("pyswitch", {}).get("python")
    if not python:
        pytest.skip(f"kernelspec {kernel_name!r} is not pyswitch's: nothing to switch")
    return python


def socket_paths(connection):
    """Where the connection file puts each channel's ipc socket: IP-PORT, as jupyter_client names them."""
    return {channel: Path(f"{connection['ip']}-{connection[f'{channel}_port']}") for channel in CHANNELS}


def bound_sockets(sockets):
    return {channel: path.exists() and stat.S_ISSOCK(path.stat().st_mode) for channel, path in sockets.items()}


def frontend(connection_file, sockets, venv):
    """What a browser tab would do through the server: run code, switch by re-exec, run code again; and
    which ipc sockets are bound once the kernel answers, before and after the switch."""
    kc = BlockingKernelClient(connection_file=connection_file)
    kc.load_connection_file()
    # No heartbeat channel, as jupyter_server's websocket has none (the restarter watches the process).
    # A client of its own that has one calls the kernel dead when the first ping gets no pong within
    # 1 s, which a kernel still starting on a loaded machine misses (seen 2026-12-02 at load 10).
    kc.start_channels(hb=False)
    try:
        kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        bound = bound_sockets(sockets)
        _, out = execute(kc, "import os; print(os.getpid())")
        before = int(stream_text(out))
        comm = EnvComm(kc)
        comm.open()
        reply = comm.request("switch", target=str(venv), strategy="re-exec")[0]
        _, out = execute(kc, "import os, sys; print(os.getpid(), sys.prefix)", timeout=STARTUP_TIMEOUT)
        after, prefix = stream_text(out).split()
        return bound, bound_sockets(sockets), before, reply, int(after), prefix
    finally:
        kc.stop_channels()


async def serve(kernel_name, runtime, venv):
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelRestarter.time_to_dead = 0.2  # the restarter polls is_alive() often, the re-exec included
    manager = AsyncMappingKernelManager(config=config, connection_dir=str(runtime))
    kernel_id = await manager.start_kernel(kernel_name=kernel_name)
    km = manager.get_kernel(kernel_id)
    restarts = []
    km.add_restart_callback(lambda: restarts.append("restart"), "restart")
    km.add_restart_callback(lambda: restarts.append("dead"), "dead")
    try:
        connection = km.get_connection_info()
        sockets = socket_paths(connection)
        watched = km.provisioner.pid
        process = km.provisioner.process  # the Popen jupyter_client polls
        assert km._restarter is not None, "jupyter_server's auto-restarter is not watching the kernel"
        seen = await asyncio.to_thread(frontend, km.connection_file, sockets, venv)
        alive = await km.is_alive()
        watched_after = km.provisioner.pid
    finally:
        await manager.shutdown_kernel(kernel_id)
    return {
        "transport": connection["transport"], "watched": watched,
        "watched_after": watched_after, "seen": seen, "alive": alive, "restarts": restarts,
        "exited": process.poll() is not None,
        "left": [str(p) for p in sockets.values() if p.exists()],
    }


def test_jupyter_server_runs_the_kernelspec_over_ipc_through_a_reexec(kernel_name):
    python = pyswitch_python(kernel_name)
    # Unix socket paths hold at most 107 bytes: the runtime dir is kept short.
    with tempfile.TemporaryDirectory(prefix="psw-", dir="/tmp") as tmp:
        root = Path(tmp)
        venv = make_venv(python, root / "venv")
        runtime = root / "run"
        runtime.mkdir()
        result = asyncio.run(asyncio.wait_for(serve(kernel_name, runtime, venv), STARTUP_TIMEOUT + SHUTDOWN_TIMEOUT))

    assert result["transport"] == "ipc"
    bound, rebound, before, reply, after, prefix = result["seen"]
    assert all(bound.values()), f"ipc sockets not bound at the connection file's paths: {bound}"
    assert before == result["watched"], "the kernel is not the process the provisioner launched"
    assert reply["ok"] and reply["strategy"] == "re-exec", reply
    assert Path(prefix) == venv, f"after the switch, sys.prefix is {prefix}"
    assert after == before == result["watched_after"], "the re-exec changed the PID jupyter_server watches"
    assert result["alive"] and result["restarts"] == [], f"jupyter_server saw the kernel die: {result['restarts']}"
    assert all(rebound.values()), f"ipc sockets after the re-exec: {rebound}"
    assert result["exited"], "the kernel process outlived its shutdown"
    assert result["left"] == [], f"socket files left after shutdown: {result['left']}"


def test_the_kernel_refuses_an_unknown_transport(kernel_name, tmp_path):
    """A connection file the kernel cannot serve is an error at start, not a kernel that never answers."""
    spec = KernelSpecManager().get_kernel_spec(kernel_name)
    pyswitch_python(kernel_name)
    connection = tmp_path / "kernel.json"
    connection.write_text('{"transport": "udp", "ip": "127.0.0.1", "shell_port": 1, "iopub_port": 2, '
                          '"stdin_port": 3, "control_port": 4, "hb_port": 5, "key": "k"}')
    argv = [a.replace("{connection_file}", str(connection)) for a in spec.argv]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=STARTUP_TIMEOUT, env={**os.environ, **spec.env})
    assert proc.returncode != 0 and 'unsupported transport "udp"' in proc.stderr, (proc.returncode, proc.stderr)
