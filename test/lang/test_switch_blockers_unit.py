"""_switch.third_party_extensions: an extension module outside the standard library's lib-dynload is
third-party, wherever it is, the site-packages of a venv or of its installation included (pip's
places for numpy, which an in-process switch would make crash: docs/runtime-facts.md, fact 6).

Each case runs in a fresh interpreter of a temp venv, of each pyenv Python 3.7-3.13 and of Debian's.
"""
import glob
import os
import subprocess
import sys
import tempfile

import pytest

from interpreters import run_fresh

MINORS = ["3.%d" % minor for minor in range(7, 14)]
PYENV = {minor: sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/%s.*/bin/python3" % minor))) for minor in MINORS}
BASES = [("debian", "/usr/bin/python3")] + [(minor, (PYENV[minor] or [None])[-1]) for minor in MINORS]

CASES = r"""
import glob, os, sys, sysconfig, types
from pyswitch import _switch

def fake(name, path):
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module

suffix = sysconfig.get_config_var("EXT_SUFFIX")
version = "python%d.%d" % sys.version_info[:2]
fake("in_venv_site", os.path.join(sys.prefix, "lib", version, "site-packages", "numpy", "core", "_umath" + suffix))
fake("in_base_site", os.path.join(sys.base_prefix, "lib", version, "site-packages", "pkg", "_ext" + suffix))
fake("in_venv_lib", os.path.join(sys.prefix, "lib", version, "_ext" + suffix))
fake("pure_python", os.path.join(sys.prefix, "lib", version, "site-packages", "pkg", "mod.py"))
dynload = [path for path in sys.path if path.endswith("lib-dynload")]
stdlib_ext = sorted(glob.glob(os.path.join(dynload[0], "*" + suffix)))[0]
name = os.path.basename(stdlib_ext).split(".")[0]
__import__(name)
report(found=_switch.third_party_extensions(), stdlib_ext=name, in_dynload=sys.modules[name].__file__.startswith(dynload[0]))
"""


@pytest.mark.parametrize("label,base", BASES, ids=[label for label, _ in BASES])
def test_only_lib_dynload_is_the_standard_librarys(label, base):
    if base is None or not os.path.exists(base):
        pytest.skip("no Python %s here" % label)
    with tempfile.TemporaryDirectory(prefix="pyswitch-blockers-") as tmp:
        venv = os.path.join(tmp, "venv")
        subprocess.run([base, "-m", "venv", "--without-pip", venv], check=True, capture_output=True, timeout=120)
        facts = run_fresh(os.path.join(venv, "bin", "python"), "", CASES)
    assert facts["in_dynload"], facts
    assert facts["found"] == ["in_base_site", "in_venv_lib", "in_venv_site"], facts
    assert facts["stdlib_ext"] not in facts["found"]

