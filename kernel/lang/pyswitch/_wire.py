"""JSON encoding of all that crosses to the native side: requests, replies, iopub contents.

It calls the C functions of `_json` that `json` itself uses, which is what json.JSONEncoder(allow_nan=False,
separators=(",", ":")) and json.loads do for this module's input, without `json`'s Python layer: that
imports `re` (with enum, functools, collections), 6-7 ms that an interpreter's start and an in-process
switch would pay before their reply (docs/performance.md, "The kernel's package without json").
"""
import os

import _json
import _pyswitch_host


def _not_serializable(obj):
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


# ensure_ascii: the output is pure ASCII, so text with lone surrogates still yields valid UTF-8 bytes
# (as \udXXX escapes) and the final .encode() is a plain copy. allow_nan off: NaN/Infinity are not
# JSON, and refusing them here beats a parse error on the Node side. {} catches circular references.
def _make_encoder():
    return _json.make_encoder({}, _not_serializable, _json.encode_basestring_ascii, None, ":", ",",
                              False, False, False)


class _Decoding(object):
    """What json.loads's default decoder gives `_json`'s scanner."""
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


_scan = _json.make_scanner(_Decoding())
_WHITESPACE = " \t\n\r"  # JSON's


def _encode_text(obj):
    if isinstance(obj, str):
        return _json.encode_basestring_ascii(obj)
    # A fresh encoder each time: its circular-reference markers must start empty after a failure.
    return "".join(_make_encoder()(obj, 0))


_LONG_TEXT = 1 << 16  # below this, the encoder beats the hand-over of a piece to the native side

# Stands in for long text while the rest of the message is encoded; random, so no real content
# contains it.
_SLOT = "\x00" + os.urandom(12).hex()
_SLOT_JSON = _encode_text(_SLOT)


def dumps(obj):
    return _encode_text(obj).encode("ascii")


def content_pieces(obj):
    """A message's content for the native side: JSON bytes or, when its "data" holds long text (a
    big repr), a tuple of JSON bytes and those str values, which the native side writes into the
    message as JSON strings straight from the str: their one copy (docs/performance.md)."""
    long_text = _long_data(obj)
    if not long_text:
        return dumps(obj)
    data = dict(obj["data"])
    data.update((key, _SLOT) for key in long_text)
    pieces = _encode_text(dict(obj, data=data)).split(_SLOT_JSON)
    out = [pieces[0].encode("ascii")]
    for text, piece in zip(long_text.values(), pieces[1:]):  # both in the order of data
        out += [text, piece.encode("ascii")]
    return tuple(out)


def _long_data(obj):
    data = obj.get("data") if type(obj) is dict else None
    if type(data) is not dict:
        return None
    return {key: value for key, value in data.items()
            if isinstance(value, str) and len(value) >= _LONG_TEXT}


def loads(payload):
    """A request's payload, JSON bytes from the native side (an empty payload is {})."""
    if not payload:
        return {}
    text = payload.decode("utf-8", "surrogatepass")
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        obj, end = _scan(text, start)
    except StopIteration as exc:
        raise ValueError("Expecting value at char %d" % exc.value) from None
    if text[end:].strip(_WHITESPACE):
        raise ValueError("Extra data at char %d" % end)
    return obj


def publish(msg_type, content, metadata=None, buffers=None):
    """Publish an iopub message; the native side adds header and parent.

    metadata: the message's own metadata (comm messages carry a protocol version there);
    buffers: bytes-like objects that travel as binary frames after the content.
    """
    _pyswitch_host.send(msg_type, _encode(msg_type, content, content_pieces),
                        _encode(msg_type, metadata, dumps) if metadata else b"", buffers)


def _encode(msg_type, obj, encode):
    try:
        return encode(obj)
    except (TypeError, ValueError) as exc:
        # User data that is no JSON (metadata, _repr_json_ results...): raised afresh so the
        # user's traceback ends at their call instead of inside the json module.
        raise type(exc)("%s cannot be sent: %s" % (msg_type, exc)) from None
