"""The Pythons on this machine that the unit tests run kernel code on in a fresh interpreter, and how."""
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LANG = os.path.join(HERE, "..", "..", "kernel", "lang")

# kernel/lang and the fake host (test/lang) on the path, and report(**facts) for the code under test.
_PATHS = """
import json, sys
sys.path[:0] = [%r, %r]
import fake_host  # registers itself as _pyswitch_host
""" % (HERE, LANG)
_REPORT = """
def report(**facts):
    print(json.dumps(facts))
"""


def pythons_with_ipython():
    """Debian's (the one running pytest) and pyenv's, those of them that can import IPython."""
    candidates = [sys.executable] + sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")))
    return [python for python in candidates
            if subprocess.run([python, "-c", "import IPython"], capture_output=True).returncode == 0]


def run_fresh(python, setup, code, *args):
    """Runs setup, then code, in a fresh `python` that imports kernel/lang with the fake host; args go to
    its sys.argv. Returns the facts of the code's last report(**facts)."""
    proc = subprocess.run([python, "-c", _PATHS + setup + _REPORT + code] + list(args), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])
