"""The text an inspect reply shows for an object, laid out as IPython's `obj?` (plain text).

detail_level 0: signature, docstring, file, type (and the value's string form for plain values);
detail_level 1 adds the source when inspect can find it (cell-defined functions included: cells
are in linecache).
"""
import types

from . import _stdlib

_STRING_FORM_CHARS = 200  # a 10 MB string must not become a 10 MB reply


def describe(obj, name, detail_level):
    fields = []
    is_class = isinstance(obj, type)
    if is_class or callable(obj):
        signature = _signature(obj)
        if signature is not None:
            fields.append(("Init signature" if is_class else "Signature", name + signature))
    elif not isinstance(obj, types.ModuleType):
        fields.append(("String form", _string_form(obj)))
        length = _length(obj)
        if length is not None:
            fields.append(("Length", str(length)))
    fields.append(("Docstring", _docstring(obj) or "<no docstring>"))
    if detail_level > 0:
        source = _source(obj)
        if source is not None:
            fields.append(("Source", source))
    where = _file(obj)
    if where is not None:
        fields.append(("File", where))
    fields.append(("Type", type(obj).__name__))
    return _layout(fields)


def _layout(fields):
    # One-line values line up after the widest title; longer ones start on the next line.
    width = max(len(title) for title, _ in fields) + 2
    lines = []
    for title, value in fields:
        value = value.rstrip("\n")
        if "\n" in value:
            lines += [title + ":", value]
        else:
            lines.append((title + ":").ljust(width) + value)
    return "\n".join(lines)


def _docstring(obj):
    inspect = _stdlib.module("inspect")
    try:
        return inspect.getdoc(obj)
    except Exception:  # a __doc__ property of the user's failing
        return None


def _signature(obj):
    inspect = _stdlib.module("inspect")
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):  # builtins without __text_signature__, odd callables
        return None


def _source(obj):
    inspect = _stdlib.module("inspect")
    try:
        return inspect.getsource(obj)
    except (TypeError, OSError):  # builtins, objects made at run time
        return None


def _file(obj):
    inspect = _stdlib.module("inspect")
    try:
        where = inspect.getsourcefile(obj) or inspect.getfile(obj)
    except (TypeError, OSError):  # builtins, plain values, classes of __main__ (no __file__)
        return None
    if where.startswith("<frozen "):  # 3.11+ freezes some stdlib modules; they keep a __file__
        where = getattr(inspect.getmodule(obj), "__file__", None) or where
    return where


def _string_form(obj):
    try:
        text = str(obj)
    except Exception as exc:  # the user's __str__ failing
        return "<str() failed: %s: %s>" % (type(exc).__name__, exc)
    if len(text) > _STRING_FORM_CHARS:
        half = _STRING_FORM_CHARS // 2
        text = text[:half] + " ... " + text[-half:]
    return text


def _length(obj):
    try:
        return len(obj)
    except Exception:  # no length, or the user's __len__ failing
        return None
