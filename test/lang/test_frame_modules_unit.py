"""IPython's tracebacks with ultratb's own view of inspect (_frame_modules): getmodule answers a
cell's frame at once and is inspect's for everything else. The tracebacks come out the same as
without it, and inspect.getmodule is no longer asked about a cell's frame.

Each case runs in a fresh interpreter, on each Python found with IPython: Debian's (IPython 8.5,
whose tracebacks do not ask) and pyenv's (8.12, whose do).
"""
import pytest

from interpreters import pythons_with_ipython, run_fresh

PYTHONS = pythons_with_ipython()
pytestmark = pytest.mark.skipif(not PYTHONS, reason="no Python here has IPython")

SETUP = """
import inspect
import types
import IPython.core.ultratb as ultratb
from IPython.core.interactiveshell import InteractiveShell
from pyswitch import _frame_modules
shell = InteractiveShell.instance()
asked = []  # the files of the frames inspect.getmodule was asked about
_getmodule = inspect.getmodule
def _counting(object, _filename=None):
    if isinstance(object, types.FrameType):
        asked.append(object.f_code.co_filename)
    return _getmodule(object, _filename)
inspect.getmodule = _counting
if "--view" in sys.argv:
    _frame_modules.install(ultratb, lambda filename: filename in shell.compile._filename_map)
"""


def run(python, code, *args):
    return run_fresh(python, SETUP, code, *args)


TRACEBACKS = """
import json
shell.run_cell("def f(x):\\n    return 1 / x\\n")
shell.run_cell("import json\\ndef g(text):\\n    return json.loads(text)\\n")
cells = ["f(0)", "raise KeyboardInterrupt", "g('not json')", "undefined_name",
         "[f(x) for x in (1, 0)]", "import os; os.path.join(1, 2)"]
texts = []
for cell in cells:
    shell.run_cell(cell)
    texts.append(shell.InteractiveTB.structured_traceback(sys.last_type, sys.last_value, sys.last_traceback))
cell_files = set(shell.compile._filename_map)
report(texts=texts, asked_cells=sum(name in cell_files for name in asked),
       asked_others=sorted(set(name for name in asked if name not in cell_files)))
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_tracebacks_are_the_same_and_ask_nothing_about_cells(python):
    viewed = run(python, TRACEBACKS, "--view")
    own = run(python, TRACEBACKS)
    assert viewed["texts"] == own["texts"]
    assert "ZeroDivisionError" in "".join(viewed["texts"][0])
    assert "JSONDecodeError" in "".join(viewed["texts"][2])  # through a module's frames
    assert viewed["asked_cells"] == 0
    # What is not a cell is still asked (IPython's run_code frame, json's), as before.
    assert viewed["asked_others"] == own["asked_others"]
    if own["asked_cells"] == 0:  # IPython 8.5 never asks: nothing to save there
        assert own["asked_others"] == []


VIEW = """
import json
view = ultratb.inspect
def frame_of(function, *args):
    try:
        function(*args)
    except Exception:
        tb = sys.exc_info()[2]
        while tb.tb_next is not None:
            tb = tb.tb_next
        return tb.tb_frame
shell.run_cell("import sys\\ndef h():\\n    return sys._getframe()\\n")
cell_frame = shell.user_ns["h"]()
json_frame = frame_of(json.loads, "x")
report(is_view=view is not inspect, same_functions=[getattr(view, name) is getattr(inspect, name)
                                                    for name in ("getsourcefile", "getfile", "isclass", "getsourcelines")],
       name=view.__name__,
       cell=repr(view.getmodule(cell_frame)), cell_with_filename=repr(view.getmodule(cell_frame, "elsewhere.py")),
       json_frame=getattr(view.getmodule(json_frame), "__name__", None),
       function=getattr(view.getmodule(json.loads), "__name__", None),
       asked=len(asked))
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_the_view_is_inspect_but_for_cell_frames(python):
    viewed = run(python, VIEW, "--view")
    assert viewed["is_view"] and viewed["same_functions"] == [True] * 4 and viewed["name"] == "inspect"
    assert viewed["cell"] == "None"
    assert viewed["json_frame"] == "json.decoder" and viewed["function"] == "json"
    # Only the frames that are not a cell's reached inspect.getmodule: the one with a file given, json's.
    assert viewed["asked"] == 2
    own = run(python, VIEW)
    assert not own["is_view"]
    assert (own["cell"], own["json_frame"], own["function"]) == ("None", "json.decoder", "json")


ALREADY_CHANGED = """
replaced = types.ModuleType("inspect")
ultratb.inspect = replaced
_frame_modules.install(ultratb, lambda filename: True)
report(left_alone=ultratb.inspect is replaced)
"""


@pytest.mark.parametrize("python", PYTHONS[:1])
def test_an_ultratb_whose_inspect_is_not_the_module_is_left_alone(python):
    assert run(python, ALREADY_CHANGED)["left_alone"]
