"""Real environments to switch between, made in a temp dir; shared by the jupyter_client and the
jupyter_server suites of environment switching.

`--without-pip` keeps venv creation offline and fast (~100 ms each).
"""
import os
import re
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PYENV_ROOT = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def pyenv_python(minor):
    """The newest pyenv build of `minor` ("3.11") as its bin/python3, or None when there is none."""
    versions = PYENV_ROOT / "versions"
    found = [p for p in (versions.iterdir() if versions.is_dir() else [])
             if re.fullmatch(re.escape(minor) + r"\.\d+", p.name) and (p / "bin" / "python3").is_file()]
    found.sort(key=lambda p: tuple(int(n) for n in p.name.split(".")))
    return found[-1] / "bin" / "python3" if found else None


def system_python(minor):
    """The distribution's build of `minor` (Debian's /usr/bin/python3.11), or None."""
    path = Path("/usr/bin") / ("python" + minor)
    return path if path.is_file() else None


def require(**pythons):
    """Skip the test, naming what is missing, unless every named Python was found."""
    missing = [name for name, path in pythons.items() if path is None]
    if missing:
        pytest.skip("needs %s, not installed (pyenv's are looked for under %s)" % (" and ".join(missing), PYENV_ROOT))


PY311 = pyenv_python("3.11")
PY312 = pyenv_python("3.12")
DEBIAN311 = system_python("3.11")  # another installation of 3.11: reached from pyenv's only by re-exec
VENV_TIMEOUT = 60

ONLY_IN_A = "only_in_a"  # a module importable in venv `a` and nowhere else


@dataclass(frozen=True)
class SwitchEnvs:
    root: Path
    a: Path  # a 3.11 venv holding ONLY_IN_A
    b: Path  # a 3.11 venv without it
    py312: Path  # refused: another major.minor than the kernel's
    missing: Path  # refused: does not exist


def version_of(python):
    """X.Y.Z of an interpreter, as it reports itself."""
    return subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"], check=True,
                          timeout=VENV_TIMEOUT, capture_output=True, text=True).stdout.strip()


def make_venv(python, path):
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(path)], check=True, timeout=VENV_TIMEOUT,
                   capture_output=True)
    return path


@contextmanager
def switch_envs():
    """The environments above in a temp dir, removed afterwards.

    Kernels started meanwhile keep their cache of interpreter facts there too (XDG_CACHE_HOME), not in the
    home directory."""
    require(**{"pyenv 3.11": PY311, "pyenv 3.12": PY312})
    with tempfile.TemporaryDirectory(prefix="pyswitch-envs-") as tmp, pytest.MonkeyPatch.context() as mp:
        root = Path(tmp)
        mp.setenv("XDG_CACHE_HOME", str(root / "cache"))
        envs = SwitchEnvs(root, make_venv(PY311, root / "a"), make_venv(PY311, root / "b"),
                          make_venv(PY312, root / "py312"), root / "missing")
        (envs.a / "lib" / "python3.11" / "site-packages" / f"{ONLY_IN_A}.py").write_text('WHERE = "a"\n')
        yield envs
