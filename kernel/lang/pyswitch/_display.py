"""The display API user code calls: display(), update_display(), clear_output(), DisplayHandle."""
import os

from ._formatting import format_mimebundle
from ._wire import publish


def display(*objs, include=None, exclude=None, metadata=None, transient=None,
            display_id=None, raw=False, clear=False):
    """Show objects in the frontend, like IPython.display.display.

    raw=True: objs are mime bundles (dicts) already. display_id=True makes up an id;
    with an id the call returns a DisplayHandle that can update the output later.
    """
    return _publish(objs, "display_data", include, exclude, metadata, transient,
                    display_id, raw, clear)


def update_display(obj, *, display_id, include=None, exclude=None, metadata=None,
                   transient=None, raw=False):
    """Replace what an earlier display(..., display_id=...) showed."""
    _publish((obj,), "update_display_data", include, exclude, metadata, transient,
             display_id, raw, False)


def clear_output(wait=False):
    """Clear the output area; with wait=True only once new output arrives."""
    publish("clear_output", {"wait": bool(wait)})


class DisplayHandle:
    """Names one display so it can be shown again or updated in place."""

    def __init__(self, display_id=None):
        self.display_id = display_id or _new_display_id()

    def __repr__(self):
        return "<%s display_id=%s>" % (type(self).__name__, self.display_id)

    def display(self, obj, **kwargs):
        display(obj, display_id=self.display_id, **kwargs)

    def update(self, obj, **kwargs):
        update_display(obj, display_id=self.display_id, **kwargs)


def _new_display_id():
    return os.urandom(16).hex()  # uuid would cost an import for the same randomness


def _publish(objs, msg_type, include, exclude, metadata, transient, display_id, raw, clear):
    transient = dict(transient or {})
    if display_id is True:
        display_id = _new_display_id()
    if display_id:
        transient["display_id"] = display_id
    elif msg_type == "update_display_data":
        raise TypeError("update_display needs a display_id")
    if clear:
        clear_output(wait=True)
    for obj in objs:
        if raw:
            data, md = obj, dict(metadata or {})
        else:
            data, md = format_mimebundle(obj, include, exclude)
            if not data:  # the object displayed itself (_ipython_display_)
                continue
            md.update(metadata or {})
        publish(msg_type, {"data": data, "metadata": md, "transient": transient})
    return DisplayHandle(display_id) if display_id else None
