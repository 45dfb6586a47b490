"""IPython's tracebacks ask which module each frame belongs to; for a cell's frame the answer is
given without looking through every module.

IPython 8.12's VerboseTB.get_records calls inspect.getmodule for each frame of a traceback, only
to leave IPython's own frames out of its estimate of how much source there is to highlight. A
cell's file belongs to no module, so for its frame getmodule scans sys.modules twice (once more
inside getsourcefile) before it answers None: 0.6-0.8 ms of an interrupt's 4.7 in the kernel,
where a traceback runs on caches gone cold (docs/performance.md, "The interrupt's path, timed").

ultratb gets its own view of the inspect module, whose getmodule answers None at once for a
frame whose file is one the shell compiled a cell under, and is inspect's for anything else;
every other name is inspect's own. The traceback comes out the same unless a module of
IPython's own has a cell's file as its file.
"""
import inspect
import types


class _InspectForTracebacks(types.ModuleType):
    def __init__(self, is_cell_file):
        super().__init__(inspect.__name__, inspect.__doc__)
        self._is_cell_file = is_cell_file

    def __getattr__(self, name):
        return getattr(inspect, name)

    def getmodule(self, object, _filename=None):
        if (_filename is None and isinstance(object, types.FrameType)
                and self._is_cell_file(object.f_code.co_filename)):
            return None  # what inspect answers for a file no module has
        return inspect.getmodule(object, _filename)


def install(ultratb, is_cell_file):
    """Give IPython.core.ultratb (the module) that view of inspect; is_cell_file(filename) says
    whether a file is a cell's. Nothing changes where ultratb does not use the inspect module."""
    if getattr(ultratb, "inspect", None) is inspect:
        ultratb.inspect = _InspectForTracebacks(is_cell_file)
