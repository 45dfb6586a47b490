"""Notebooks under test/notebooks run by nbclient, as `jupyter nbconvert --execute` would: plain mode on
the default kernelspec (pyenv's python, with PYSWITCH_IPYTHON=0 as its IPython is installed), IPython mode
on Debian's /usr/bin/python3 (numpy, matplotlib, ipywidgets). Each test checks the outputs of one cell,
found by its id."""
import base64
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def run_notebook(name, kernel_name, tmp_path, **environ):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    # allow_errors: every cell runs, and each test below looks for errors in its own cell.
    client = NotebookClient(notebook, kernel_name=kernel_name, timeout=60, allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    # nbclient 0.7 reads widget comm_open messages of protocol 2 (ipywidgets >= 7, data.state);
    # Debian's ipywidgets 6 speaks protocol 1, on which it raises KeyError 'state' and stops the
    # run, with ipykernel as well. Without the handler it records the widget's display_data only.
    client.comm_open_handlers.pop("jupyter.widget", None)
    client.execute(env=dict(os.environ, **environ))
    return {cell.get("id"): cell for cell in notebook.cells}


@pytest.fixture(scope="module")
def plain(kernel_name, tmp_path_factory):
    return run_notebook("plain.ipynb", kernel_name, tmp_path_factory.mktemp("plain"), PYSWITCH_IPYTHON="0")


@pytest.fixture(scope="module")
def ipython(ipython_kernel_name, tmp_path_factory):
    return run_notebook("ipython.ipynb", ipython_kernel_name, tmp_path_factory.mktemp("ipython"))


def outputs(cells, cell_id, allow_error=False):
    found = cells[cell_id].outputs
    if not allow_error:
        errors = [f"{o.ename}: {o.evalue}" for o in found if o.output_type == "error"]
        assert not errors, f"cell {cell_id!r} failed: {errors}"
    return found


def only(cells, cell_id, output_type):
    """The single output of output_type in the cell (besides stream noise such as warnings)."""
    found = [o for o in outputs(cells, cell_id) if o.output_type == output_type]
    assert len(found) == 1, f"cell {cell_id!r}: {outputs(cells, cell_id)}"
    return found[0]


def stdout(cells, cell_id):
    return "".join(o.text for o in outputs(cells, cell_id) if o.output_type == "stream" and o.name == "stdout")


def result_text(cells, cell_id):
    result = only(cells, cell_id, "execute_result")
    assert result.execution_count == cells[cell_id].execution_count
    return result.data["text/plain"]


class TestPlainMode:
    def test_runs_without_ipython(self, plain):
        assert result_text(plain, "mode") == "False"

    def test_print(self, plain):
        assert stdout(plain, "print") == "hello from pyswitch\n"

    def test_expression(self, plain):
        assert result_text(plain, "expression") == "1024"

    def test_error(self, plain):
        (error,) = outputs(plain, "error", allow_error=True)
        assert error.output_type == "error" and error.ename == "ZeroDivisionError"
        assert error.evalue == "division by zero"
        assert "1 / 0" in "\n".join(error.traceback)

    def test_repr_html_display(self, plain):
        data = only(plain, "rich", "display_data").data
        assert data["text/html"] == "<b>rich</b>" and data["text/plain"].startswith("<__main__.Rich")

    def test_update_display(self, plain):
        # nbclient applies update_display_data to the output that has the display_id.
        assert only(plain, "display-id", "display_data").data["text/plain"] == "'second'"
        assert outputs(plain, "update") == []


class TestIPythonMode:
    def test_runs_through_ipython(self, ipython):
        assert result_text(ipython, "mode") == "'ZMQInteractiveShell'"

    def test_numpy(self, ipython):
        assert result_text(ipython, "numpy") == "array([[0, 1, 2],\n       [3, 4, 5]])"

    def test_matplotlib_figure_is_inline_png(self, ipython):
        data = only(ipython, "figure", "display_data").data
        assert base64.b64decode(data["image/png"]).startswith(PNG_SIGNATURE)
        assert data["text/plain"].startswith("<Figure size 200x200")

    def test_ipython_display_objects(self, ipython):
        found = [o for o in outputs(ipython, "html-markdown") if o.output_type == "display_data"]
        assert [o.data.get("text/html") for o in found] == ["<b>bold</b>", None]
        assert found[1].data["text/markdown"] == "*slanted*"

    def test_timeit(self, ipython):
        text = stdout(ipython, "timeit")
        assert re.fullmatch(r"[\d.]+ .s ± [\d.]+ .s per loop \(mean ± std\. dev\. of 2 runs, 10 loops each\)\n", text), text

    def test_shell_command(self, ipython):
        assert stdout(ipython, "shell").strip() == "hi"

    def test_widget(self, ipython):
        view = only(ipython, "widget", "display_data").data[WIDGET_VIEW]
        assert re.fullmatch(r"[0-9a-f]{32}", view["model_id"]), view

    def test_update_display(self, ipython):
        assert only(ipython, "display-id", "display_data").data["text/html"] == "<i>after</i>"
        assert outputs(ipython, "update") == []

    def test_top_level_await(self, ipython):
        assert result_text(ipython, "await") == "'awaited'"
