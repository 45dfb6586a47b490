"""The comm APIs libraries use, backed by the kernel's comm manager (_comm):

- the `comm` package (ipywidgets 8 and most comm users): its contract is that the kernel
  replaces comm.create_comm and comm.get_comm_manager, as ipykernel does;
- ipykernel.comm (ipywidgets 6 and 7 import its Comm, and register their targets on
  get_ipython().kernel.comm_manager).

Each is wired the moment user code imports it; nothing is imported up front.
"""
from . import _import_hooks


def install():
    _import_hooks.when_imported("comm", _back_comm_package)
    # ipykernel.comm's own code needs a running ipykernel (and imports zmq and tornado for
    # it): ours replaces it.
    _import_hooks.when_imported("ipykernel.comm", _back_ipykernel_comm, replace=True)


def _back_comm_package(module):
    from comm.base_comm import BaseComm

    from . import comm as pyswitch_comm
    from ._comm import manager

    class Comm(manager.comm_class, BaseComm):
        """A comm that is a comm.base_comm.BaseComm too, for type checks; the methods are
        pyswitch's (first in the MRO)."""
        __qualname__ = "Comm"  # not _back_comm_package.<locals>.Comm, in reprs

    manager.comm_class = Comm
    module.create_comm = pyswitch_comm.create_comm
    module.get_comm_manager = pyswitch_comm.get_comm_manager


class _Kernel:
    """What ipykernel-era comm users find as `comm.kernel` and get_ipython().kernel: they test
    that it is set and register their targets on its comm_manager."""

    def __init__(self, comm_manager):
        self.comm_manager = comm_manager


def _back_ipykernel_comm(module):
    from ._comm import CommManager, _ipython_shell, manager

    class Comm(manager.comm_class):
        """A comm with what ipykernel's have and its users look for."""
        __qualname__ = "Comm"
        kernel = _Kernel(manager)

    manager.comm_class = Comm
    module.Comm = Comm
    module.CommManager = CommManager
    module.__all__ = ["Comm", "CommManager"]
    shell = _ipython_shell()
    if shell is not None and getattr(shell, "kernel", None) is None:
        shell.kernel = Comm.kernel
