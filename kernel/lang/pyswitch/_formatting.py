"""Mime bundles for objects: repr() plus the IPython rich-display protocol (_repr_*_ methods)."""
import sys

import _pyswitch_host

from . import _stdlib

# Checked in this order; a type already supplied by _repr_mimebundle_ is not recomputed.
_REPR_METHODS = (
    ("text/html", "_repr_html_"),
    ("text/markdown", "_repr_markdown_"),
    ("text/latex", "_repr_latex_"),
    ("image/svg+xml", "_repr_svg_"),
    ("image/png", "_repr_png_"),
    ("image/jpeg", "_repr_jpeg_"),
    ("application/pdf", "_repr_pdf_"),
    ("application/json", "_repr_json_"),
    ("application/javascript", "_repr_javascript_"),
)
_BASE64_TYPES = ("image/png", "image/jpeg", "application/pdf")
_MISSING = object()
# Instances of these cannot carry _repr_*_ methods: no need to look a dozen names up on them.
_BUILTIN_TYPES = frozenset([type(None), bool, int, float, complex, str, bytes, list, tuple,
                            dict, set, frozenset])


def format_mimebundle(obj, include=None, exclude=None):
    """Return (data, metadata) for obj, as display_data / execute_result carry them.

    data is empty when obj displayed itself through _ipython_display_.
    """
    data = {}
    metadata = {}
    # Classes only get repr(): their _repr_*_ attributes are unbound functions.
    if (type(obj) not in _BUILTIN_TYPES and not isinstance(obj, type)
            and not _claims_every_attribute(obj)):
        if _call_repr(obj, "_ipython_display_") is not _MISSING:
            return {}, {}
        _add_mimebundle(obj, include, exclude, data, metadata)
        for mime, name in _REPR_METHODS:
            if mime not in data and _wanted(mime, include, exclude):
                _add_repr(obj, mime, name, data, metadata)
    if "text/plain" not in data and _wanted("text/plain", include, exclude):
        data["text/plain"] = _pyswitch_host.repr(obj)  # repr(), one scan for a long plain str
    return data, metadata


def _wanted(mime, include, exclude):
    return (not include or mime in include) and not (exclude and mime in exclude)


def _claims_every_attribute(obj):
    # Mocks and proxies answer any attribute name; asking them for _repr_html_ etc. would
    # "succeed" with garbage. The canary is the name IPython uses for the same test.
    try:
        return getattr(obj, "_ipython_canary_method_should_not_exist_", None) is not None
    except Exception:
        return True


def _call_repr(obj, name, *args, **kwargs):
    """obj.name(...), or _MISSING when absent; a failing method is reported and skipped."""
    try:
        method = getattr(obj, name, None)
    except Exception:
        return _MISSING
    if not callable(method):
        return _MISSING
    try:
        return method(*args, **kwargs)
    except Exception as exc:
        _skip(obj, name, "raised %s: %s" % (type(exc).__name__, exc))
        return _MISSING


def _skip(obj, name, why):
    sys.stderr.write("%s.%s() %s; that representation is skipped\n"
                     % (type(obj).__name__, name, why))


def _add_mimebundle(obj, include, exclude, data, metadata):
    result = _call_repr(obj, "_repr_mimebundle_", include=include, exclude=exclude)
    if isinstance(result, tuple) and len(result) == 2:
        result, extra = result
        if isinstance(extra, dict):
            metadata.update(extra)
    if isinstance(result, dict):
        data.update((mime, value) for mime, value in result.items()
                    if _wanted(mime, include, exclude))


def _add_repr(obj, mime, name, data, metadata):
    result = _call_repr(obj, name)
    if isinstance(result, tuple) and len(result) == 2:
        result, extra = result
        if result is not None and extra is not None:
            metadata[mime] = extra
    if result is _MISSING or result is None:  # None: "no such representation"
        return
    if mime in _BASE64_TYPES and isinstance(result, bytes):
        result = base64_text(result)
    if isinstance(result, (dict, list) if mime == "application/json" else str):
        data[mime] = result
    else:
        _skip(obj, name, "returned a %s" % type(result).__name__)


def base64_text(data):
    """bytes as the base64 text that JSON messages carry binary mime data in."""
    binascii = _stdlib.module("binascii")
    return binascii.b2a_base64(data, newline=False).decode("ascii")
