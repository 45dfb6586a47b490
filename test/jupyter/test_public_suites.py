"""Public kernel test suites run against pyswitch beside ipykernel (issue 14): pyswitch must pass every
test that passes on ipykernel, except the differences INTENDED lists (also in the README).

The suite is ipykernel's own, as Debian ships it in python3-ipykernel (ipykernel/tests: the message spec
and the kernel's behaviour over jupyter_client; its tests need python3-flaky). It starts the kernelspec
named `python3`: for pyswitch a private JUPYTER_PATH puts a pyswitch kernelspec of that name first. Nothing
of it is copied here; it runs where Debian installed it, in a pytest of its own.
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import DEBIAN_PYTHON
from kernel_install import KernelInstallError, install_pyswitch, jupyter_path_with

IPYKERNEL_TESTS = Path("/usr/lib/python3/dist-packages/ipykernel/tests")
SUITE = ["test_message_spec.py", "test_kernel.py", "test_start_kernel.py"]
SUITE_TIMEOUT = 900

PYSWITCH_VERSION = "kernel_info's implementation_version is pyswitch's (0.x), not ipykernel's (>= 2.1)"
IPYKERNEL_OPTIONS = "the kernel command takes pyswitch's options; ipykernel's (--profile-dir) are refused"
IPYTHON_ONLY = "IPython syntax and API (get_ipython, %hist, %matplotlib): plain mode is Python without IPython"
INTENDED = {
    "ipython": {
        "test_message_spec.py::test_kernel_info_request": PYSWITCH_VERSION,
        "test_kernel.py::test_sys_path_profile_dir": IPYKERNEL_OPTIONS,
    },
    "plain": {
        "test_message_spec.py::test_kernel_info_request": PYSWITCH_VERSION,
        "test_kernel.py::test_sys_path_profile_dir": IPYKERNEL_OPTIONS,
        "test_message_spec.py::test_oinfo_detail": IPYTHON_ONLY,
        "test_message_spec.py::test_single_payload": IPYTHON_ONLY,
        "test_message_spec.py::test_display_data": IPYTHON_ONLY,
        "test_kernel.py::test_save_history": IPYTHON_ONLY,
        "test_kernel.py::test_is_complete": IPYTHON_ONLY,
        "test_kernel.py::test_matplotlib_inline_on_import": IPYTHON_ONLY,
    },
}
# May pass or fail from one run to the next, on pyswitch only, with the reason.
RACY = {
    "ipython": {
        "test_kernel.py::test_interrupt_during_pdb_set_trace":
            "kernel_info is answered before IPython has loaded (start-up speed): the suite's interrupt, 1 s "
            "after start, can land before its pdb cell starts; that cell then ends with KeyboardInterrupt "
            "and stop_on_error aborts the next one, which the suite reads as a malformed reply",
    },
    "plain": {},
}
OUTCOME = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (?:\S*/)?(test_\w+\.py::\S+)")


def _requirements():
    missing = [str(IPYKERNEL_TESTS / name) for name in SUITE if not (IPYKERNEL_TESTS / name).exists()]
    if missing:
        pytest.skip(f"Debian's ipykernel tests are not installed: {missing}")
    if subprocess.run([DEBIAN_PYTHON, "-c", "import flaky"], capture_output=True).returncode != 0:
        pytest.skip("ipykernel's tests need python3-flaky")


def run_suite(tmp, jupyter_path):
    """{test id: outcome} of ipykernel's suite against the kernelspec `python3` found first on jupyter_path."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environ["JUPYTER_PATH"] = jupyter_path
    proc = subprocess.run(
        [DEBIAN_PYTHON, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "--rootdir", str(IPYKERNEL_TESTS),
         *[str(IPYKERNEL_TESTS / name) for name in SUITE]],
        cwd=str(tmp), env=environ, capture_output=True, text=True, timeout=SUITE_TIMEOUT)
    outcomes = {}
    for line in proc.stdout.splitlines():
        found = OUTCOME.match(line)
        if found:
            outcomes[found.group(2)] = found.group(1)
    assert outcomes, f"no results from ipykernel's suite:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return outcomes


@pytest.fixture(scope="module")
def reference(jupyter_env, tmp_path_factory):
    _requirements()
    return run_suite(tmp_path_factory.mktemp("suite-ipykernel"), "")


@pytest.mark.parametrize("mode", ["ipython", "plain"])
def test_ipykernels_suite_passes_on_pyswitch_where_it_passes_on_ipykernel(mode, reference, jupyter_env,
                                                                        tmp_path_factory):
    if os.environ.get("PYSWITCH_TEST_KERNEL"):
        pytest.skip("compares pyswitch with ipykernel")
    prefix = tmp_path_factory.mktemp(f"as-python3-{mode}")
    try:
        install_pyswitch(prefix, "python3", python=DEBIAN_PYTHON, plain=mode == "plain")
    except KernelInstallError as e:
        pytest.fail(str(e), pytrace=False)
    ours = run_suite(tmp_path_factory.mktemp(f"suite-{mode}"), jupyter_path_with(prefix))
    intended = INTENDED[mode]
    regressions = sorted(test for test, outcome in reference.items()
                         if outcome == "PASSED" and ours.get(test) != "PASSED" and test not in intended
                         and test not in RACY[mode])
    assert not regressions, f"pass on ipykernel, not on pyswitch ({mode} mode): " + \
        ", ".join(f"{t} ({ours.get(t, 'not run')})" for t in regressions)
    stale = sorted(test for test in intended if ours.get(test) == "PASSED")
    assert not stale, f"listed as intended differences but pass now: {stale}"
