"""The %pyswitch magic of IPython mode and its tab completion, and what help(pyswitch) documents,
driven through jupyter_client on the kernel whose interpreter has IPython (pyenv's 3.11, whose
venvs switch in-process). Environments with IPython are venvs with the system site-packages.

Skipped with PYSWITCH_TEST_KERNEL: only pyswitch has the magic.
"""
import os
import re
import subprocess

import pytest

from kernel_helpers import execute, running_kernel, stream_text, wait_reply
from switch_envs import PY311, PY312, switch_envs, version_of

pytestmark = pytest.mark.skipif(bool(os.environ.get("PYSWITCH_TEST_KERNEL")), reason="pyswitch's own magic")

TIMEOUT = 60


@pytest.fixture(scope="module")
def envs():
    with switch_envs() as made:
        # A venv that sees the base installation's IPython: the magic is still there after a switch to it.
        ipython_venv = made.root / "with-ipython"
        subprocess.run([str(PY311), "-m", "venv", "--without-pip", "--system-site-packages", str(ipython_venv)],
                       check=True, timeout=TIMEOUT, capture_output=True)
        yield made, ipython_venv


@pytest.fixture
def kc(envs, kernel):
    return kernel[1]


def ok(kc, code):
    reply, outputs = execute(kc, code, timeout=TIMEOUT)
    assert reply["content"]["status"] == "ok", (reply["content"], stream_text(outputs, "stderr"))
    return stream_text(outputs)


def failed(kc, code):
    reply, outputs = execute(kc, code, timeout=TIMEOUT)
    assert reply["content"]["status"] == "error", reply["content"]
    return reply["content"], outputs


def current(kc):
    return eval(ok(kc, "import pyswitch; print(pyswitch.current())"))


def test_current_prints_the_kind_root_and_version(kc):
    env = current(kc)
    line = f"{env['kind']} {env['root']} (Python {env['version']})\n"
    assert ok(kc, "%pyswitch") == line
    assert ok(kc, "%pyswitch current") == line


def test_list_is_a_table_compatible_first_with_the_active_one_marked(kc, envs):
    made, ipython_venv = envs
    assert "switched to venv" in ok(kc, f"%pyswitch switch {ipython_venv}")
    lines = ok(kc, f"%pyswitch list {made.root}").rstrip("\n").split("\n")
    assert re.match(r"^\s+KIND\s+PYTHON\s+ROOT$", lines[0]), lines
    rows = [line.split() for line in lines[1:]]
    roots = [row[-1] if row[0] != "*" else row[3] for row in rows[:-1]]
    assert roots == sorted(str(p) for p in (made.a, made.b, ipython_venv))  # compatible ones, by root
    marked = [row for row in rows if row[0] == "*"]
    assert marked == [["*", "venv", version_of(PY311), str(ipython_venv)]]
    assert rows[-1][:3] == ["venv", version_of(PY312), str(made.py312)]
    assert lines[-1].endswith("(incompatible: this kernel runs Python 3.11)")


def test_switch_takes_effect_after_the_cell_and_a_refusal_fails_it(kc, envs):
    made, ipython_venv = envs
    ok(kc, "kept = 1")
    content, outputs = failed(kc, f"%pyswitch switch {made.py312}")
    assert content["ename"] == "SwitchError"
    assert content["evalue"].startswith("version_mismatch: ")
    assert content["traceback"] == [f"SwitchError: {content['evalue']}"]  # one line, as a UsageError
    assert ok(kc, "print(kept)") == "1\n"

    out = ok(kc, f"%pyswitch switch {ipython_venv}\nimport sys; print(sys.prefix)")
    before, report = out.rstrip("\n").split("\n")
    assert before != str(ipython_venv)  # the cell ran to its end in the old environment
    assert report.startswith(f"pyswitch: switched to venv {ipython_venv} ")
    assert ok(kc, "import sys; print(sys.prefix)") == f"{ipython_venv}\n"


@pytest.mark.parametrize("line", ["%pyswitch teleport", "%pyswitch switch", "%pyswitch switch a b", "%pyswitch switch 'open"])
def test_a_wrong_usage_fails_the_cell_with_the_usage(kc, line):
    content, outputs = failed(kc, line)
    assert content["ename"] == "UsageError"
    assert "usage: %pyswitch" in stream_text(outputs, "stderr")


def complete(kc, code):
    content = wait_reply(kc, kc.complete(code, len(code)))["content"]
    assert content["status"] == "ok", content
    assert content["cursor_end"] == len(code)
    return content


def test_completion_of_the_subcommand(kc):
    content = complete(kc, "%pyswitch sw")
    assert content["matches"] == ["switch"]
    assert content["cursor_start"] == len("%pyswitch ")
    assert complete(kc, "%pyswitch ")["matches"] == ["current", "list", "switch"]


def test_completion_of_paths_after_switch_and_list(kc, envs):
    made, ipython_venv = envs
    code = f"%pyswitch switch {made.root}/"
    content = complete(kc, code)
    assert content["cursor_start"] == len("%pyswitch switch ")
    for venv in (made.a, made.b, made.py312, ipython_venv):
        assert f"{venv}/" in content["matches"]  # folders end in "/": the next <Tab> goes inside
    assert complete(kc, f"%pyswitch switch {made.root}/py")["matches"] == [f"{made.py312}/"]
    assert f"{made.a}/bin/" in complete(kc, f"%pyswitch list {made.b} {made.a}/b")["matches"]


def test_completion_keeps_the_users_spelling_of_home(envs, kernel_name):
    made, _ = envs
    with running_kernel(kernel_name, env={**os.environ, "HOME": str(made.root)}) as (_, kc):
        assert complete(kc, "%pyswitch switch ~/p")["matches"] == ["~/py312/"]


def test_help_names_the_public_api_and_no_private_module(kc):
    text = ok(kc, "import pyswitch, pydoc; print(pydoc.render_doc(pyswitch, renderer=pydoc.plaintext))")
    for name in ("switch", "current", "discover", "SwitchError"):
        assert re.search(rf"\b{name}\b", text), name
    private = set(re.findall(r"\bpyswitch\._\w+|\b_[a-z]\w*\b", text)) - {"_ipython_display_"}
    assert private == set(), private
    docstring = ok(kc, "import pyswitch; print(pyswitch.__doc__)")
    assert all(name in docstring for name in ("switch(", "current(", "discover(", "SwitchError", "%pyswitch"))
