"""NODE_EXTRA_CA_CERTS through jupyter_client: the kernel's Node starts with it empty (its kernelspec's env
says so), and cells see it as the launcher had it, after a start and after a restart
(kernel/common/node-startup-environ.ts)."""
import ast
import os

import pytest

from kernel_helpers import execute_ok, running_kernel, stream_text

pytestmark = pytest.mark.skipif(bool(os.environ.get("PYSWITCH_TEST_KERNEL")), reason="pyswitch's kernelspec")

NAME = "NODE_EXTRA_CA_CERTS"
BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
# At exec (/proc/self/environ); in the interpreter now, the variable and the kernel's carrier of it; and in
# a child process of the cell.
SEEN = (
    "import os, subprocess, sys\n"
    "exec_env = dict(e.split(b'=', 1) for e in open('/proc/self/environ', 'rb').read().split(b'\\0') if b'=' in e)\n"
    f"child = subprocess.run([sys.executable, '-c', 'import os; print(repr(os.environ.get(\"{NAME}\")))'],\n"
    "                       capture_output=True, text=True, check=True).stdout.strip()\n"
    f"print(repr((exec_env.get(b'{NAME}'), os.environ.get('{NAME}'), 'PYSWITCH_{NAME}' in os.environ, child)))"
)


def _seen(kc):
    return ast.literal_eval(stream_text(execute_ok(kc, SEEN)[1]).strip())


def _launch_env(value):
    env = dict(os.environ)
    env.pop(NAME, None)
    if value is not None:
        env[NAME] = value
    return env


@pytest.mark.parametrize("value", [BUNDLE, ""], ids=["set", "empty"])
def test_cells_see_the_launchers_value_and_node_started_without_it(kernel_name, value):
    with running_kernel(kernel_name, env=_launch_env(value)) as (km, kc):
        assert _seen(kc) == (b"", value, False, repr(value))
        km.restart_kernel(now=True)
        kc.wait_for_ready(timeout=60)
        assert _seen(kc) == (b"", value, False, repr(value))


def test_an_unset_variable_stays_unset(kernel_name):
    with running_kernel(kernel_name, env=_launch_env(None)) as (_, kc):
        assert _seen(kc) == (b"", None, False, "None")
