"""JSON encoding of all that crosses to the native side: requests, replies, iopub contents."""
import json
import os

import _pyswitch_host

# ensure_ascii keeps the output pure ASCII, so text with lone surrogates still yields valid
# UTF-8 bytes (as \udXXX escapes) and the final .encode() is a plain copy.
# NaN/Infinity are not JSON; refusing them here beats a parse error on the Node side.
_encoder = json.JSONEncoder(allow_nan=False, separators=(",", ":"))


class Verbatim(str):
    """Text whose JSON form is itself in double quotes: ASCII without quotes, backslashes or
    control characters. As a value of a message's "data" it is spliced into the output,
    skipping the encoder's per-character pass (~20 ms for a 10M-character repr)."""


# Stands in for Verbatim values while the rest of the message is encoded; random, so no
# real content contains it.
_SLOT = "\x00" + os.urandom(12).hex()
_SLOT_JSON = _encoder.encode(_SLOT)


def dumps(obj):
    verbatim = _verbatim_data(obj)
    if not verbatim:
        return _encoder.encode(obj).encode("ascii")
    data = dict(obj["data"])
    data.update((key, _SLOT) for key in verbatim)
    pieces = _encoder.encode(dict(obj, data=data)).split(_SLOT_JSON)
    out = [pieces[0]]
    for text, piece in zip(verbatim.values(), pieces[1:]):  # both in the order of data
        out += ['"', text, '"', piece]
    return "".join(out).encode("ascii")


def _verbatim_data(obj):
    data = obj.get("data") if type(obj) is dict else None
    if type(data) is not dict:
        return None
    return {key: value for key, value in data.items() if type(value) is Verbatim}


def loads(payload):
    return json.loads(payload) if payload else {}


def publish(msg_type, content, metadata=None, buffers=None):
    """Publish an iopub message; the native side adds header and parent.

    metadata: the message's own metadata (comm messages carry a protocol version there);
    buffers: bytes-like objects that travel as binary frames after the content.
    """
    _pyswitch_host.send(msg_type, _encode(msg_type, content),
                        _encode(msg_type, metadata) if metadata else b"", buffers)


def _encode(msg_type, obj):
    try:
        return dumps(obj)
    except (TypeError, ValueError) as exc:
        # User data that is no JSON (metadata, _repr_json_ results...): raised afresh so the
        # user's traceback ends at their call instead of inside the json module.
        raise type(exc)("%s cannot be sent: %s" % (msg_type, exc)) from None
