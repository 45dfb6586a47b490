"""Comms from the kernel side, with the API of the `comm` package (which, when the active
environment has it, is backed by this same manager):

    from pyswitch import comm
    c = comm.create_comm(target_name="my_target", data={"hello": 1})
    c.on_msg(lambda msg: print(msg["content"]["data"], msg["buffers"]))
    c.send({"x": 1}, buffers=[b"raw bytes"])

    comm.get_comm_manager().register_target("from_frontend", lambda c, msg: ...)
"""
from ._comm import Comm, CommManager, manager

__all__ = ["Comm", "CommManager", "create_comm", "get_comm_manager"]


def create_comm(*args, **kwargs):
    """A new comm (opened toward the frontend unless primary=False); arguments as Comm's."""
    return manager.comm_class(*args, **kwargs)


def get_comm_manager():
    """The kernel's one comm manager: its open comms and registered targets."""
    return manager
