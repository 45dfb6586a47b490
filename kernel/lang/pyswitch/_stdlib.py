"""The standard library's modules for the kernel's own code: never a file of the user's that shadows one.

sys.path starts with "" (the working directory, _lifecycle.startup), as under `python script.py`, so a
notebook's folder holding an inspect.py or a codeop.py would otherwise be imported, and run, by the
first inspection or is_complete that needs the module. A cell's own `import` still finds the user's file
first, as Python's does. Leaving "" out of sys.path for the length of an import is visible to other
threads importing at that moment: a cell's thread importing a module of the notebook's folder during
the kernel's first use of a module could miss it once.
"""
import importlib
import sys


class _WithoutWorkingDirectory(object):
    """While it is entered, sys.path has no "" entry; it is put back where it was."""

    def __enter__(self):
        self.places = [index for index, entry in enumerate(sys.path) if entry == ""]
        for index in reversed(self.places):
            del sys.path[index]

    def __exit__(self, *exc_info):
        for index in self.places:
            sys.path.insert(index, "")
        return False


def module(name):
    """The module `name` as the kernel's code needs it: imported now if it is not yet, with the working
    directory left out."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    with _WithoutWorkingDirectory():
        return importlib.import_module(name)
