"""What help(pyswitch) and pkgutil show of the package: its public API only.

The public objects take the package as their module (help names pyswitch.SwitchError, not the
private module it is defined in), and listings of the package's folder skip the private modules
(help's PACKAGE CONTENTS, pkgutil.iter_modules): the kernel's own modules are no API. Imports
find every module as before. pkgutil (and the typing and re it imports, 13 ms in a bare venv) is
imported only when something lists the folder, which means pkgutil is loaded already.
"""
import sys
import types


class _PublicListing(object):
    """The path entry finder of the package's folder: finds what the folder's own finder finds,
    and lists only the names without a leading underscore."""

    def __init__(self, finder):
        self._finder = finder

    def find_spec(self, fullname, target=None):
        return self._finder.find_spec(fullname, target)

    def invalidate_caches(self):
        self._finder.invalidate_caches()

    def iter_modules(self, prefix=""):
        import pkgutil

        for name, ispkg in pkgutil.iter_importer_modules(self._finder, prefix):
            if not name[len(prefix):].startswith("_"):
                yield name, ispkg


def publish(package, objects):
    for obj in objects:
        obj.__module__ = package.__name__
        if isinstance(obj, type):  # its methods too: help on 3.13 names where each comes from
            for member in vars(obj).values():
                if isinstance(member, types.FunctionType):
                    member.__module__ = package.__name__
    for folder in package.__path__:
        finder = _path_finder(folder)
        if finder is not None and not isinstance(finder, _PublicListing):
            sys.path_importer_cache[folder] = _PublicListing(finder)


def _path_finder(folder):
    """The path entry finder of folder, as the import system makes it (pkgutil.get_importer's way)."""
    finder = sys.path_importer_cache.get(folder)
    if finder is None:
        for hook in sys.path_hooks:
            try:
                finder = hook(folder)
            except ImportError:
                continue
            sys.path_importer_cache[folder] = finder
            break
    return finder
