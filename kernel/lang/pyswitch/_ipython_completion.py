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
            found = list(_bracket_first(_ipython_shell.shell.Completer).completions(code, cursor))
    except Exception:  # a matcher failing on half-typed code must not cost the other matches
        return []
    return [(c.start, c.text, c.type or "", c.signature or "") for c in found
            if c.end == cursor and not _PYTHON_MATCHERS.search(getattr(c, "_origin", "") or "")]


def _bracket_first(completer):
    # IPython's dict-key matcher searches the text before the cursor with a regex that is quadratic in
    # its length, in C where no interrupt or time box reaches it: 4 s for an unterminated string of 10k
    # characters, minutes for 100k (ipykernel too). The regex matches only a "[" after an expression,
    # so text without one is answered [] at once, as the search would answer it.
    if "dict_key_matches" not in vars(completer):
        search = completer.dict_key_matches

        def dict_key_matches(text):
            if "[" not in completer.text_until_cursor:
                return []
            return search(text)

        completer.dict_key_matches = dict_key_matches
    return completer


# What IPython's own Python matchers (its eval-based attributes and keyword arguments) find is
# jedi's and the live objects' here; with jedi, IPython leaves them out too (IPCompleter.matchers).
_PYTHON_MATCHERS = re.compile(r"python_(matches|func_kw)")
