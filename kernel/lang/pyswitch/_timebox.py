"""Run a call on the interpreter thread with a deadline (a slow jedi must not freeze the kernel).

The call cannot move to another thread (user objects are not thread-safe, and the kernel runs
Python on one thread), so a timer thread interrupts it: interrupt_main() makes the main thread
run its SIGINT handler, and a handler of ours, installed for the duration of the call, turns that
one interrupt into Expired. Any other interrupt (the user's) goes to the previous handler, so it
still raises KeyboardInterrupt; and an interrupt that arrives as the call returns is absorbed, so
no later code ever sees it.
"""
import signal
import threading

import _thread


class Expired(Exception):
    """The call ran past its deadline and was stopped."""


def run(call, seconds):
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):
        return call()  # no Python-level SIGINT handling to borrow: run without a deadline
    state = {"fired": False, "live": True}

    def on_sigint(signum, frame):
        if not state["fired"]:
            return previous(signum, frame)
        state["fired"] = False  # one timer, one interrupt
        if state["live"]:
            raise Expired()
        return None  # the timer fired just as the call returned: nothing left to stop

    def expire():
        state["fired"] = True
        _thread.interrupt_main()

    signal.signal(signal.SIGINT, on_sigint)
    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    try:
        timer.start()  # inside: a short deadline can expire before start() returns
        return call()
    finally:
        try:
            # The timer's interrupt may arrive on any bytecode until this line; after it, it
            # is absorbed. Raised here, the clean-up below still runs.
            state["live"] = False
        finally:
            _stop(timer, state, previous)


def _stop(timer, state, previous):
    timer.cancel()
    if timer.ident is not None:
        timer.join()
    if state["fired"]:
        _run_pending_handlers()
    signal.signal(signal.SIGINT, previous)


def _run_pending_handlers():
    # Signal handlers run between bytecodes of the main thread; a loop's backward jumps give
    # every CPython version (3.7-3.13) the chance to run a pending one while ours is installed.
    for _ in range(100):
        pass
