"""The kernel under test for every suite in this directory.

By default pyswitch is installed with `node bin/pyswitch.js install --prefix TMP` and found through
JUPYTER_PATH; a missing or failing install fails every test. PYSWITCH_TEST_KERNEL=NAME runs the suites
against an installed kernelspec instead (e.g. `python3`, Debian's ipykernel).

Suites of IPython mode use a second kernelspec, on Debian's /usr/bin/python3 (IPython, matplotlib,
numpy, ipywidgets); with PYSWITCH_TEST_KERNEL they use that kernel too.
"""
import os
import signal
import sys
from pathlib import Path

import pytest

# The repository's tools (kernel_install, shared with scripts/bench.py) live in scripts/.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from kernel_helpers import running_kernel  # noqa: E402
from kernel_install import (  # noqa: E402
    KernelInstallError,
    install_pyswitch,
    jupyter_path_with,
    require_kernelspec,
)


def pytest_configure(config):
    """Unwind on SIGTERM (`timeout`, CI runners) as on Ctrl-C, so fixtures still kill their kernels:
    kernels run in sessions of their own and would outlive a killed pytest."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


@pytest.fixture(scope="session")
def jupyter_env(tmp_path_factory):
    """Private Jupyter/IPython directories for the session, in os.environ (child processes too).

    The cache directory too: jedi and parso keep pickles in it, and a run sharing ~/.cache with another
    one can read a half-written pickle, after which jedi completes nothing, on either kernel (seen
    2026-12-02: parso's load_module raising EOFError)."""
    root = tmp_path_factory.mktemp("jupyter")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "XDG_CACHE_HOME"):
            path = root / var.lower()
            path.mkdir()
            mp.setenv(var, str(path))
        yield mp


def _kernel_under_test(jupyter_env, tmp_path_factory):
    name = os.environ.get("PYSWITCH_TEST_KERNEL")
    if not name:
        prefix = tmp_path_factory.mktemp("prefix")
        name = "pyswitch"
        install_pyswitch(prefix, name)
        jupyter_env.setenv("JUPYTER_PATH", jupyter_path_with(prefix, os.environ.get("JUPYTER_PATH")))
    require_kernelspec(name)
    return name


@pytest.fixture(scope="session")
def kernel_name(jupyter_env, tmp_path_factory):
    """Name of the kernelspec every suite drives."""
    try:
        return _kernel_under_test(jupyter_env, tmp_path_factory)
    except KernelInstallError as e:
        message = str(e)
    pytest.fail(message, pytrace=False)


DEBIAN_PYTHON = "/usr/bin/python3"


@pytest.fixture(scope="session")
def ipython_kernel_name(kernel_name, jupyter_env, tmp_path_factory):
    """Name of a kernelspec whose interpreter has IPython: pyswitch runs in IPython mode there."""
    if os.environ.get("PYSWITCH_TEST_KERNEL"):
        return kernel_name
    if not os.path.exists(DEBIAN_PYTHON):
        pytest.skip(f"no {DEBIAN_PYTHON} for IPython mode")
    prefix = tmp_path_factory.mktemp("prefix-ipython")
    name = "pyswitch-ipython"
    try:
        install_pyswitch(prefix, name, python=DEBIAN_PYTHON)
        jupyter_env.setenv("JUPYTER_PATH", jupyter_path_with(prefix, os.environ.get("JUPYTER_PATH")))
        require_kernelspec(name)
        return name
    except KernelInstallError as e:
        message = str(e)
    pytest.fail(message, pytrace=False)


@pytest.fixture
def kernel(kernel_name):
    """A fresh (KernelManager, BlockingKernelClient) per test, killed afterwards."""
    with running_kernel(kernel_name) as km_kc:
        yield km_kc
