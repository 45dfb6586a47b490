"""Real environments to switch between, made in a temp dir; shared by the jupyter_client and the
jupyter_server suites of environment switching.

`--without-pip` keeps venv creation offline and fast (~100 ms each).
"""
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PYENV = Path("/root/.pyenv/versions")
PY311 = PYENV / "3.11.7" / "bin" / "python3"
PY312 = PYENV / "3.12.1" / "bin" / "python3"
DEBIAN311 = Path("/usr/bin/python3.11")  # another installation of 3.11: reached from pyenv's only by re-exec
VENV_TIMEOUT = 60

ONLY_IN_A = "only_in_a"  # a module importable in venv `a` and nowhere else


@dataclass(frozen=True)
class SwitchEnvs:
    root: Path
    a: Path  # a 3.11 venv holding ONLY_IN_A
    b: Path  # a 3.11 venv without it
    py312: Path  # refused: another major.minor than the kernel's
    missing: Path  # refused: does not exist


def make_venv(python, path):
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(path)], check=True, timeout=VENV_TIMEOUT,
                   capture_output=True)
    return path


@contextmanager
def switch_envs():
    """The environments above in a temp dir, removed afterwards.

    Kernels started meanwhile keep their cache of interpreter facts there too (XDG_CACHE_HOME), not in the
    home directory."""
    with tempfile.TemporaryDirectory(prefix="pyswitch-envs-") as tmp, pytest.MonkeyPatch.context() as mp:
        root = Path(tmp)
        mp.setenv("XDG_CACHE_HOME", str(root / "cache"))
        envs = SwitchEnvs(root, make_venv(PY311, root / "a"), make_venv(PY311, root / "b"),
                          make_venv(PY312, root / "py312"), root / "missing")
        (envs.a / "lib" / "python3.11" / "site-packages" / f"{ONLY_IN_A}.py").write_text('WHERE = "a"\n')
        yield envs
