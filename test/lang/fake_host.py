"""A stand-in for the native `_pyswitch_host` module, recording what the Python side sends.

Importing this module registers it as `_pyswitch_host` in sys.modules, so `import pyswitch`
works without the addon.
"""
import contextvars
import json
import sys

job = contextvars.ContextVar("pyswitch_job")  # the request output belongs to (native/host_module.h)
# In call order: ("stream", 1|2, text), (msg_type, content dict), ("input", prompt, password).
events = []
extras = []  # (metadata, buffers) of each send(), in order
logged = []  # the kernel's own log
input_replies = []  # what the "frontend" answers to the next input requests


def _writer(stream):
    def write(text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        events.append(("stream", stream, text))
        return len(text)
    return write


write_stdout = _writer(1)
write_stderr = _writer(2)
repr = repr  # the native one gives what the builtin gives (native/str_repr.h)


def flush():
    pass


def joined(content):
    """Content as the native side joins it: JSON bytes, or a tuple of JSON bytes and str written as
    JSON strings (native/json_pytext.h)."""
    if isinstance(content, bytes):
        return content
    assert isinstance(content, tuple), type(content)
    return b"".join(piece if isinstance(piece, bytes) else json.dumps(piece).encode("ascii")
                    for piece in content)


def send(msg_type, content, metadata=b"", buffers=None):
    assert isinstance(metadata, bytes), type(metadata)
    events.append((msg_type, json.loads(joined(content).decode("utf-8"))))  # strict: must be valid UTF-8
    # What a message carries beyond its content, as the native side would copy it.
    extras.append((json.loads(metadata.decode("utf-8")) if metadata else {},
                   [bytes(memoryview(buffer)) for buffer in buffers or ()]))


def log(message):
    logged.append(message)


def input(prompt, password):
    events.append(("input", prompt, password))
    return input_replies.pop(0)


def reset():
    del events[:]
    del extras[:]
    del logged[:]
    del input_replies[:]


def sent(msg_type):
    return [content for kind, content in ((e[0], e[1]) for e in events) if kind == msg_type]


def stream_text(stream=1):
    return "".join(e[2] for e in events if e[0] == "stream" and e[1] == stream)


sys.modules["_pyswitch_host"] = sys.modules[__name__]


def run_as_script(namespace):
    """Run a test module's test_* functions without pytest, which only Debian's Python has: the same
    file then checks the package on every supported version (3.7 to 3.13)."""
    import traceback
    failed = 0
    for name, test in sorted(namespace.items()):
        if name.startswith("test_") and callable(test):
            try:
                test()
                print("ok  ", name)
            except Exception:
                failed += 1
                print("FAIL", name)
                traceback.print_exc()
    print("%s: %d failed" % (sys.version.split()[0], failed))
    sys.exit(1 if failed else 0)
