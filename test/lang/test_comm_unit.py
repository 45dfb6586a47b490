"""Unit tests of comms and import hooks against fake_host (no native addon needed).

Run with pytest (`/usr/bin/python3 -m pytest test/lang`), or on any interpreter 3.7-3.13 without
pytest: `python3 test/lang/test_comm_unit.py`.
"""
import json
import os
import shutil
import sys
import tempfile
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "kernel", "lang")]

import fake_host  # noqa: E402
from pyswitch import _import_hooks, _kernel, comm  # noqa: E402


def frontend(msg_type, content, buffers=()):
    """A comm message from the frontend, as the TypeScript side hands it to handle()."""
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type}
    payload = {"msg_id": header["msg_id"], "msg_type": msg_type, "header": header,
               "parent_header": {}, "metadata": {}, "content": content}
    reply = _kernel.handle("comm", json.dumps(payload).encode(), [bytes(b) for b in buffers])
    assert json.loads(reply.decode()) == {}, reply


def comm_info(target_name=None):
    reply = _kernel.handle("comm_info", json.dumps({"target_name": target_name}).encode())
    return json.loads(reply.decode())["comms"]


def test_kernel_opened_comm_publishes_metadata_and_buffers():
    fake_host.reset()
    c = comm.create_comm(target_name="t", data={"a": 1}, metadata={"v": 2},
                         buffers=[b"\x00\xff", memoryview(b"mv")])
    assert fake_host.sent("comm_open") == [
        {"comm_id": c.comm_id, "target_name": "t", "target_module": None, "data": {"a": 1}}]
    assert fake_host.extras == [({"v": 2}, [b"\x00\xff", b"mv"])]
    assert comm_info("t") == {c.comm_id: {"target_name": "t"}}
    c.close()
    c.close()
    assert fake_host.sent("comm_close") == [{"comm_id": c.comm_id, "data": {}}]
    assert comm_info("t") == {}


def test_frontend_messages_reach_callbacks_with_memoryview_buffers():
    seen = []

    def target(c, msg):
        seen.append(("open", msg["content"]["data"], msg["buffers"]))
        c.on_msg(lambda m: seen.append(("msg", m["buffers"])))
        c.on_close(lambda m: seen.append(("close", m["content"]["data"])))

    comm.get_comm_manager().register_target("unit.target", target)
    comm_id = uuid.uuid4().hex
    frontend("comm_open", {"comm_id": comm_id, "target_name": "unit.target", "data": {"x": 1}})
    frontend("comm_msg", {"comm_id": comm_id, "data": {}}, [b"ab", b""])
    assert comm_info("unit.target") == {comm_id: {"target_name": "unit.target"}}
    frontend("comm_close", {"comm_id": comm_id, "data": {"bye": 1}})
    assert seen[0] == ("open", {"x": 1}, [])
    assert [type(b) for b in seen[1][1]] == [memoryview, memoryview]
    assert [bytes(b) for b in seen[1][1]] == [b"ab", b""]
    assert seen[2] == ("close", {"bye": 1})
    assert comm_info("unit.target") == {}


def test_unknown_target_is_closed_and_logged():
    fake_host.reset()
    comm_id = uuid.uuid4().hex
    frontend("comm_open", {"comm_id": comm_id, "target_name": "nobody", "data": {}})
    assert fake_host.sent("comm_close") == [{"comm_id": comm_id, "data": {}}]
    assert fake_host.logged == ["No such comm target registered: nobody"]
    assert comm_id not in comm_info()


def test_target_given_as_import_string():
    comm.get_comm_manager().register_target("by.name", "os.path.join")
    assert comm.get_comm_manager().targets["by.name"] is os.path.join


def _package(root, name, init_text):
    os.makedirs(os.path.join(root, name))
    with open(os.path.join(root, name, "__init__.py"), "w") as f:
        f.write(init_text)
    with open(os.path.join(root, name, "sub.py"), "w") as f:
        f.write("VALUE = 'sub'\n")


def test_import_hooks_patch_after_import_or_replace():
    root = tempfile.mkdtemp()
    sys.path.insert(0, root)
    names = ["hooked_%s" % uuid.uuid4().hex for _ in range(2)]
    try:
        _package(root, names[0], "ORIGINAL = True\n")
        _package(root, names[1], "raise RuntimeError('the replaced code ran')\n")
        _import_hooks.when_imported(names[0], lambda m: setattr(m, "PATCHED", m.ORIGINAL))
        _import_hooks.when_imported(names[1], lambda m: setattr(m, "PATCHED", True), replace=True)
        patched = __import__(names[0])
        replaced = __import__(names[1])
        assert patched.PATCHED is True
        assert replaced.PATCHED is True and not hasattr(replaced, "ORIGINAL")
        assert __import__(names[1] + ".sub", fromlist=["VALUE"]).VALUE == "sub"  # still a package
        _import_hooks.when_imported(names[0], lambda m: setattr(m, "AGAIN", 1))  # already imported
        assert patched.AGAIN == 1
    finally:
        sys.path.remove(root)
        for name in names:
            sys.modules.pop(name + ".sub", None)
            sys.modules.pop(name, None)
        shutil.rmtree(root)


if __name__ == "__main__":
    fake_host.run_as_script(globals())
