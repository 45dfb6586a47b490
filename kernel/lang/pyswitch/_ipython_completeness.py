"""is_complete requests in IPython mode: IPython's own answer, which knows its syntax (`%%timeit`,
`!ls`, `zip?`), as ipykernel gives it. Plain mode's is _completeness."""
from . import _ipython_shell


def is_complete(request):
    status, indent = _ipython_shell.shell.input_transformer_manager.check_complete(
        request.get("code", ""))
    reply = {"status": status}
    if status == "incomplete":
        reply["indent"] = " " * (indent or 0)
    return reply
