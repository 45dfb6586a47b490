"""Tracebacks highlighted without redoing unchanged work (_highlight_cache): a pygments lexer
subclass without rules of its own reuses its parent's compiled rules, and a 256-colour formatter
its escape codes from an earlier one with the same options and style table. IPython's
tracebacks, any lexing and any formatter come out the same as without them, and a traceback no
longer compiles the Python grammar nor sets up a formatter.

Each case runs in a fresh interpreter, on each Python found with IPython (and so pygments):
Debian's (the one running pytest) and pyenv's.
"""
import pytest

from interpreters import pythons_with_ipython, run_fresh

PYTHONS = pythons_with_ipython()
pytestmark = pytest.mark.skipif(not PYTHONS, reason="no Python here has IPython")

SETUP = """
import pygments.lexer
from pygments.formatters.terminal256 import Terminal256Formatter
from pyswitch import _highlight_cache
compiled = []  # the lexer classes whose rules pygments compiled
_process = pygments.lexer.RegexLexerMeta.process_tokendef
def _counting(cls, *args):
    compiled.append(cls.__name__)
    return _process(cls, *args)
pygments.lexer.RegexLexerMeta.process_tokendef = _counting
set_up = []  # the formatters whose escape codes pygments computed
_setup = Terminal256Formatter._setup_styles
def _counting_setup(self):
    set_up.append(type(self).__name__)
    return _setup(self)
Terminal256Formatter._setup_styles = _counting_setup
if "--cached" in sys.argv:
    _highlight_cache.share_lexer_rules(pygments.lexer)
    _highlight_cache.keep_terminal256_styles(sys.modules["pygments.formatters.terminal256"])
"""


def run(python, code, *args):
    return run_fresh(python, SETUP, code, *args)


# Coloured, as the kernel sends them: the highlighting is what the rules produce.
TRACEBACKS = """
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_cell("def f(x):\\n    return 1 / x\\n")
texts = []
cells = ("f(0)", "raise KeyboardInterrupt", "undefined_name", "import os; os.path.join(1, 2)",
         "s = 'text'  # a comment\\nx = [1, 2.5, {'k': b'v'}]\\nlambda: s.nope()\\n(lambda: s.nope)()()",
         "raise KeyboardInterrupt")
for cell in cells:
    shell.run_cell(cell)
    if cell == cells[0]:
        del compiled[:], set_up[:]  # the first traceback compiles and sets up for real
    etype, value, tb = sys.last_type, sys.last_value, sys.last_traceback
    texts.append(shell.InteractiveTB.structured_traceback(etype, value, tb))
report(texts=texts, compiled=compiled, set_up=set_up)
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_tracebacks_are_the_same_and_compile_and_set_up_nothing(python):
    cached = run(python, TRACEBACKS, "--cached")
    own = run(python, TRACEBACKS)
    assert cached["texts"] == own["texts"]
    assert "\x1b[38;5;" in "".join(cached["texts"][0])  # the 256-colour highlighting is in it
    assert "KeyboardInterrupt" in "".join(cached["texts"][1])
    assert own["compiled"], "each traceback compiled a lexer subclass: the case this module is for"
    assert own["set_up"], "each traceback set up a formatter: the case this module is for"
    assert cached["compiled"] == [] and cached["set_up"] == []


LEXING = """
from pygments.lexers import PythonLexer
from pygments.token import Name
source = "def f(a, *b, **c):\\n    '''doc'''\\n    return [x async for x in a] + f'{b!r:>10}' @ 0x1f\\n"

def tokens(lexer_class):
    return [[str(kind), text] for kind, text in lexer_class().get_tokens(source)]

PythonLexer()  # the parent's rules are compiled before the subclasses are made
class Marking(PythonLexer):  # as stack_data's: no rules, another get_tokens
    def get_tokens(self, text):
        for kind, value in super().get_tokens(text):
            yield (kind.Marked if value == "f" else kind), value
class WithRules(PythonLexer):
    tokens = dict(PythonLexer.tokens, root=[(r"def", Name.Special)] + PythonLexer.tokens["root"])
class Mixin(object):
    pass
class TwoParents(PythonLexer, Mixin):
    pass
report(plain=tokens(PythonLexer), marking=tokens(Marking), with_rules=tokens(WithRules),
       two_parents=tokens(TwoParents), compiled=compiled,
       shares=[vars(cls).get("_tokens") is vars(PythonLexer)["_tokens"] for cls in (Marking, WithRules, TwoParents)])
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_only_a_subclass_without_rules_of_its_own_shares_and_lexes_the_same(python):
    shared = run(python, LEXING, "--cached")
    own = run(python, LEXING)
    for key in ("plain", "marking", "with_rules", "two_parents"):
        assert shared[key] == own[key], key
    assert any(kind.endswith(".Marked") for kind, _ in shared["marking"])
    assert shared["with_rules"] != shared["plain"]  # its own rule came first
    assert shared["shares"] == [True, False, False]
    assert shared["compiled"] == ["PythonLexer", "WithRules", "TwoParents"]
    assert own["shares"] == [False, False, False]


FORMATTERS = """
import pygments.formatters.terminal256 as terminal256
from pygments.style import Style
from pygments.styles import get_style_by_name
from pygments.token import Keyword, Name
class Own(Style):
    styles = {Keyword: "bold #ff0000", Name: "italic underline bg:#00ff00 #123456"}
class Derived(Own):  # same rules as Own, another class
    pass
class Changed(Own):
    styles = {**Own.styles, Keyword: "#00ff00"}
made = []
cases = [(style, {}) for style in ("default", "monokai", Own, Derived, Changed, Own, "default")]
cases += [("default", options) for options in ({"nobold": True}, {"noitalic": True, "nounderline": True},
                                               {"nobold": True})]
for style, options in cases:
    for kind in (terminal256.Terminal256Formatter, terminal256.TerminalTrueColorFormatter):
        formatter = kind(style=style, **options)
        made.append([kind.__name__, str(style), sorted(options),
                     sorted(formatter.style_string.items()),
                     sorted((str(k), v) for k, v in formatter.best_match.items())])
report(made=made, set_up=set_up)
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_formatters_have_the_same_escape_codes_as_when_set_up(python):
    cached = run(python, FORMATTERS, "--cached")
    own = run(python, FORMATTERS)
    assert cached["made"] == own["made"]
    codes = [repr(made[3]) for made in own["made"] if made[0] == "Terminal256Formatter"]
    assert len(set(codes)) == 6  # the styles and options tell apart, but Own and Derived
    # Set up once per table (default, monokai, Own = Derived, Changed) and options (3 more of
    # default's); the true-colour subclass, with its own colours, is left as it is.
    assert cached["set_up"].count("Terminal256Formatter") == 6
    assert own["set_up"].count("Terminal256Formatter") == 10
