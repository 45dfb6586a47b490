"""Changes made to third-party modules when they are first imported.

Importing them up front would cost start-up time for modules most sessions never use; a
meta path hook lets the change happen the moment user code imports them instead.
"""
import sys


def when_imported(name, patch, replace=False):
    """Call patch(module) right after module `name` is imported (now, if it already is).

    replace=True: the module's own code does not run on import; patch fills the module (it
    keeps its spec, so a package's submodules still import from where they are).
    """
    module = sys.modules.get(name)
    if module is not None:
        patch(module)
        return
    _hook.pending[name] = (patch, replace)
    if _hook not in sys.meta_path:
        sys.meta_path.insert(0, _hook)


def cancel(name):
    """Forget the pending patch of `name`; the hook leaves sys.meta_path with the last one."""
    _hook.take(name)


class _Hook:
    """Meta path finder: finds a pending module through the other finders and wraps its
    loader so the patch runs once the module exists.

    Finding is not importing (importlib.util.find_spec, pkgutil, completion look modules up
    without running them): the patch stays pending until a wrapped loader runs the module.
    """

    def __init__(self):
        self.pending = {}  # module name -> (patch, replace)

    def find_spec(self, name, path=None, target=None):
        if name not in self.pending:
            return None
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(name, path, target) if finder is not self and find_spec else None
            if spec is not None:
                spec.loader = _PatchingLoader(spec.loader, name, self.pending[name][1])
                return spec
        return None

    def take(self, name):
        """The patch of `name` as its module runs, once; the hook leaves with the last one."""
        patch = self.pending.pop(name, (None, False))[0]
        if not self.pending and self in sys.meta_path:
            sys.meta_path.remove(self)
        return patch


class _PatchingLoader:
    """Runs the real loader (unless replacing), then the patch. Anything else a loader offers
    (get_source, is_package, resource readers...) is the real loader's."""

    def __init__(self, loader, name, replace):
        self.loader = loader
        self.name = name
        self.replace = replace

    def __getattr__(self, attribute):
        return getattr(self.loader, attribute)

    def create_module(self, spec):
        return None if self.replace else self.loader.create_module(spec)

    def exec_module(self, module):
        # The module names its real loader, as if it had been imported normally.
        module.__loader__ = module.__spec__.loader = self.loader
        if not self.replace:
            self.loader.exec_module(module)
        patch = _hook.take(self.name)  # after: a module that failed to run stays pending
        if patch is not None:
            patch(module)


_hook = _Hook()
