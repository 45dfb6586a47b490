"""Completion by jedi, when the active interpreter can import it.

jedi reads the cell's text as well as the live namespace, so it knows names the cell binds before
it runs, parameters of the function being written, and the types of expressions such as
`"abc".up`. It is imported on first use only (~100 ms), and each call is time-boxed: a first
call on a big object can take seconds.
"""
import os
import pickle
import time

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

    def matches():
        # A completion's type is inferred when asked (parsing the modules it comes from): inside
        # the time box too.
        found = []
        for completion in _jedi.Interpreter(before, [user_namespace()]).complete(len(lines), len(lines[-1])):
            typed = len(completion.name) - len(completion.complete)
            if is_shown(completion.name, completion.name[:typed]):
                found.append((cursor - typed, completion.name_with_symbols, completion.type, ""))
        return found

    deadline = time.monotonic() + DEADLINE_S
    try:
        while True:
            try:
                return _timebox.run(matches, max(0.0, deadline - time.monotonic()))
            except (EOFError, pickle.UnpicklingError) as error:  # one cache file at a time, within the deadline
                if not _remove_cut_cache_file(error):
                    raise
    except Exception:  # Expired, or jedi failing on this code
        return None


def _remove_cut_cache_file(error):
    """Removes the parso cache file whose load raised `error`; True when there was one.

    parso writes its pickles in place, so one read while another kernel writes it, or left by a
    writer that died, is cut short, and every later completion that needs that module fails on it
    until the file goes (parso then parses the module again and writes a whole one)."""
    tb = error.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "_load_from_file_system" and "parso" in frame.f_code.co_filename:
            path = frame.f_locals.get("cache_path")
            if isinstance(path, str) and path.endswith(".pkl"):
                try:
                    os.remove(path)
                except FileNotFoundError:
                    pass  # another kernel removed it first
                except OSError:
                    return False
                return True
        tb = tb.tb_next
    return False
