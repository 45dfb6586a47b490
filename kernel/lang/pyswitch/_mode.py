"""The kernel's mode, which the dispatcher (_kernel.handle) asks which function serves a method.

Plain Python serves every method with _kernel's table. Once IPython's shell has started
(_lifecycle.start_ipython), IPython mode serves the methods below with IPython's own; it lasts for
the interpreter's life (a switch starts a new interpreter, in plain mode until its shell starts).
"""

# method -> (module, function) that IPython mode serves differently.
_IPYTHON_METHODS = {
    "execute": ("_ipython_execute", "execute"),
    "is_complete": ("_ipython_completeness", "is_complete"),
    "complete": ("_ipython_completion", "complete"),
}


class Mode(object):
    def __init__(self):
        self.ipython = False

    def start_ipython(self):
        self.ipython = True

    def target(self, method, plain):
        """The (module, function) serving `method` now; `plain` is plain Python's (None: unknown)."""
        if self.ipython:
            return _IPYTHON_METHODS.get(method, plain)
        return plain


MODE = Mode()
