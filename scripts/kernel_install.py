"""Choose the kernelspec under test: install pyswitch into a prefix, or use a named spec.

Used by scripts/bench.py and by the pytest suites under test/jupyter (their conftest.py puts scripts/ on
sys.path): tools sit below the tests, which may use them, never the other way round.
"""
import os
import subprocess
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

REPO = Path(__file__).resolve().parents[1]
PYSWITCH_JS = REPO / "bin" / "pyswitch.js"
INSTALL_TIMEOUT = 60


class KernelInstallError(RuntimeError):
    pass


def _data_dir(prefix):
    return Path(prefix) / "share" / "jupyter"


def jupyter_path_with(prefix, current=None):
    """A JUPYTER_PATH value that finds the kernelspecs installed under prefix first."""
    return os.pathsep.join([str(_data_dir(prefix))] + ([current] if current else []))


def install_pyswitch(prefix, name="pyswitch", python=None, plain=False):
    """Run `pyswitch install --prefix PREFIX --name NAME [--python PYTHON] [--plain]`; return the
    kernel.json path.

    Raises KernelInstallError with the command's output when anything is missing.
    """
    if not PYSWITCH_JS.is_file():
        raise KernelInstallError(f"{PYSWITCH_JS} does not exist: build pyswitch first (npm run build)")
    cmd = ["node", str(PYSWITCH_JS), "install", "--prefix", str(prefix), "--name", name]
    if python:
        cmd += ["--python", str(python)]
    if plain:
        cmd.append("--plain")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    spec = _data_dir(prefix) / "kernels" / name / "kernel.json"
    if proc.returncode != 0 or not spec.is_file():
        raise KernelInstallError(
            f"{' '.join(cmd)} exited {proc.returncode} and wrote {'' if spec.is_file() else 'no '}"
            f"{spec}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return spec


def require_kernelspec(name):
    """Fail unless jupyter_client (with the current JUPYTER_PATH) finds kernelspec `name`."""
    try:
        return KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel as e:
        raise KernelInstallError(
            f"no kernelspec named {name!r} on JUPYTER_PATH={os.environ.get('JUPYTER_PATH', '')!r}"
        ) from e
