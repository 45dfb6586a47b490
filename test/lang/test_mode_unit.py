"""The kernel's mode object: what the dispatcher asks, in plain mode and once IPython's shell runs.

That the kernel runs cells through IPython once its shell is up is test/jupyter/test_ipython_mode.py's.
"""
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "kernel", "lang")]

importlib.import_module("fake_host")  # registers itself as _pyswitch_host, which the package imports
from pyswitch._mode import Mode  # noqa: E402

PLAIN_EXECUTE = ("_execute", "execute")


def test_plain_mode_serves_the_plain_table():
    mode = Mode()
    assert mode.target("execute", PLAIN_EXECUTE) == PLAIN_EXECUTE
    assert mode.target("no_such_method", None) is None


def test_ipython_mode_serves_execute_with_ipython_and_the_rest_as_before():
    mode = Mode()
    mode.start_ipython()
    assert mode.target("execute", PLAIN_EXECUTE) == ("_ipython_execute", "execute")
    assert mode.target("inspect", ("_inspection", "inspect")) == ("_inspection", "inspect")
    assert mode.target("no_such_method", None) is None

