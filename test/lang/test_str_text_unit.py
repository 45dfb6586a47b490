"""A str's text/plain in IPython mode (_str_text): the same text as IPython's pretty printer gives,
for every kind of str and every way a user can change how a str prints, without the pretty printer
for a plain str.

Each case runs in a fresh interpreter, on each Python found with IPython: Debian's (the one running
pytest) and pyenv's.
"""
import pytest

from interpreters import pythons_with_ipython, run_fresh

PYTHONS = pythons_with_ipython()
pytestmark = pytest.mark.skipif(not PYTHONS, reason="no Python here has IPython")

CASES = r"""
from IPython.core import formatters
from IPython.lib import pretty
from pyswitch import _formatter_calls, _str_text
if "--direct" in sys.argv:
    _formatter_calls.install(formatters)
if "--str-text" in sys.argv:
    _str_text.install(formatters)
    _str_text.install(formatters)  # again: one wrapper, not two

printers = []
stock_init = pretty.RepresentationPrinter.__init__
def counted_init(self, *args, **kwargs):
    printers.append(1)
    stock_init(self, *args, **kwargs)
pretty.RepresentationPrinter.__init__ = counted_init

class Sub(str):
    def __repr__(self): return "Sub!"

texts = ["", "plain", "with\nnewline", "cr\r\nlf", "tab\t", "quote'", 'dq"', "both'\"", "back\\slash",
         "\x00\x7f", "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", "caf\xe9", "\u65e5\u672c", "\U0001F600",
         "\ud800", "\u200b\u00a0", "x" * 100000 + "\n" + "y"]
plain = formatters.PlainTextFormatter()
results = [plain(text) for text in texts] + [plain(Sub("s")), plain(1), plain(["a\nb"])]
fast = len(printers)
plain.pprint = False
results.append(plain("no pprint"))
plain.pprint = True
special = "special"
plain.singleton_printers[id(special)] = lambda obj, p, cycle: p.text("singleton")
results.append(plain(special))
plain.for_type(str, lambda obj, p, cycle: p.text("custom %d" % len(obj)))
results.append(plain("by type"))
other = formatters.PlainTextFormatter()
other.for_type_by_name("builtins", "str", lambda obj, p, cycle: p.text("deferred"))
results.append(other("by name"))
report(results=results, fast_printers=fast, qualname=formatters.PlainTextFormatter.__call__.__qualname__,
       wrapped=formatters.PlainTextFormatter.__call__.__wrapped__.__qualname__)
"""


@pytest.mark.parametrize("calls", [[], ["--direct"]], ids=["decorated", "direct"])
@pytest.mark.parametrize("python", PYTHONS)
def test_a_str_prints_as_ipython_prints_it(python, calls):
    stock = run_fresh(python, "", CASES, *calls)
    fast = run_fresh(python, "", CASES, *calls, "--str-text")
    assert fast["results"] == stock["results"]
    assert "custom 7" in stock["results"] and "singleton" in stock["results"]
    # The stock way builds a printer for each of the 17 texts, the Sub and the 2 others; without
    # it only the Sub, the int and the list need one.
    assert stock["fast_printers"] == 20
    assert fast["fast_printers"] == 3
    assert fast["qualname"] == stock["qualname"] == "PlainTextFormatter.__call__"
    assert fast["wrapped"] == stock["wrapped"]
