"""complete requests in IPython mode: IPython's own matchers merged with the plain-mode completers.

IPython knows its syntax (`%ti` -> magics, `!ls` and file names in strings, `from sys imp` ->
`import `); jedi and the live objects know Python. Where the live objects settle the context
(`os.pa`, `d["k`) they answer alone, without IPython's matchers or jedi: the fast path. IPython's
completer runs without its jedi, which is the plain mode's (time-boxed, text before the cursor).
"""
import re

from IPython.core.completer import provisionalcompleter

from . import _completion, _ipython_shell


def complete(request):
    code, cursor = _completion.code_and_cursor(request)
    matches, settled = _completion.candidates(code, cursor)
    if not settled:
        matches = matches + _ipython_matches(code, cursor)
    return _completion.reply(code, cursor, matches)


def _ipython_matches(code, cursor):
    try:
        with provisionalcompleter():
            found = list(_ipython_shell.shell.Completer.completions(code, cursor))
    except Exception:  # a matcher failing on half-typed code must not cost the other matches
        return []
    return [(c.start, c.text, c.type or "", c.signature or "") for c in found
            if c.end == cursor and not _PYTHON_MATCHERS.search(getattr(c, "_origin", "") or "")]


# What IPython's own Python matchers (its eval-based attributes and keyword arguments) find is
# jedi's and the live objects' here; with jedi, IPython leaves them out too (IPCompleter.matchers).
_PYTHON_MATCHERS = re.compile(r"python_(matches|func_kw)")
