"""The text/plain of a str in IPython mode: its repr, without the pretty printer's copies.

IPython's PlainTextFormatter sends a str through its pretty printer, whose printer for str
(IPython.lib.pretty._repr_pprint) splits the repr into lines, writes each into a StringIO and
joins them back: three more copies of the text, 7 ms of a 10 M-character result's 19 here
(docs/performance.md, "The 10 M-character repr again"). The repr of a str has no line
breaks (repr escapes every character that str.splitlines splits at), so that printer's output
is the repr itself. For exactly str, with that stock printer registered and no singleton
printer for the object, the formatter returns repr(obj) (the kernel's, which scans a long plain
str once instead of per character); anything else goes the stock way.
"""
import functools

import _pyswitch_host


def install(formatters):
    """Wrap PlainTextFormatter.__call__ of IPython.core.formatters (as it is by now)."""
    from IPython.lib import pretty

    cls = getattr(formatters, "PlainTextFormatter", None)
    stock = getattr(pretty, "_repr_pprint", None)
    call = vars(cls).get("__call__") if isinstance(cls, type) else None
    if call is None or stock is None or getattr(call, "_pyswitch_str_text", False):
        return

    @functools.wraps(call)
    def __call__(self, obj):
        if (type(obj) is str and self.type_printers.get(str) is stock
                and id(obj) not in self.singleton_printers):
            try:
                return _pyswitch_host.repr(obj)
            except Exception:
                pass  # the stock way raises it again, and reports it as IPython does
        return call(self, obj)

    __call__._pyswitch_str_text = True
    cls.__call__ = __call__
