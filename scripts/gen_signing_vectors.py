#!/usr/bin/python3
"""Write test/fixtures/signing_vectors.json: wire frames and HMAC signatures made by jupyter_client.

Run with Debian's Python: /usr/bin/python3 scripts/gen_signing_vectors.py
Each vector holds the four signed frames (header, parent_header, metadata, content) exactly as
jupyter_client.session.Session serialises them (UTF-8 text), the hex signature it computes, the
buffers (base64; buffers are never signed) and whether a verifier must accept the message.
"""
import base64
import json
import sys
from pathlib import Path

import jupyter_client
from jupyter_client.session import DELIM, Session

OUT = Path(__file__).resolve().parents[1] / "test" / "fixtures" / "signing_vectors.json"
SCHEME = "hmac-sha256"
KEY = "a0436f6c-1916-498b-8eb9-e81ab9368e84"
OTHER_KEY = "not-the-connection-file-key"
SESSION = "5b3c7d1e-0f2a-4c6b-8e9d-112233445566"
DATE = "2024-05-06T07:08:09.123456Z"


def _header(msg_type, number):
    return {
        "msg_id": f"{SESSION}_{number}",
        "session": SESSION,
        "username": "pyswitch",
        "date": DATE,
        "msg_type": msg_type,
        "version": "5.3",
    }


EXECUTE_REQUEST = _header("execute_request", 2)

MESSAGES = [
    # name, header, parent, metadata, content, buffers
    ("kernel_info_request, all empty", _header("kernel_info_request", 1), {}, {}, {}, []),
    (
        "execute_request with unicode code",
        EXECUTE_REQUEST,
        {},
        {},
        {
            "code": "print('héllo wörld ✓ 🐍 \\u00e9', \"quotes\", '\\n')\n# 日本語",
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": True,
            "stop_on_error": True,
        },
        [],
    ),
    (
        "stream with control characters and a parent",
        _header("stream", 3),
        EXECUTE_REQUEST,
        {},
        {"name": "stdout", "text": "tab\tnul\x00 bell\x07 cr\r\nlf\n\u2028 end"},
        [],
    ),
    (
        "execute_reply with metadata and nested content",
        _header("execute_reply", 4),
        EXECUTE_REQUEST,
        {"started": DATE, "dependencies_met": True, "engine": SESSION, "status": "ok"},
        {
            "status": "ok",
            "execution_count": 7,
            "payload": [],
            "user_expressions": {"x": {"status": "ok", "data": {"text/plain": "1.5"}, "metadata": {}}},
        },
        [],
    ),
    (
        "comm_msg with binary buffers",
        _header("comm_msg", 5),
        EXECUTE_REQUEST,
        {},
        {"comm_id": "c0ffee", "data": {"method": "update", "buffer_paths": [["a"], ["b"]]}},
        [b"\x00\x01\x02\xff\xfe", b""],
    ),
]


def _frames(session, header, parent, metadata, content):
    msg = session.msg(header["msg_type"], content, parent=parent, header=header, metadata=metadata)
    wire = session.serialize(msg)
    assert wire[0] == DELIM
    return wire[1].decode("ascii"), [frame.decode("utf8") for frame in wire[2:]]


def _vector(name, header, parent, metadata, content, buffers, key=KEY, signing_key=KEY):
    """A message signed with signing_key; a verifier holding key must accept it iff they match."""
    session = Session(key=signing_key.encode(), signature_scheme=SCHEME)
    signature, frames = _frames(session, header, parent, metadata, content)
    return {
        "name": name,
        "key": key,
        "frames": frames,
        "signature": signature,
        "buffers_base64": [base64.b64encode(b).decode("ascii") for b in buffers],
        "valid": key == signing_key,
    }


def _tampered(vector):
    """The vector with its content frame changed after signing: a verifier must reject it."""
    frames = vector["frames"][:3] + [vector["frames"][3].replace("🐍", "🐢")]
    return dict(vector, name="content changed after signing: reject", frames=frames, valid=False)


def build_vectors():
    vectors = [_vector(*message) for message in MESSAGES]
    unicode_message = MESSAGES[1][1:]
    vectors += [
        _vector("unsigned (empty key): empty signature", *unicode_message, key="", signing_key=""),
        _vector("signed with another key: reject", *unicode_message, signing_key=OTHER_KEY),
        _tampered(vectors[1]),
    ]
    return {
        "generator": "scripts/gen_signing_vectors.py",
        "jupyter_client": jupyter_client.__version__,
        "signature_scheme": SCHEME,
        "delimiter": DELIM.decode("ascii"),
        "frame_order": ["header", "parent_header", "metadata", "content"],
        "vectors": vectors,
    }


def render():
    return json.dumps(build_vectors(), indent=2, ensure_ascii=False) + "\n"


def main():
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(), encoding="utf8")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
