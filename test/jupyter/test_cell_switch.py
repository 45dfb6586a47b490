"""pyswitch.switch() in cells, as notebooks run it: a refused switch raises pyswitch.SwitchError, so the
cell fails and a notebook run by nbclient (as `jupyter nbconvert --execute`) stops there; a switch that
is accepted prints one line and takes effect after the cell. Targets people type: a Python
installation's root directory is that installation's interpreter.

Skipped with PYSWITCH_TEST_KERNEL: only pyswitch switches.
"""
import os

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from env_comm import EnvComm
from kernel_helpers import execute, stream_text
from switch_envs import DEBIAN311, PY311, PY312, require, switch_envs, version_of

pytestmark = pytest.mark.skipif(bool(os.environ.get("PYSWITCH_TEST_KERNEL")), reason="pyswitch's own switching")

TIMEOUT = 60


@pytest.fixture(scope="module")
def envs():
    with switch_envs() as made:
        yield made


def notebook_of(*sources):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return notebook


def run(notebook, kernel_name, tmp_path):
    NotebookClient(notebook, kernel_name=kernel_name, timeout=TIMEOUT,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()


def test_a_notebook_stops_at_a_refused_switch(envs, kernel_name, tmp_path):
    notebook = notebook_of("import pyswitch\nprint('first')", f"pyswitch.switch({str(envs.py312)!r})",
                           "print('never')")
    with pytest.raises(CellExecutionError) as raised:
        run(notebook, kernel_name, tmp_path)
    assert raised.value.ename == "SwitchError"
    assert raised.value.evalue.startswith("version_mismatch: ")
    first, refused, never = notebook.cells
    assert first.outputs[0]["text"] == "first\n"
    assert refused.outputs[-1]["output_type"] == "error"
    assert never.execution_count is None and never.outputs == []


def test_an_accepted_switch_prints_one_line_and_takes_effect_after_the_cell(envs, kernel_name, tmp_path):
    notebook = notebook_of(f"import pyswitch, sys\nbefore = sys.prefix\npyswitch.switch({str(envs.a)!r})\n"
                           "print(sys.prefix == before)",
                           "import sys\nprint(sys.prefix)")
    run(notebook, kernel_name, tmp_path)
    switching, after = notebook.cells
    lines = "".join(o["text"] for o in switching.outputs if o["output_type"] == "stream").splitlines()
    assert lines[0] == "True"  # the rest of the cell ran in the old environment
    assert len(lines) == 2
    assert lines[1].startswith(f"pyswitch: switched to venv {envs.a} (Python {version_of(PY311)}, in-process")
    assert after.outputs[0]["text"] == f"{envs.a}\n"


def test_switch_error_has_the_code(envs, kernel):
    _, kc = kernel
    code = (f"import pyswitch\ntry:\n    pyswitch.switch({str(envs.missing)!r})\n"
            "except pyswitch.SwitchError as e:\n    print(e.code, isinstance(e, RuntimeError))")
    reply, outputs = execute(kc, code, timeout=TIMEOUT)
    assert stream_text(outputs) == "not_found True\n", reply["content"]


def prefix_and_version(kc):
    reply, outputs = execute(kc, "import sys, platform; print(sys.prefix, platform.python_version())", timeout=TIMEOUT)
    return stream_text(outputs).split()


def test_an_installation_root_is_its_interpreter(kernel):
    require(**{"pyenv 3.11": PY311})
    _, kc = kernel
    comm = EnvComm(kc)
    comm.open()
    pyenv311 = PY311.parent.parent
    reply = comm.switch(str(pyenv311) + "/")
    assert reply["ok"] is True, reply
    assert reply["env"]["kind"] == "system" and reply["env"]["root"] == str(pyenv311)
    assert reply["env"]["executable"] == str(pyenv311 / "bin" / "python3")
    require(**{"the system's python3.11": DEBIAN311})
    reply = comm.switch("/usr")  # another installation of 3.11: by re-exec
    assert reply["ok"] is True, reply
    assert (reply["env"]["root"], reply["env"]["executable"], reply["strategy"]) == ("/usr", "/usr/bin/python3", "re-exec")
    assert prefix_and_version(kc) == ["/usr", reply["env"]["version"]]


def test_an_installation_root_of_another_minor_is_a_version_mismatch(kernel):
    require(**{"pyenv 3.12": PY312})
    _, kc = kernel
    pyenv312 = PY312.parent.parent
    comm = EnvComm(kc)
    comm.open()
    reply = comm.switch(str(pyenv312))
    assert reply["ok"] is False and reply["error"]["code"] == "version_mismatch", reply
    reply, outputs = execute(kc, f"import pyswitch; pyswitch.switch({str(pyenv312)!r})", timeout=TIMEOUT)
    assert reply["content"]["ename"] == "SwitchError"
    assert reply["content"]["evalue"].startswith("version_mismatch: ")
