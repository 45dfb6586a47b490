"""Tracebacks highlighted without redoing unchanged work (_highlight_cache): a pygments lexer
subclass without rules of its own reuses its parent's compiled rules, a 256-colour formatter
its escape codes from an earlier one with the same options and style table, and stack_data's
executing-node style the class made before for the same base, modifier and base table.
IPython's tracebacks, any lexing, any formatter and any such style come out the same as without
them, and a traceback no longer compiles the Python grammar, sets up a formatter nor makes a
style class.

Each case runs in a fresh interpreter, on each Python found with IPython (and so pygments):
Debian's (the one running pytest) and pyenv's.
"""
import pytest

from interpreters import pythons_with_ipython, run_fresh

PYTHONS = pythons_with_ipython()
pytestmark = pytest.mark.skipif(not PYTHONS, reason="no Python here has IPython")

SETUP = """
import pygments.lexer
import pygments.style
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
styled = []  # the style classes that pygments made
_make_style = pygments.style.StyleMeta.__new__
def _counting_style(mcs, name, *args):
    styled.append(name)
    return _make_style(mcs, name, *args)
pygments.style.StyleMeta.__new__ = _counting_style
import stack_data, stack_data.core  # the package binds the function before it is patched
if "--cached" in sys.argv:
    _highlight_cache.share_lexer_rules(pygments.lexer)
    _highlight_cache.keep_terminal256_styles(sys.modules["pygments.formatters.terminal256"])
    _highlight_cache.keep_executing_node_styles(stack_data.core)
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
        del compiled[:], set_up[:], styled[:]  # the first traceback does it all for real
    etype, value, tb = sys.last_type, sys.last_value, sys.last_traceback
    texts.append(shell.InteractiveTB.structured_traceback(etype, value, tb))
report(texts=texts, compiled=compiled, set_up=set_up, styled=styled)
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
    assert own["styled"], "each traceback made a style class: the case this module is for"
    assert cached["compiled"] == [] and cached["set_up"] == [] and cached["styled"] == []


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


EXECUTING_NODE_STYLES = """
from pygments.style import Style
from pygments.styles import get_style_by_name
from pygments.token import Keyword, Name
class Own(Style):
    styles = {Keyword: "bold #ff0000", Name: "italic #123456"}
make = stack_data.style_with_executing_node
cases = [("default", "bg:ansiyellow"), ("default", "bg:ansiyellow"), (get_style_by_name("default"), "bg:ansiyellow"),
         ("default", "bold"), ("monokai", "bg:ansiyellow"), (Own, "bg:#00ff00"), (Own, "bg:#00ff00")]
made, classes = [], []
for base, modifier in cases:
    style = make(base, modifier)
    classes.append(style)
    made.append([str(base), modifier, style.for_executing_node, sorted((str(k), v) for k, v in style._styles.items())])
Own.styles[Name] = "underline #654321"  # the base's table changed: the next class must show it
style = make(Own, "bg:#00ff00")
made.append(["Own changed", sorted((str(k), v) for k, v in style._styles.items())])
try:
    make("default", "bg:#12")  # a colour pygments refuses
    refused = None
except AssertionError as exc:
    refused = str(exc)
report(made=made, refused=refused, same=[classes[i] is classes[j] for i, j in ((0, 1), (0, 2), (0, 3), (5, 6))],
       patched=stack_data.style_with_executing_node is stack_data.core.style_with_executing_node)
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_executing_node_styles_are_the_same_classes_as_when_made(python):
    cached = run(python, EXECUTING_NODE_STYLES, "--cached")
    own = run(python, EXECUTING_NODE_STYLES)
    assert cached["made"] == own["made"]
    assert cached["made"][-1][1] != cached["made"][-2][3]  # the changed table shows
    assert cached["refused"] == own["refused"] and own["refused"]
    # One class per base, modifier and table: a name and its class share one.
    assert cached["same"] == [True, True, False, True] and cached["patched"]
    assert own["same"] == [False, False, False, False]
