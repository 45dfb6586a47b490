"""The user's names as completion and inspection see them, and dotted names resolved in them.

Resolving runs getattr (so properties and __getattr__ run, as in IPython and jedi) but never
calls anything the user did not write as a plain attribute access: no calls, no subscripts.
"""
import builtins
import sys

MISSING = object()


def user_namespace():
    return sys.modules["__main__"].__dict__


def lookup(dotted):
    """The object a dotted name (`os.path.join`) denotes, or MISSING. Never raises."""
    parts = dotted.split(".")
    namespace = user_namespace()
    if parts[0] in namespace:
        obj = namespace[parts[0]]
    elif parts[0] in builtins.__dict__:
        obj = builtins.__dict__[parts[0]]
    else:
        return MISSING
    for part in parts[1:]:
        try:
            obj = getattr(obj, part)
        except Exception:  # any failure of user code: the name just does not resolve
            return MISSING
    return obj


def is_shown(name, prefix):
    """Private names (`_x`, `__x__`) only once the user has typed the underscore, as IPython."""
    return name.startswith(prefix) and (prefix.startswith("_") or not name.startswith("_"))
