"""Kernelspecs say what they run: `pyswitch install --name N --python P` without --display-name gets a
display name that tells it apart from the specs installed for other Pythons or environments, as a
launcher (jupyter_client's KernelSpecManager) lists them."""
import subprocess

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from kernel_install import PYSWITCH_JS, install_pyswitch
from switch_envs import DEBIAN311, PY311, make_venv, require, version_of

INSTALL_TIMEOUT = 60


@pytest.fixture
def specs(tmp_path, monkeypatch):
    """The display names of what is installed under a prefix of its own, by kernelspec name."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    prefix = tmp_path / "prefix"

    def listed():
        manager = KernelSpecManager(kernel_dirs=[str(prefix / "share" / "jupyter" / "kernels")])
        return {name: manager.get_kernel_spec(name).display_name for name in manager.find_kernel_specs()}

    return prefix, listed


def install(prefix, name, *options):
    subprocess.run(["node", str(PYSWITCH_JS), "install", "--prefix", str(prefix), "--name", name, *options],
                   check=True, capture_output=True, timeout=INSTALL_TIMEOUT)


def test_specs_for_different_pythons_are_told_apart(specs):
    require(**{"pyenv 3.11": PY311, "the system's python3.11": DEBIAN311})
    prefix, listed = specs
    install_pyswitch(prefix, "pyenv", python=PY311)
    install_pyswitch(prefix, "debian", python=DEBIAN311)
    names = listed()
    assert names["pyenv"] == f"Python {version_of(PY311)} (pyswitch: {PY311})"
    assert names["debian"].startswith(f"Python {version_of(DEBIAN311)} (pyswitch: /usr/bin/python3")
    assert names["pyenv"] != names["debian"]


def test_an_environment_and_plain_mode_are_named(specs, tmp_path):
    require(**{"pyenv 3.11": PY311})
    prefix, listed = specs
    venv = make_venv(PY311, tmp_path / "ml")
    install(prefix, "ml", "--python", str(PY311), "--env", str(venv))
    install(prefix, "light", "--python", str(PY311), "--plain")
    names = listed()
    assert names["ml"] == f"Python {version_of(PY311)} (pyswitch: ml)"
    assert names["light"] == f"Python {version_of(PY311)} (pyswitch: {PY311}, plain)"


def test_a_display_name_given_is_kept(specs):
    require(**{"pyenv 3.11": PY311})
    prefix, listed = specs
    install(prefix, "mine", "--python", str(PY311), "--display-name", "My Python")
    assert listed()["mine"] == "My Python"
