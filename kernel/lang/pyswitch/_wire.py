"""JSON encoding of all that crosses to the native side: requests, replies, iopub contents."""
import json
import os

import _pyswitch_host

# ensure_ascii keeps the output pure ASCII, so text with lone surrogates still yields valid
# UTF-8 bytes (as \udXXX escapes) and the final .encode() is a plain copy.
# NaN/Infinity are not JSON; refusing them here beats a parse error on the Node side.
_encoder = json.JSONEncoder(allow_nan=False, separators=(",", ":"))


_LONG_TEXT = 1 << 16  # below this, the encoder beats the hand-over of a piece to the native side

# Stands in for long text while the rest of the message is encoded; random, so no real content
# contains it.
_SLOT = "\x00" + os.urandom(12).hex()
_SLOT_JSON = _encoder.encode(_SLOT)


def dumps(obj):
    return _encoder.encode(obj).encode("ascii")


def content_pieces(obj):
    """A message's content for the native side: JSON bytes or, when its "data" holds long text (a
    big repr), a tuple of JSON bytes and those str values, which the native side writes into the
    message as JSON strings straight from the str: their one copy (docs/performance.md)."""
    long_text = _long_data(obj)
    if not long_text:
        return dumps(obj)
    data = dict(obj["data"])
    data.update((key, _SLOT) for key in long_text)
    pieces = _encoder.encode(dict(obj, data=data)).split(_SLOT_JSON)
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
    return json.loads(payload) if payload else {}


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
