"""Names for `import x.y` and `from x import y` completion, found without importing anything.

Importing a package to list it would run its code (and take seconds for big ones) on a keystroke,
so packages are located with PathFinder and listed from their directories; `from x import`
offers the attributes of x when it is already imported (the caller's part), else the names its
source binds.
"""
import os
import sys

from . import _stdlib

_top_level = {"key": None, "names": frozenset()}
_static_names = {}  # source path -> (mtime, names bound at its top level)


def _pkgutil():
    _stdlib.module("inspect")  # which pkgutil's iter_modules imports when it first runs
    return _stdlib.module("pkgutil")


def top_level_modules():
    """Every importable top-level module name; rescanned when sys.path or a directory on it changes."""
    key = tuple((entry, _mtime(entry or ".")) for entry in sys.path)
    if _top_level["key"] != key:
        pkgutil = _pkgutil()
        names = set(sys.builtin_module_names)
        names.update(info.name for info in pkgutil.iter_modules())
        _top_level["key"], _top_level["names"] = key, frozenset(n for n in names if n.isidentifier())
    return _top_level["names"]


def submodules(package):
    """Names of the modules directly inside package (dotted), imported or not."""
    pkgutil = _pkgutil()
    module = sys.modules.get(package)
    locations = getattr(module, "__path__", None) if module is not None else _locations(package)
    names = {info.name for info in pkgutil.iter_modules(locations)} if locations else set()
    # Modules that exist only in sys.modules, such as os.path.
    start = package + "."
    names.update(name[len(start):] for name in list(sys.modules)
                 if name.startswith(start) and "." not in name[len(start):])
    return names


def source_names(module_name):
    """Top-level names the source of a module not imported yet binds (none for extensions)."""
    spec = _find_spec(module_name)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return set()
    return _names_bound_in(spec.origin)


def _locations(package):
    spec = _find_spec(package)
    return list(spec.submodule_search_locations or []) if spec is not None else None


def _find_spec(dotted):
    """Like importlib.util.find_spec, but without importing the parent packages."""
    PathFinder = _stdlib.module("importlib.machinery").PathFinder
    spec, path = None, None
    parts = dotted.split(".")
    for depth in range(len(parts)):
        try:
            spec = PathFinder.find_spec(".".join(parts[:depth + 1]), path)
        except (ImportError, OSError, ValueError):
            return None
        if spec is None:
            return None
        path = spec.submodule_search_locations
        if path is None and depth + 1 < len(parts):
            return None  # a plain module has no submodules on disk
    return spec


def _names_bound_in(path):
    """Top-level names a Python source file binds (definitions, assignments, imports)."""
    mtime = _mtime(path)
    cached = _static_names.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    ast = _stdlib.module("ast")
    try:
        with open(path, "rb") as source:
            tree = ast.parse(source.read(), path)
    except (OSError, SyntaxError, ValueError):
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0]
                         for alias in node.names if alias.name != "*")
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    _static_names[path] = (mtime, names)
    return names


def _mtime(path):
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None
