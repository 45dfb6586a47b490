"""Completion from the live objects: the user's names, attributes of objects reached by plain
names (`os.path.jo`), dict keys (`d["k`), and module names in import statements.

Where the context is one of these it is exact and fast (no parsing of the cell), so it answers
even when jedi is present; only what it cannot resolve goes to jedi. Matches are
(start, text, type, signature) with start a code-point offset into the cell.
"""
import builtins
import keyword
import re
import sys
import types

from . import _modules, _stdlib
from ._namespace import MISSING, is_shown, lookup, user_namespace

_IDENT = r"[^\W\d]\w*"
_DOTTED = _IDENT + r"(?:\s*\.\s*" + _IDENT + r")*"
# Not right after a closing bracket, a quote, a dot or a word: `f().x`, `"a".x`, `a[0].x` are
# expressions, whose value only evaluating them (jedi's job, not ours) would tell.
_FRESH = r"(?<![\w.)\]}'\"])"
_DICT_KEY = re.compile(_FRESH + r"(" + _DOTTED + r")\s*\[\s*(?:(['\"])([^'\"\\]*))?$")
_ATTRIBUTE = re.compile(_FRESH + r"(" + _DOTTED + r")\s*\.\s*(\w*)$")
_NAME = re.compile(r"(?<![\w.])\w*$")
_IMPORT = re.compile(r"^\s*import\s+(?:[\w.]+(?:\s+as\s+\w+)?\s*,\s*)*([\w.]*)$")
_FROM = re.compile(r"^\s*from\s+([\w.]*)$")
_FROM_IMPORT = re.compile(
    r"^\s*from\s+([\w.]+)\s+import\s+\(?\s*(?:\w+(?:\s+as\s+\w+)?\s*,\s*)*(\w*)$")

_ROUTINES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
             types.MethodWrapperType, types.WrapperDescriptorType, types.MethodDescriptorType,
             types.ClassMethodDescriptorType, classmethod, staticmethod)


def from_live_objects(line, cursor):
    """Matches where the context is ours to answer; None where it is not (jedi's, or names).

    line is the cell's current line up to the cursor.
    """
    key = _DICT_KEY.search(line)
    if key is not None:
        matches = _dict_keys(key.group(1), key.group(2), key.group(3) or "", cursor)
        if matches is not None:
            return matches
    where = _string_or_comment(line)
    if where == "comment":
        return []
    if where == "string":
        return None  # jedi completes file paths there
    statement = line.rsplit(";", 1)[-1]
    for pattern, complete in ((_IMPORT, _module_names), (_FROM, _module_names),
                              (_FROM_IMPORT, _names_from_module)):
        found = pattern.match(statement)
        if found is not None:
            return complete(found, cursor)
    attribute = _ATTRIBUTE.search(line)
    if attribute is not None:
        return _attributes(re.sub(r"\s+", "", attribute.group(1)), attribute.group(2), cursor)
    return None


def names(line, cursor):
    """The user's names, builtins and keywords starting with the word before the cursor."""
    found = _NAME.search(line)
    prefix = found.group(0) if found is not None else None
    if prefix is None or (prefix and not prefix.isidentifier()) or _string_or_comment(line):
        return []
    candidates = {}
    for scope in (keyword.kwlist, builtins.__dict__, user_namespace()):
        for name in scope:
            if is_shown(name, prefix):
                candidates[name] = "keyword" if scope is keyword.kwlist else kind_of(scope[name])
    return _sorted(cursor - len(prefix), candidates)


def kind_of(value):
    """The type names jedi and IPython use in _jupyter_types_experimental."""
    if isinstance(value, types.ModuleType):
        return "module"
    if isinstance(value, type):
        return "class"
    if isinstance(value, property):
        return "property"
    if isinstance(value, _ROUTINES):
        return "function"
    return "instance"


def _attributes(dotted, prefix, cursor):
    obj = lookup(dotted)
    if obj is MISSING:
        return None  # maybe bound by this very cell: jedi reads its text
    try:
        candidates = [name for name in dir(obj) if is_shown(name, prefix)]
    except Exception:  # the object's own __dir__ failing
        return []
    return _sorted(cursor - len(prefix), {name: _attribute_kind(obj, name) for name in candidates})


def _attribute_kind(obj, name):
    """The kind of obj.name, looked up in the instance and class dicts: no property runs."""
    if isinstance(obj, types.ModuleType):
        return kind_of(vars(obj).get(name))
    cls = obj if isinstance(obj, type) else type(obj)
    try:
        scopes = [vars(obj)] + [vars(klass) for klass in cls.__mro__]
    except TypeError:  # no __dict__ (slots, builtins)
        scopes = [vars(klass) for klass in cls.__mro__]
    for scope in scopes:
        if name in scope:
            return kind_of(scope[name])
    return "instance"


def _dict_keys(dotted, quote, prefix, cursor):
    obj = lookup(re.sub(r"\s+", "", dotted))
    keys = _keys_of(obj) if obj is not MISSING else None
    if keys is None:
        return None
    strings = [k for k in keys if type(k) is str]
    if quote is None:  # `d[`: offer the keys as literals
        return _sorted(cursor, {repr(k): "dict key" for k in strings})
    usable = (k for k in strings if k.startswith(prefix) and not (set(k) & {quote, "\\", "\n"}))
    return _sorted(cursor - len(prefix), {k: "dict key" for k in usable})


def _keys_of(obj):
    """Keys of a mapping, or what _ipython_key_completions_ offers (pandas columns...)."""
    Mapping = _stdlib.module("collections.abc").Mapping
    try:
        offer = getattr(type(obj), "_ipython_key_completions_", None)
        if offer is not None:
            return list(offer(obj))
        if isinstance(obj, Mapping):
            return list(obj.keys())
    except Exception:  # user code failing
        pass
    return None


def _module_names(found, cursor):
    dotted = found.group(1)
    if dotted.startswith("."):
        return []  # relative imports depend on a package this cell is not in
    package, _, prefix = dotted.rpartition(".")
    candidates = _modules.submodules(package) if package else _modules.top_level_modules()
    return _sorted(cursor - len(prefix),
                   {name: "module" for name in candidates if is_shown(name, prefix)})


def _names_from_module(found, cursor):
    module_name, prefix = found.group(1), found.group(2)
    if module_name.startswith("."):
        return []
    kinds = {name: "module" for name in _modules.submodules(module_name)}
    module = sys.modules.get(module_name)
    if module is not None:
        try:
            own = {name: kind_of(vars(module).get(name)) for name in dir(module)}
        except Exception:  # the module's own __dir__ failing
            own = {}
    else:
        # Bound by source that has not run: jedi calls these "statement" too.
        own = dict.fromkeys(_modules.source_names(module_name), "statement")
    own.update(kinds)
    return _sorted(cursor - len(prefix), {n: k for n, k in own.items() if is_shown(n, prefix)})


def _sorted(start, kinds):
    # IPython's order: public names first, then _private, then __dunder__; case-insensitive.
    order = sorted(kinds, key=lambda n: (n.startswith("__"), n.startswith("_"), n.lower(), n))
    return [(start, name, kinds[name], "") for name in order]


def _string_or_comment(line):
    """'string' or 'comment' when the end of line is inside one, else None.

    One line only: a triple-quoted string begun on an earlier line is not seen.
    """
    quote, i = None, 0
    while i < len(line):
        if quote is not None:
            if line[i] == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i, quote = i + len(quote), None
                continue
        elif line[i] == "#":
            return "comment"
        elif line[i] in "'\"":
            quote = line[i:i + 3] if line[i:i + 3] in ('"""', "'''") else line[i]
            i += len(quote)
            continue
        i += 1
    return "string" if quote is not None else None
