"""HMAC signing: the committed vectors (for the TypeScript tests) and the kernel's verification.

That the kernel accepts what jupyter_client signs is shown by every other suite in this directory.
"""
import base64
import importlib.util
import json

import pytest
from jupyter_client.session import Session

from kernel_helpers import REPLY_TIMEOUT
from kernel_install import REPO

GENERATOR = REPO / "scripts" / "gen_signing_vectors.py"
FIXTURE = REPO / "test" / "fixtures" / "signing_vectors.json"
DROPPED_WITHIN = 2.0  # s to wait for a reply that must not come


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_signing_vectors", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _vectors():
    return json.loads(FIXTURE.read_text(encoding="utf8"))["vectors"]


def test_committed_vectors_are_what_the_generator_writes():
    assert FIXTURE.read_text(encoding="utf8") == _load_generator().render(), (
        "test/fixtures/signing_vectors.json is stale: run /usr/bin/python3 scripts/gen_signing_vectors.py"
    )


@pytest.mark.parametrize("vector", _vectors(), ids=lambda v: v["name"])
def test_jupyter_client_verifies_the_vector_as_recorded(vector):
    session = Session(key=vector["key"].encode(), signature_scheme="hmac-sha256")
    buffers = [base64.b64decode(b) for b in vector["buffers_base64"]]
    wire = [vector["signature"].encode("ascii")] + [f.encode("utf8") for f in vector["frames"]] + buffers
    if not vector["valid"]:
        with pytest.raises(ValueError, match="Invalid Signature"):
            session.deserialize(wire)
        return
    msg = session.deserialize(wire)
    assert msg["msg_id"] == json.loads(vector["frames"][0])["msg_id"]
    assert msg["content"] == json.loads(vector["frames"][3])
    assert [bytes(b) for b in msg["buffers"]] == buffers


def _sessions_that_must_be_refused(km):
    scheme = km.session.signature_scheme
    return [Session(key=b"another-key", signature_scheme=scheme), Session(key=b"", signature_scheme=scheme)]


@pytest.mark.parametrize("channel", ["shell", "control"])
def test_kernel_drops_badly_signed_requests_and_keeps_answering(kernel, channel):
    km, _ = kernel
    sock = km.connect_shell() if channel == "shell" else km.connect_control()
    try:
        for bad in _sessions_that_must_be_refused(km):
            bad.send(sock, "kernel_info_request", {})
        assert not sock.poll(DROPPED_WITHIN * 1000), f"the kernel answered a badly signed {channel} request"

        good = Session(key=km.session.key, signature_scheme=km.session.signature_scheme)
        request = good.send(sock, "kernel_info_request", {})
        assert sock.poll(REPLY_TIMEOUT * 1000), f"no {channel} reply to a well signed request after bad ones"
        _, frames = good.feed_identities(sock.recv_multipart())
        reply = good.deserialize(frames)  # raises unless the kernel signed it with the session key
        assert reply["msg_type"] == "kernel_info_reply"
        assert reply["parent_header"]["msg_id"] == request["header"]["msg_id"]
    finally:
        sock.close(linger=0)
