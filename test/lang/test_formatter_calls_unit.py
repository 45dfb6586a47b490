"""IPython's formatters called without decorator 5's binding of each call (_formatter_calls): what
every formatter returns, the tracebacks of failing ones, the warnings about bad return types,
the signatures that introspection sees and the errors of wrong calls are the same as with
IPython's own wrappers, which are gone.

Each case runs in a fresh interpreter, on each Python found with IPython: Debian's (the one
running pytest) and pyenv's.
"""
import pytest

from interpreters import pythons_with_ipython, run_fresh

PYTHONS = pythons_with_ipython()
pytestmark = pytest.mark.skipif(not PYTHONS, reason="no Python here has IPython")

SETUP = """
from IPython.core import formatters
from pyswitch import _formatter_calls
classes = [c for c in vars(formatters).values() if isinstance(c, type) and "__call__" in vars(c)]
decorated = {c.__name__: vars(c)["__call__"] for c in classes}
if "--direct" in sys.argv:
    _formatter_calls.install(formatters)
replaced = sorted(c.__name__ for c in classes if vars(c)["__call__"] is not decorated[c.__name__])
"""

FORMATTING = r"""
import contextlib, inspect, io, warnings
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.formatters import (BaseFormatter, IPythonDisplayFormatter, MimeBundleFormatter,
                                     PlainTextFormatter)
shell = InteractiveShell.instance(colors="NoColor")
display = shell.display_formatter

class Rich(object):
    def _repr_html_(self): return "<b>rich</b>"
    def _repr_markdown_(self): return "*rich*", {"md": 1}
    def _repr_png_(self): return b"\x89PNG"
    def _repr_json_(self): return {"a": [1, 2]}
    def _repr_latex_(self): return r"$x$"
    def __repr__(self): return "Rich()"

class Bundle(object):
    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": "bundle %r %r" % (include, exclude), "text/html": "<i>b</i>"}, {"x": 1}
    def __repr__(self): return "Bundle()"

class Failing(object):
    def _repr_html_(self): raise ValueError("no html")
    def _repr_markdown_(self): raise NotImplementedError
    def _repr_svg_(self): return 42  # not a str: FormatterWarning
    def __repr__(self): return "Failing()"

class Shown(object):
    def _ipython_display_(self): print("displayed itself")
    def __repr__(self): return "Shown()"

class BadRepr(object):
    def __repr__(self): raise RuntimeError("no repr")

def call(function, *args, **kwargs):
    # What a call returns or raises, what it prints, and the warnings it gives.
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(out):
        warnings.simplefilter("always")
        try:
            result = ["returned", repr(function(*args, **kwargs))]
        except Exception as exc:
            result = ["raised", type(exc).__name__]
    return result + [out.getvalue(), [(w.category.__name__, str(w.message)) for w in caught]]

objects = [1, 2.5, "text", None, [1, {"k": (2, 3)}], Rich(), Bundle(), Failing(), Shown(), BadRepr(),
           int, Rich]
results = []
for obj in objects:
    results.append(call(display.format, obj))
    results.append(call(display.format, obj, include=["text/plain", "text/html"]))
    results.append(call(display.format, obj, exclude=["text/html"]))
    for mime, formatter in display.formatters.items():
        results.append([mime, call(formatter, obj)])
    results.append(call(display.mimebundle_formatter, obj, include=["text/plain"], exclude=None))
    results.append(call(display.mimebundle_formatter, obj=obj, exclude=["text/html"]))
    results.append(call(display.ipython_display_formatter, obj))
plain = display.formatters["text/plain"]
results.append(call(plain, obj=3))
# Wrong calls raise before anything runs.
wrong = [call(plain), call(plain, 1, 2), call(display.mimebundle_formatter, Bundle(), ["text/plain"], None, 4)]
html = display.formatters["text/html"]
html.for_type(int, lambda n: "<i>%d</i>" % n)
results.append(call(html, 7))
html.enabled = False
results.append(call(html, 7))
plain.pprint = False
results.append(call(plain, [1, 2]))
introspection = [[str(inspect.signature(cls.__call__)), cls.__call__.__name__,
                  cls.__call__.__qualname__, cls.__call__.__doc__, cls.__call__.__module__,
                  cls.__call__.__wrapped__.__qualname__]
                 for cls in (BaseFormatter, PlainTextFormatter, IPythonDisplayFormatter,
                             MimeBundleFormatter)]
report(results=results, wrong=[result[:2] + result[3:] for result in wrong], introspection=introspection,
       replaced=replaced)
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_formatters_give_the_same_without_decorator_binding(python):
    direct = run_fresh(python, SETUP, FORMATTING, "--direct")
    own = run_fresh(python, SETUP, FORMATTING)
    assert direct["results"] == own["results"]
    assert direct["introspection"] == own["introspection"]
    assert own["replaced"] == []
    assert direct["replaced"] == ["BaseFormatter", "IPythonDisplayFormatter", "MimeBundleFormatter",
                                  "PlainTextFormatter"]
    printed = "".join(result[2] for result in own["results"] if result[0] in ("returned", "raised"))
    assert "ValueError: no html" in printed  # a failing formatter's traceback, the same in both
    warned = [w for result in own["results"] if result[0] in ("returned", "raised") for w in result[3]]
    assert "FormatterWarning" in {category for category, _ in warned}
    # Python's message instead of inspect's, and nothing printed or warned.
    assert direct["wrong"] == own["wrong"] == [["raised", "TypeError", []]] * 3


SHELL = """
from pyswitch import _formatter_calls
from IPython.core import formatters
from IPython.core.interactiveshell import InteractiveShell
_formatter_calls.install(formatters)
_formatter_calls.install(formatters)  # again: a second interpreter start in the process
shell = InteractiveShell.instance(colors="NoColor")
result = shell.run_cell("class R:\\n    def _repr_html_(self): return '<p>r</p>'\\nR()")
report(html=shell.display_formatter.format(result.result)[0].get("text/html"),
       file=formatters.BaseFormatter.__call__.__code__.co_filename)
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_installing_twice_keeps_one_direct_call(python):
    facts = run_fresh(python, "", SHELL)
    assert facts["html"] == "<p>r</p>"
    assert facts["file"].endswith("_formatter_calls.py")
