"""_wire's JSON: the same bytes and values as the json module's, on every Python here, and the kernel's
start imports neither json nor re (docs/performance.md, "The kernel's package without json").

Each Python runs in a fresh interpreter, 3.7 to 3.13 from pyenv and Debian's; a missing one is skipped.
"""
import glob
import os
import subprocess
import sys

import pytest

from interpreters import LANG, run_fresh

MINORS = ["3.%d" % minor for minor in range(7, 14)]  # the kernel's supported ones
PYENV = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")))
PYTHONS = [sys.executable] + [python for python in PYENV
                              if any(os.path.basename(python.split("/bin/")[0]).startswith(minor + ".")
                                     for minor in MINORS)]

SETUP = "import json\nfrom pyswitch import _wire\n"

SAME_AS_JSON = r"""
values = [None, True, False, 0, -1, 2 ** 80, 1.5, -0.0, 1e300, "", "x", "caf\xe9", "\u65e5", "\U0001F600",
          "\ud800", "\x00\x1f\x7f\"\\/", [], {}, [1, [2, [3]]], {"a": {"b": [None, "c"]}, "": 1},
          {1: "int key", 2.5: "float key", True: "bool key", None: "null key"}, (1, 2)]
dumped = [_wire.dumps(value) == json.dumps(value, allow_nan=False, separators=(",", ":")).encode() for value in values]

texts = ['{"a":1}', ' \t\n{"a": [1, 2.5, -3e2, "\\ud83d\\ude00", "\\ud800", null, true, false]}\r\n',
         '"just a string"', '12345678901234567890', '[{}, [], ""]', '{"k": "v", "k": "w"}',
         '{"caf\xe9": "\u65e5\u672c"}', 'NaN', '[-Infinity, Infinity]']
loaded = [repr(_wire.loads(text.encode("utf-8"))) == repr(json.loads(text.encode("utf-8"))) for text in texts]

def error_of(call, value):
    try:
        call(value)
    except Exception as exc:
        return [type(exc).__name__, str(exc)]
    return None

circular = []
circular.append(circular)
refused = [[error_of(_wire.dumps, value), error_of(lambda v: json.dumps(v, allow_nan=False), value)]
           for value in (float("nan"), {"x": float("inf")}, object(), {"set": {1}}, circular, {(1, 2): 3})]

def value_error(text):
    try:
        _wire.loads(text)
    except ValueError:  # json's JSONDecodeError and UnicodeDecodeError are ValueErrors
        return True
    return False

malformed = [value_error(text) for text in (b"{", b"[1,]", b'{"a":1} x', b"   ", b"\xff", b"[1] [2]", b'"\\x"')]
report(dumped=dumped, loaded=loaded, refused=refused, malformed=malformed, version="%d.%d" % sys.version_info[:2])
"""


def python_of(minor):
    found = [python for python in PYTHONS if os.path.basename(os.path.dirname(os.path.dirname(python)))
             .startswith(minor + ".")]
    if not found:
        pytest.skip("no pyenv Python %s here" % minor)
    return found[0]


@pytest.mark.parametrize("minor", MINORS)
def test_the_same_json_as_the_json_module(minor):
    facts = run_fresh(python_of(minor), SETUP, SAME_AS_JSON)
    assert facts["version"] == minor
    assert all(facts["dumped"]), facts["dumped"]
    assert all(facts["loaded"]), facts["loaded"]
    for ours, theirs in facts["refused"]:
        assert ours is not None and ours[0] == theirs[0], (ours, theirs)
    # NaN and an unknown type: word for word what json says (the user sees it in "cannot be sent").
    assert [ours for ours, _ in facts["refused"][:4]] == [theirs for _, theirs in facts["refused"][:4]]
    assert all(facts["malformed"]), facts["malformed"]


def test_an_empty_payload_is_an_empty_request():
    facts = run_fresh(sys.executable, SETUP, "report(empty=_wire.loads(b''))")
    assert facts["empty"] == {}


# Not run_fresh: its harness imports json itself.
CLEAN_START = """
import sys, types
sys.modules["_pyswitch_host"] = types.ModuleType("_pyswitch_host")  # nothing of it runs at import
sys.path.append(%r)
before = set(sys.modules)
from pyswitch import _kernel, _lifecycle, _debugger, _environments
print(" ".join(sorted(set(sys.modules) - before)))
""" % LANG


@pytest.mark.parametrize("python", PYTHONS)
def test_the_kernels_start_imports_neither_json_nor_re(python):
    proc = subprocess.run([python, "-c", CLEAN_START], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    loaded = proc.stdout.split()
    assert "pyswitch._kernel" in loaded
    assert not {"json", "re", "enum", "sysconfig", "threading"} & set(loaded), loaded
