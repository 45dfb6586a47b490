"""IPython imported with its terminal, jedi and stack_data deferred (_deferred_imports): nothing of them runs at
start-up, and everything IPython offers through them still works, and is the same object, once used.

Each case runs in a fresh interpreter (the deferral happens once per interpreter, at IPython's
import), on each Python found with IPython: Debian's (the one running pytest) and pyenv's.
"""
import json
import subprocess

import pytest

from interpreters import HERE, LANG, pythons_with_ipython, run_fresh

PYTHONS = pythons_with_ipython()

SETUP = """
from pyswitch import _deferred_imports
if "--not-deferred" not in sys.argv:
    _deferred_imports.import_ipython()
from IPython.core.interactiveshell import InteractiveShell
import contextlib
# As the kernel does: the shell's creation (its magics) defers some modules too.
with (contextlib.nullcontext() if "--not-deferred" in sys.argv
      else _deferred_imports.deferring(until_used_only=True)):
    shell = InteractiveShell.instance()
"""


def run(python, code, *args):
    return run_fresh(python, SETUP, code, *args)


pytestmark = pytest.mark.skipif(not PYTHONS, reason="no Python here has IPython")


@pytest.mark.parametrize("python", PYTHONS)
def test_neither_the_terminal_nor_jedi_runs_until_used(python):
    facts = run(python, """
shell.run_cell("x = 1")
report(prompt_toolkit="prompt_toolkit" in sys.modules, parso="parso" in sys.modules,
       executing="executing" in sys.modules,
       jedi_ran="Interpreter" in vars(sys.modules["jedi"]) if "jedi" in sys.modules else None)
""")
    assert facts["prompt_toolkit"] is False
    assert facts["parso"] is False
    assert facts["executing"] is False  # stack_data's, which only a traceback needs
    assert facts["jedi_ran"] in (False, None)  # None: this Python's IPython does not import jedi


@pytest.mark.parametrize("python", PYTHONS)
def test_embed_is_the_terminals_own_function_once_asked_for(python):
    facts = run(python, """
import IPython
from IPython import embed
import IPython.terminal.embed as terminal_embed
report(same=embed is terminal_embed.embed is IPython.embed, module=embed.__module__,
       shell_class=terminal_embed.InteractiveShellEmbed.__name__,
       star=sorted(n for n in terminal_embed.__dict__ if n == "InteractiveShellEmbed"),
       prompt_toolkit="prompt_toolkit" in sys.modules)
""")
    assert facts == {"same": True, "module": "IPython.terminal.embed", "shell_class": "InteractiveShellEmbed",
                     "star": ["InteractiveShellEmbed"], "prompt_toolkit": True}


@pytest.mark.parametrize("python", PYTHONS)
def test_jedi_runs_on_first_use_with_ipythons_setting_kept(python):
    facts = run(python, """
import jedi
import IPython.core.completer as completer
from IPython.core.completer import provisionalcompleter
shell.run_cell("import os")
shell.Completer.use_jedi = True  # IPython's own jedi matcher, which reaches jedi.api.helpers
with provisionalcompleter():
    texts = [c.text for c in shell.Completer.completions("os.path.jo", 10)]
report(interpreter=jedi.Interpreter.__name__, case=jedi.settings.case_insensitive_completion,
       installed=completer.JEDI_INSTALLED, texts=texts, helpers=hasattr(jedi.api.helpers, "get_on_completion_name"))
""")
    assert facts["interpreter"] == "Interpreter"
    assert facts["case"] is False  # what IPython's completer set while jedi was deferred
    assert facts["installed"] is True
    assert "join" in facts["texts"] or "os.path.join" in facts["texts"]
    assert facts["helpers"] is True


@pytest.mark.parametrize("python", PYTHONS)
def test_a_jedi_imported_before_ipython_is_left_as_it_is(python):
    code = """
import sys
sys.path[:0] = [%r, %r]
import fake_host
import jedi
before = jedi.Interpreter
from pyswitch import _deferred_imports
_deferred_imports.import_ipython()
import IPython.core.completer
print(type(jedi).__name__, jedi.Interpreter is before, jedi is sys.modules["jedi"])
""" % (HERE, LANG)
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["module", "True", "True"]


TRACEBACKS = """
shell.run_cell("def f(x):\\n    return 1 / x\\n")
texts = []
shell.InteractiveTB.set_colors("NoColor")
for cell in ("f(0)", "undefined_name", "import os; os.path.join(1, 2)"):
    shell.run_cell(cell)
    etype, value, tb = sys.last_type, sys.last_value, sys.last_traceback
    texts.append(shell.InteractiveTB.stb2text(shell.InteractiveTB.structured_traceback(etype, value, tb)))
report(texts=texts, executing="executing" in sys.modules)
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_tracebacks_are_the_same_as_with_nothing_deferred(python):
    deferred = run(python, TRACEBACKS)
    eager = run(python, TRACEBACKS, "--not-deferred")
    assert deferred["executing"] is True  # the first traceback loaded stack_data
    assert deferred["texts"] == eager["texts"]
    assert "ZeroDivisionError" in deferred["texts"][0] and "return 1 / x" in deferred["texts"][0]


@pytest.mark.parametrize("python", PYTHONS[:1])
def test_threads_asking_at_once_get_the_module_run_once(python):
    facts = run(python, """
import threading
import stack_data
found, errors = [], []
def ask():
    try:
        found.append(stack_data.FrameInfo)
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=ask) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
report(errors=errors, same=len(set(map(id, found))) == 1, count=len(found), kind=type(stack_data).__name__)
""")
    assert facts == {"errors": [], "same": True, "count": 8, "kind": "module"}


CELLS = ["!echo shell-ok", "x = !echo captured\nprint(x)", "help(len)",
         "import pickle; print(pickle.loads(pickle.dumps({'a': [1, 2]})))",
         "import csv, io; print(list(csv.reader(io.StringIO('a,b'))))",
         "import calendar; print(calendar.isleap(2024))",
         "import logging.handlers; print(logging.handlers.RotatingFileHandler.__name__)",
         "import mimetypes; print(mimetypes.guess_type('a.png')[0])",
         "import uuid; print(len(uuid.uuid4().hex))",
         "import runpy, code, shlex; print(shlex.split('a b'), callable(runpy.run_path), code.InteractiveConsole.__name__)",
         "%timeit -n1 -r1 -q 1", "%prun -q -l 1 sum(range(10))",
         "import asyncio\nawait asyncio.sleep(0)\nprint(await asyncio.sleep(0, 'ran'))",
         "import ssl, asyncio.sslproto\nprint(ssl.create_default_context().verify_mode, asyncio.sslproto.SSLProtocol.__name__)",
         "import http.client, urllib.request\nprint(http.client.HTTPSConnection('localhost').port, urllib.request.HTTPSHandler.__name__)"]

USED_INSIDE_FUNCTIONS = """
from pyswitch._deferred_imports import _UNTIL_USED, _Deferred
shell.run_cell("x = 1")
unrun = sorted(name for name in _UNTIL_USED if type(sys.modules.get(name)) is _Deferred)
import io, contextlib
cells = json.loads(sys.argv[-1])
outputs = []
for cell in cells:
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        result = shell.run_cell(cell)
    outputs.append([result.success, captured.getvalue()])
report(unrun=unrun, outputs=outputs,
       still_deferred=sorted(name for name in _UNTIL_USED if type(sys.modules.get(name)) is _Deferred))
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_modules_used_only_inside_functions_run_when_used(python):
    deferred = run(python, USED_INSIDE_FUNCTIONS, json.dumps(CELLS))
    eager = run(python, USED_INSIDE_FUNCTIONS, "--not-deferred", json.dumps(CELLS))
    # IPython 8.5 and 8.12 both import these as `import m` and do not use them at start-up.
    assert {"pexpect", "pydoc", "logging.handlers", "shlex", "cProfile", "ssl",
            "asyncio.sslproto"} <= set(deferred["unrun"])
    assert eager["unrun"] == []
    assert deferred["outputs"] == eager["outputs"]
    assert [cell for cell, (success, _) in zip(CELLS, deferred["outputs"]) if not success] == []
    assert "shell-ok" in deferred["outputs"][0][1] and "captured" in deferred["outputs"][1][1]
    assert deferred["still_deferred"] == []
