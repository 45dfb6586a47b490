"""IPython's formatters, called without the decorator package's work at each call.

IPython wraps the __call__ of its formatters in catch_format_error, made with the decorator
package. Since decorator 5 its wrapper binds every call's arguments to the signature
(inspect.Signature.bind and apply_defaults) before it calls catch_format_error: about 4.5 of the
7.7 us that a formatter takes for an int, and a displayed value goes through 12 formatters, so
about a sixth of an IPython-mode cell `1` (docs/performance.md, "IPython mode's execute").

For a signature of positional-or-keyword parameters that binding only puts the arguments in
order and fills in the defaults, which a plain Python function with the same parameters does
too. So each such __call__ becomes one, that hands catch_format_error's own body the same
arguments in the same order. The formatting, the tracebacks of failing formatters and the
warnings are IPython's, unchanged. A wrong call still raises TypeError before anything runs,
with Python's message instead of inspect's. A __call__ that is not exactly what decorator 5
makes of catch_format_error over a known signature keeps its wrapper.
"""
import inspect

# The parameters of IPython's formatter __call__ methods, each with the function that takes
# them and calls catch_format_error's body with them in order, defaults filled in (as
# decorator.fix does). Only None defaults are known here.
_SIGNATURES = {
    ("self", "obj"): lambda body, method: lambda self, obj: body(method, self, obj),
    ("self", "obj", "include", "exclude"): lambda body, method: (
        lambda self, obj, include=None, exclude=None: body(method, self, obj, include, exclude)),
}


def install(formatters):
    """Replace the decorated __call__ of each formatter class in IPython.core.formatters."""
    body = getattr(getattr(formatters, "catch_format_error", None), "__wrapped__", None)
    if body is None:
        return
    for cls in list(vars(formatters).values()):
        if isinstance(cls, type) and cls.__module__ == formatters.__name__:
            direct = direct_call(vars(cls).get("__call__"), body)
            if direct is not None:
                cls.__call__ = direct


def direct_call(wrapper, body):
    """The function that does what `wrapper` (decorator 5's wrapper of `body`) does, without
    binding its arguments to a signature at each call; None when `wrapper` is anything else."""
    parts = _closure(wrapper)
    method = parts.get("func")
    if (parts.get("caller") is not body or parts.get("extras") != () or parts.get("kwsyntax")
            is not False or method is None or getattr(wrapper, "__wrapped__", None) is not method):
        return None
    make = _SIGNATURES.get(_plain_parameters(parts.get("sig")))
    if make is None:
        return None
    direct = make(body, method)
    for name in ("__name__", "__qualname__", "__doc__", "__module__"):
        setattr(direct, name, getattr(wrapper, name))
    direct.__dict__.update(wrapper.__dict__)  # __wrapped__ and __signature__, as decorator set them
    return direct


def _closure(function):
    code = getattr(function, "__code__", None)
    cells = getattr(function, "__closure__", None) or ()
    if code is None or len(code.co_freevars) != len(cells):
        return {}
    parts = {}
    for name, cell in zip(code.co_freevars, cells):
        try:
            parts[name] = cell.cell_contents
        except ValueError:  # an empty cell
            return {}
    return parts


def _plain_parameters(signature):
    """The parameter names when all are positional-or-keyword, the first two without a default
    and any others defaulting to None; else None."""
    if not isinstance(signature, inspect.Signature):
        return None
    names = []
    for index, parameter in enumerate(signature.parameters.values()):
        if parameter.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
            return None
        default = parameter.default
        if (index < 2 and default is not inspect.Parameter.empty) or (index >= 2 and default is not None):
            return None
        names.append(parameter.name)
    return tuple(names)
