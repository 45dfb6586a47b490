"""A thread prints into the cell that started it, even while later cells run (current ipykernel
does this; 6.17 sends it to whichever cell runs).

Output is attributed by the `_pyswitch_host.job` context variable (native/host_module.h). asyncio
tasks copy it with their context; a new thread starts with an empty context, so the thread that
starts it hands it over, and a thread pool's work carries the job of the cell that submitted it.
"""
import _pyswitch_host

from . import _import_hooks

_original = {}  # Thread's own start and _bootstrap_inner (which runs run() in the new thread)


def _starting(self):
    self._pyswitch_job = _pyswitch_host.job.get(None)
    _original["start"](self)


def _running(self):
    job = getattr(self, "_pyswitch_job", None)
    if job is not None:
        _pyswitch_host.job.set(job)
    _original["_bootstrap_inner"](self)


def _patch_threading(module):
    if module.Thread.start is _starting:
        return  # patched in an earlier startup of this interpreter
    _original.update(start=module.Thread.start, _bootstrap_inner=module.Thread._bootstrap_inner)
    module.Thread.start = _starting
    module.Thread._bootstrap_inner = _running


def _patch_thread_pools(module):
    # A pool's worker threads outlive the cell that started them: each piece of work prints into
    # the cell that submitted it instead.
    submit = module.ThreadPoolExecutor.submit
    if getattr(submit, "_pyswitch", False):
        return

    def submit_from_this_cell(self, fn, *args, **kwargs):
        return submit(self, _in_job(_pyswitch_host.job.get(None), fn), *args, **kwargs)

    submit_from_this_cell._pyswitch = True
    module.ThreadPoolExecutor.submit = submit_from_this_cell


def _in_job(job, fn):
    if job is None:
        return fn

    def run(*args, **kwargs):
        token = _pyswitch_host.job.set(job)
        try:
            return fn(*args, **kwargs)
        finally:
            _pyswitch_host.job.reset(token)
    return run


def install():
    # When imported, like getpass: a session that starts no thread pays nothing.
    _import_hooks.when_imported("threading", _patch_threading)
    _import_hooks.when_imported("concurrent.futures.thread", _patch_thread_pools)
