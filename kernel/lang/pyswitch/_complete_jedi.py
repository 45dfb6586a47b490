"""Completion by jedi, when the active interpreter can import it.

jedi reads the cell's text as well as the live namespace, so it knows names the cell binds before
it runs, parameters of the function being written, and the types of expressions such as
`"abc".up`. It is imported on first use only (~100 ms), and each call is time-boxed: a first
call on a big object can take seconds.
"""
from . import _timebox
from ._namespace import is_shown, user_namespace

DEADLINE_S = 1.0

_jedi = None  # the module once imported; False when it cannot be


def available():
    global _jedi
    if _jedi is None:
        try:
            import jedi
            jedi.settings.case_insensitive_completion = False  # as IPython sets it
            _jedi = jedi
        except Exception:  # absent, or broken in this environment
            _jedi = False
    return _jedi is not False


def complete(code, cursor):
    """[(start, text, type, signature)] at cursor, or None when jedi fails or runs out of time."""
    from parso.utils import split_lines  # jedi's own line splitting, so positions agree
    # Only the text before the cursor, as IPython: less to parse, and what follows the cursor
    # is often half-typed anyway.
    before = code[:cursor]
    lines = split_lines(before)
    try:
        completions = _timebox.run(
            lambda: _jedi.Interpreter(before, [user_namespace()]).complete(len(lines), len(lines[-1])),
            DEADLINE_S)
    except Exception:  # Expired, or jedi failing on this code
        return None
    matches = []
    for completion in completions:
        typed = len(completion.name) - len(completion.complete)
        if is_shown(completion.name, completion.name[:typed]):
            matches.append((cursor - typed, completion.name_with_symbols, completion.type, ""))
    return matches
