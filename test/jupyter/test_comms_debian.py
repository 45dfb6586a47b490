"""Comms through the libraries that use them, on Debian's Python stack: pyswitch on
/usr/bin/python3 (conftest's IPython-mode kernelspec), whose `comm` package and ipywidgets the
kernel backs with its own comm manager. Driven over jupyter_client, with binary buffers both ways.

Skipped with PYSWITCH_TEST_KERNEL: the tests use pyswitch's own comm API beside the libraries'.
"""
import os
import uuid

import pytest

from kernel_helpers import execute_ok, iopub_until_idle, running_kernel, stream_text, wait_reply

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ALL_BYTES = bytes(range(256))

pytestmark = pytest.mark.skipif(bool(os.environ.get("PYSWITCH_TEST_KERNEL")),
                                reason="drives pyswitch's own comm API")


@pytest.fixture(scope="module")
def kernel(ipython_kernel_name):
    with running_kernel(ipython_kernel_name) as (km, kc):
        yield kc


def run(kc, code):
    return execute_ok(kc, code, 60)[1]


def send_comm(kc, msg_type, content, buffers=()):
    """A comm message from the frontend; returns the iopub messages of its handling."""
    msg = kc.session.msg(msg_type, content)
    msg["buffers"] = list(buffers)  # Session.send takes them from the message
    kc.shell_channel.send(msg)
    return iopub_until_idle(kc, msg["header"]["msg_id"])


def of_type(outputs, msg_type):
    return [m for m in outputs if m["msg_type"] == msg_type]


def test_the_kernel_runs_debians_python(kernel):
    out = run(kernel, "import sys; print(sys.executable, sys.version_info[:2])")
    assert stream_text(out) == "/usr/bin/python3 (3, 11)\n"


def test_comm_package_create_comm_is_backed_by_the_kernel(kernel):
    out = run(kernel, "\n".join([
        "import comm, pyswitch.comm",
        "c = comm.create_comm(target_name='deb.target', data={'a': 1}, metadata={'v': '1'},",
        "                     buffers=[bytes(range(256))])",
        "print(isinstance(c, comm.base_comm.BaseComm), comm.get_comm_manager() is pyswitch.comm.get_comm_manager())",
    ]))
    [open_msg] = of_type(out, "comm_open")
    assert open_msg["content"]["target_name"] == "deb.target"
    assert open_msg["content"]["data"] == {"a": 1}
    assert open_msg["metadata"] == {"v": "1"}
    assert [bytes(b) for b in open_msg["buffers"]] == [ALL_BYTES]
    assert stream_text(out) == "True True\n"

    # Frontend -> kernel on that comm, buffers included; the reply comes back reversed.
    comm_id = open_msg["content"]["comm_id"]
    run(kernel, "c.on_msg(lambda m: c.send({'n': len(m['buffers'])}, buffers=[bytes(m['buffers'][0])[::-1]]))")
    out = send_comm(kernel, "comm_msg", {"comm_id": comm_id, "data": {}}, [ALL_BYTES])
    [answer] = of_type(out, "comm_msg")
    assert answer["content"]["data"] == {"n": 1}
    assert [bytes(b) for b in answer["buffers"]] == [ALL_BYTES[::-1]]


def test_comm_package_target_served_for_the_frontend(kernel):
    run(kernel, "\n".join([
        "import comm",
        "def target(c, msg):",
        "    c.send({'got': msg['content']['data'], 'sizes': [len(b) for b in msg['buffers']]})",
        "comm.get_comm_manager().register_target('deb.echo', target)",
    ]))
    comm_id = uuid.uuid4().hex
    out = send_comm(kernel, "comm_open", {"comm_id": comm_id, "target_name": "deb.echo", "data": {"x": 2}},
                    [b"abc", b""])
    [answer] = of_type(out, "comm_msg")
    assert answer["content"] == {"comm_id": comm_id, "data": {"got": {"x": 2}, "sizes": [3, 0]}}
    reply = wait_reply(kernel, kernel.comm_info(target_name="deb.echo"))
    assert reply["content"]["comms"] == {comm_id: {"target_name": "deb.echo"}}


def test_ipywidgets_slider_opens_its_comm_and_displays(kernel):
    out = run(kernel, "import ipywidgets\nslider = ipywidgets.IntSlider(value=3)\nslider")
    opened = {m["content"]["comm_id"]: m["content"] for m in of_type(out, "comm_open")}
    slider = [c for c in opened.values() if c["data"].get("_model_name") == "IntSliderModel"]
    assert len(slider) == 1, opened
    assert slider[0]["target_name"] == "jupyter.widget"
    assert slider[0]["data"]["value"] == 3
    views = [m["content"]["data"][WIDGET_VIEW] for m in out
             if m["msg_type"] in ("display_data", "execute_result") and WIDGET_VIEW in m["content"]["data"]]
    assert [view["model_id"] for view in views] == [slider[0]["comm_id"]]


def test_ipywidgets_registers_its_targets_for_frontend_opened_widgets(kernel):
    # ipywidgets < 8 registers them on get_ipython().kernel.comm_manager, 8 on comm's manager.
    out = run(kernel, "import ipywidgets, pyswitch.comm\n"
                      "print(sorted(pyswitch.comm.get_comm_manager().targets))")
    assert "'jupyter.widget'" in stream_text(out)


def test_ipywidgets_state_from_the_frontend_reaches_the_widget(kernel):
    out = run(kernel, "import ipywidgets\nw = ipywidgets.IntSlider(value=1)\nprint(w.model_id)")
    model_id = stream_text(out).strip()
    major = int(stream_text(run(kernel, "print(ipywidgets.__version__)")).split(".")[0])
    # The widget protocol's state update: "backbone" in ipywidgets 6, "update" from 7.
    data = ({"method": "backbone", "sync_data": {"value": 7}} if major < 7
            else {"method": "update", "state": {"value": 7}, "buffer_paths": []})
    send_comm(kernel, "comm_msg", {"comm_id": model_id, "data": data})
    assert stream_text(run(kernel, "print(w.value)")) == "7\n"
