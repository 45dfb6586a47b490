"""Files in the notebook's folder named like standard-library modules (types.py, functools.py, ...): the
kernel's own imports never run them, while a cell's `import` finds them first, as Python's do.

A bare venv of pyenv's 3.11 (no site-packages of Debian's, whose site imports those modules before any
user path exists) is where the kernel once failed to start: its package imported `types` from the working
directory. Driven through jupyter_client, the kernel started in that folder; skipped with
PYSWITCH_TEST_KERNEL (pyswitch's own switch).
"""
import os
import subprocess

import pytest

from env_comm import EnvComm
from kernel_helpers import execute, running_kernel, stream_text
from kernel_install import install_pyswitch, jupyter_path_with, require_kernelspec
from switch_envs import PY311, VENV_TIMEOUT, require

pytestmark = pytest.mark.skipif(bool(os.environ.get("PYSWITCH_TEST_KERNEL")), reason="pyswitch's own switch")

# Modules the kernel's start and its requests import: each file leaves a mark and refuses to load.
SHADOWED = ["types", "functools", "collections", "keyword", "operator", "warnings", "contextlib", "codeop", "inspect",
            "tokenize", "traceback", "linecache", "ast", "textwrap", "dis", "pkgutil"]


@pytest.fixture(scope="module")
def shadowed(tmp_path_factory, jupyter_env):
    require(PY311=PY311)
    root = tmp_path_factory.mktemp("shadowed")
    venvs = [root / name for name in ("a", "b")]
    for venv in venvs:
        subprocess.run([str(PY311), "-m", "venv", "--without-pip", str(venv)], check=True, timeout=VENV_TIMEOUT)
    prefix = root / "prefix"
    install_pyswitch(prefix, "pyswitch-bare-venv", python=str(venvs[0] / "bin" / "python"), plain=True)
    jupyter_env.setenv("JUPYTER_PATH", jupyter_path_with(prefix, os.environ.get("JUPYTER_PATH")))
    require_kernelspec("pyswitch-bare-venv")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    marks = root / "marks"
    marks.mkdir()
    for name in SHADOWED:
        (notebooks / f"{name}.py").write_text(
            f"open({str(marks / name)!r}, 'w').close()\nraise ImportError('the user\\'s own {name}.py')\n")
    return notebooks, marks, venvs


def test_the_kernel_starts_serves_and_switches_without_running_them(shadowed):
    notebooks, marks, venvs = shadowed
    with running_kernel("pyswitch-bare-venv", cwd=str(notebooks)) as (_, kc):
        reply, outputs = execute(kc, "x = 1\nprint(x)")
        assert reply["content"]["status"] == "ok" and stream_text(outputs) == "1\n", reply["content"]
        reply, _ = execute(kc, "1 / 0")
        assert reply["content"]["ename"] == "ZeroDivisionError"
        for request, content, status in (("complete_request", {"code": "import o", "cursor_pos": 8}, "ok"),
                                         ("inspect_request", {"code": "len", "cursor_pos": 3, "detail_level": 1}, "ok"),
                                         ("is_complete_request", {"code": "for i in x:"}, "incomplete")):
            message = kc.session.msg(request, content)
            kc.shell_channel.send(message)
            answer = kc.get_shell_msg(timeout=30)
            assert answer["parent_header"]["msg_id"] == message["header"]["msg_id"]
            assert answer["content"]["status"] == status, (request, answer["content"])
        comm = EnvComm(kc)
        comm.open()
        switched = comm.switch(str(venvs[1]))
        assert switched["ok"] is True and switched["strategy"] == "in-process", switched
        reply, outputs = execute(kc, "import sys; print(sys.prefix, repr(sys.path[0]))")
        assert stream_text(outputs) == f"{venvs[1]} ''\n", reply["content"]
        assert sorted(os.listdir(marks)) == []  # none of the user's files ran
        # A cell's own import is Python's: the folder comes first.
        reply, _ = execute(kc, "import codeop")
        assert reply["content"]["evalue"] == "the user's own codeop.py", reply["content"]
        assert os.listdir(marks) == ["codeop"]
