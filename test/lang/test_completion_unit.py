"""Unit tests of completion, inspection and the time box against fake_host (no native addon).

Run with pytest (`/usr/bin/python3 -m pytest test/lang`), or on any interpreter 3.7-3.13 without
pytest: `python3 test/lang/test_completion_unit.py`.
"""
import os
import shutil
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "kernel", "lang")]

import fake_host  # noqa: E402  (installed by test_lang_unit too)
from test_lang_unit import call, execute, with_kernel  # noqa: E402
from pyswitch import _complete_jedi, _inspection, _timebox  # noqa: E402


def complete(code, cursor=None, jedi=True):
    """The reply; jedi=False answers as in an environment without jedi."""
    saved = _complete_jedi._jedi
    if not jedi:
        _complete_jedi._jedi = False
    try:
        return call("complete", code=code, cursor_pos=cursor)
    finally:
        _complete_jedi._jedi = saved


def matches(code, cursor=None, jedi=False):
    return complete(code, cursor, jedi)["matches"]


def inspect_text(code, cursor=None, detail_level=0):
    reply = call("inspect", code=code, cursor_pos=cursor, detail_level=detail_level)
    return reply["data"].get("text/plain") if reply["found"] else None


class TemporaryModules:
    """A directory on sys.path holding the given files; imports of them are undone afterwards."""

    def __init__(self, files):
        self.files = files

    def __enter__(self):
        self.dir = tempfile.mkdtemp()
        for name, text in self.files.items():
            path = os.path.join(self.dir, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        sys.path.insert(0, self.dir)
        return self

    def __exit__(self, *exc):
        sys.path.remove(self.dir)
        shutil.rmtree(self.dir)


@with_kernel
def test_names_attributes_and_offsets():
    execute("import os\nalpha_value = 1\nalpha_other = 2")
    assert matches("alpha_") == ["alpha_other", "alpha_value"]
    assert matches("whi") == ["while"]
    reply = complete("x = 1; os.pa", jedi=False)
    assert reply["cursor_start"] == 10 and reply["cursor_end"] == 12
    assert {"path", "pardir", "pathsep"} <= set(reply["matches"])
    types = {t["text"]: t["type"] for t in reply["metadata"]["_jupyter_types_experimental"]}
    assert types["path"] == "module" and types["pathsep"] == "instance"
    # Code points: the astral character counts one.
    assert complete(u"\U0001d518 = os.pa", jedi=False)["cursor_start"] == 7
    assert matches("alpha_v + 1", cursor=7) == ["alpha_value"]
    assert matches("os.") and not any(m.startswith("_") for m in matches("os."))
    assert "__file__" in matches("os.__f")
    assert matches("# alpha_") == [] and matches("'alpha_") == []
    assert matches("1 + 2.") == [] and matches("f().x") == []


@with_kernel
def test_attribute_completion_runs_no_property():
    execute("class Lazy:\n"
            "    runs = 0\n"
            "    @property\n"
            "    def expensive(self):\n"
            "        Lazy.runs += 1\n"
            "        return 1\n"
            "    def method(self):\n"
            "        pass\n"
            "lazy = Lazy()")
    reply = complete("lazy.", jedi=False)
    types = {t["text"]: t["type"] for t in reply["metadata"]["_jupyter_types_experimental"]}
    assert types["expensive"] == "property" and types["method"] == "function"
    assert types["runs"] == "instance"
    assert sys.modules["__main__"].Lazy.runs == 0


@with_kernel
def test_dict_keys():
    execute("d = {'apple': 1, 'apricot': 2, 'it\\'s': 3, 5: 'five'}\n"
            "class Frame:\n"
            "    def _ipython_key_completions_(self):\n"
            "        return ['column_a', 'column_b']\n"
            "frame = Frame()")
    assert matches('d["ap') == ["apple", "apricot"]
    assert complete('d["ap', jedi=False)["cursor_start"] == 3
    assert matches("d['") == ["apple", "apricot"]  # "it's" cannot go inside single quotes
    assert matches('d["') == ["apple", "apricot", "it's"]
    assert matches("d[") == ['"it\'s"', "'apple'", "'apricot'"]
    assert matches("frame['col") == ["column_a", "column_b"]


@with_kernel
def test_module_names_without_importing():
    package = "pyswitch_test_pkg"
    files = {
        os.path.join(package, "__init__.py"): "raise RuntimeError('must not be imported')\n",
        os.path.join(package, "submodule.py"): "",
        "pyswitch_test_mod.py": ("import os.path as joined\nfrom sys import argv\n"
                                  "def alpha():\n    pass\nclass Beta:\n    pass\n"
                                  "GAMMA, (delta, _hidden) = 1, (2, 3)\nif True:\n    nested = 1\n"),
    }
    with TemporaryModules(files):
        assert matches("import pyswitch_test_") == ["pyswitch_test_mod", "pyswitch_test_pkg"]
        assert matches("import os, pyswitch_test_pkg.sub") == ["submodule"]
        assert matches("from pyswitch_test_pkg import ") == ["submodule"]
        assert matches("from pyswitch_test_mod import ") == ["alpha", "argv", "Beta", "delta",
                                                             "GAMMA", "joined"]
        assert matches("from pyswitch_test_mod import (alpha, B") == ["Beta"]
        assert package not in sys.modules and "pyswitch_test_mod" not in sys.modules
    assert matches("from . import ") == [] and matches("import ..x") == []
    assert "path" in matches("from os import pa")


@with_kernel
def test_jedi_when_available():
    if not _complete_jedi.available():
        return
    assert complete('"abc".up')["matches"] == ["upper"]
    assert complete("not_run_yet = 1\nnot_run")["matches"] == ["not_run_yet"]
    assert complete('"abc".up', jedi=False)["matches"] == []


@with_kernel
def test_jedi_cache_files_cut_short_are_replaced():
    # parso writes its cache in place: a file read while another kernel writes it is cut short, and
    # would fail every completion that needs its module until it goes.
    if not _complete_jedi.available():
        return
    import glob
    import jedi
    import parso.cache
    saved = jedi.settings.cache_directory, _complete_jedi.DEADLINE_S
    cache = tempfile.mkdtemp()
    jedi.settings.cache_directory = cache
    _complete_jedi.DEADLINE_S = 60  # an empty cache means parsing os and what it imports (~1 s)
    try:
        assert "path" in complete("import os\nos.pa")["matches"]
        files = glob.glob(os.path.join(cache, "*", "*.pkl"))
        assert files
        for path in files:
            with open(path, "rb") as f:
                whole = f.read()
            with open(path, "wb") as f:
                f.write(whole[:len(whole) // 2])
        parso.cache.parser_cache.clear()  # as in a kernel that has not read those modules yet
        assert "path" in complete("import os\nos.pa")["matches"]
        assert all(os.path.getsize(path) > 0 for path in glob.glob(os.path.join(cache, "*", "*.pkl")))
    finally:
        jedi.settings.cache_directory, _complete_jedi.DEADLINE_S = saved
        parso.cache.parser_cache.clear()
        shutil.rmtree(cache)


@with_kernel
def test_inspect_fields_and_detail():
    execute("import os\n"
            "class Greeter:\n"
            "    '''Says hello.'''\n"
            "    def __init__(self, name):\n"
            "        self.name = name\n"
            "def twice(x):\n"
            "    return 2 * x\n"
            "numbers = list(range(1000))", count=7)
    text = inspect_text("Greeter")
    assert text == ("Init signature: Greeter(name)\nDocstring:      Says hello.\n"
                    "Type:           type")
    # inspect finds no file for classes of __main__, so no source either.
    assert inspect_text("Greeter", detail_level=1) == text
    assert inspect_text("twice") == ("Signature: twice(x)\nDocstring: <no docstring>\n"
                                     "File:      <cell 7>\nType:      function")
    source = inspect_text("twice", detail_level=1)
    assert "\nSource:\ndef twice(x):\n    return 2 * x\nFile:      <cell 7>\n" in source
    value = inspect_text("numbers")
    assert value.startswith("String form: [0, 1, 2,") and " ... " in value
    assert "\nLength:      1000\n" in value
    assert inspect_text("os").startswith("Docstring:")
    assert inspect_text("os.path.join(") == inspect_text("os.path.join")
    assert inspect_text("missing_name") is None and inspect_text("os.missing") is None


def test_candidates_at_cursor():
    at = _inspection.candidates_at
    assert at("os.path.join", 12) == ["os.path.join"]
    assert at("os.path.join", 5) == ["os.path"]  # the word under the cursor, up to its end
    assert at("os.path.join(", 13) == ["os.path.join"]
    assert at("os.path.join(a, b", 17) == ["b", "os.path.join"]
    assert at("print(os.path.jo", 16) == ["os.path.jo", "print"]
    assert at("f(x)[0](", 8) == ["x"]  # no name called: the last name, as IPython
    assert at("x = ", 4) == []  # the left side of an assignment is not the question
    assert at("for", 3) == []
    assert at("zip\n", 4) == ["zip"]
    assert at("'done' ", 7) == []


def test_timebox():
    previous = signal.getsignal(signal.SIGINT)
    assert _timebox.run(lambda: 42, 1.0) == 42
    started = time.perf_counter()
    try:
        _timebox.run(_spin_forever, 0.05)
        raise AssertionError("not stopped")
    except _timebox.Expired:
        pass
    assert time.perf_counter() - started < 1.0
    assert signal.getsignal(signal.SIGINT) is previous

    def interrupted_by_the_user():
        import _thread
        _thread.interrupt_main()
        _spin_forever()
    try:
        _timebox.run(interrupted_by_the_user, 5.0)
        raise AssertionError("not interrupted")
    except KeyboardInterrupt:
        pass
    # Deadlines that fall as the call returns: no interrupt may escape afterwards.
    for _ in range(200):
        try:
            _timebox.run(lambda: time.sleep(0.0005), 0.0005)
        except _timebox.Expired:
            pass
    for _ in range(100000):
        pass
    assert signal.getsignal(signal.SIGINT) is previous


def test_pyswitch_magic_lines_complete_only_in_ipython_mode():
    # The magic exists once IPython mode has registered it (importing pyswitch._magics); plain mode
    # completes such a line as Python, never with the magic's words or paths.
    assert "pyswitch._magics" not in sys.modules
    assert "switch" not in matches("%pyswitch sw")
    tree = tempfile.mkdtemp()
    try:
        os.mkdir(os.path.join(tree, "venv"))
        open(os.path.join(tree, "venvfile"), "w").close()
        from pyswitch import _complete_magic
        assert _complete_magic.paths(tree + "/ve") == [tree + "/venv/", tree + "/venvfile"]
        assert _complete_magic.paths(tree + "/missing/x") == []
    finally:
        shutil.rmtree(tree)


def _spin_forever():
    while True:
        pass


if __name__ == "__main__":
    fake_host.run_as_script(globals())
