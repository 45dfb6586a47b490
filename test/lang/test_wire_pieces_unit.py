"""_wire.content_pieces: long text in a message's data goes to the native side as the very str
object, uncopied, between JSON pieces that together with it make the message's JSON."""
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "kernel", "lang")]

fake_host = importlib.import_module("fake_host")  # registers itself as _pyswitch_host
from pyswitch import _wire  # noqa: E402

LONG = _wire._LONG_TEXT

TEXTS = {
    "plain ascii": "'" + "x" * LONG + "'",
    "a double quote": "x" * LONG + '"',
    "a backslash": "\\" + "x" * LONG,
    "a newline": "x" * LONG + "\n",
    "a NUL": "\x00" + "x" * LONG,
    "DEL": "\x7f" * LONG,
    "non-ASCII": "é€" * LONG + "\U0001F600",
    "a lone surrogate": "\udc80" + "x" * LONG,
}


def message(text):
    return {"data": {"text/html": "<b>short</b>", "text/plain": text, "text/markdown": text},
            "metadata": {"k": [1, "v"]}, "execution_count": 3}


def test_long_text_is_handed_over_as_the_same_object_between_json_pieces():
    for name, text in TEXTS.items():
        pieces = _wire.content_pieces(message(text))
        assert type(pieces) is tuple, name
        assert [type(piece) for piece in pieces] == [bytes, str, bytes, str, bytes], name
        assert pieces[1] is text and pieces[3] is text, name  # not one copy on the Python side
        assert json.loads(fake_host.joined(pieces).decode("ascii")) == message(text), name


def test_short_text_and_contents_without_data_stay_json_bytes():
    assert _wire.content_pieces(message("abc")) == _wire.dumps(message("abc"))
    assert _wire.content_pieces({"name": "stdout", "text": "x" * LONG}) == _wire.dumps(
        {"name": "stdout", "text": "x" * LONG})


def test_ipython_bundles_keep_their_text_objects():
    try:
        from pyswitch._ipython_display import json_data
    except ImportError:  # no IPython in the Python running the tests
        import pytest
        pytest.skip("IPython is not importable here")
    text = TEXTS["plain ascii"]
    data = json_data({"text/plain": text, "image/png": b"\x89PNG"})
    assert data["text/plain"] is text
    assert data["image/png"] == "iVBORw=="
