"""IPython mode's output: the display publisher and display hook IPython calls, publishing
display_data, update_display_data, clear_output and execute_result as ipykernel does."""
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher

from ._formatting import base64_text
from ._wire import publish


def json_data(data):
    """A mime bundle as JSON carries it: IPython's formatters may give PNG/JPEG as bytes."""
    return {mime: base64_text(value) if isinstance(value, bytes) else value
            for mime, value in data.items()}


class HostDisplayPublisher(DisplayPublisher):
    """display(), update_display(), DisplayHandle, clear_output() and inline figures end here."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False,
                **kwargs):
        self._validate_data(data, metadata)
        publish("update_display_data" if update else "display_data",
                {"data": json_data(data), "metadata": metadata or {},
                 "transient": transient or {}})

    def clear_output(self, wait=False):
        publish("clear_output", {"wait": bool(wait)})


class HostDisplayHook(DisplayHook):
    """A cell's trailing expression becomes an execute_result numbered with the shell's
    execution_count (which follows the kernel's counter). IPython's base class keeps
    _, _N, Out and the trailing-semicolon rule."""

    _content = None

    def start_displayhook(self):
        self._content = {"data": {}, "metadata": {}}

    def write_output_prompt(self):
        # The prompt number travels in the message rather than as "Out[N]:" on stdout.
        self._content["execution_count"] = self.prompt_count

    def write_format_data(self, format_dict, md_dict=None):
        self._content["data"] = json_data(format_dict)
        self._content["metadata"] = md_dict or {}

    def finish_displayhook(self):
        content, self._content = self._content, None
        if content["data"]:
            publish("execute_result", content)
