"""How long a frontend's SUB socket takes to subscribe again after the kernel's end of the connection
closes, as it does when a re-exec replaces the process (docs/performance.md, "A re-exec's floor").

An XPUB is bound, a SUB connects and subscribes; then, 20 times, the XPUB is closed and a new one bound
on the same port, and the time until the SUB's subscription reaches it is printed. The SUB's owner
polls it meanwhile, as jupyter_client does: a SUB re-sends its subscription only when called into.

    /usr/bin/python3 docs/measure/sub_reconnect.py
"""
import statistics
import time

import zmq

ROUNDS = 20


def bind_again(ctx, port):
    xpub = ctx.socket(zmq.XPUB)
    while True:  # the closed socket's port is freed by zmq's I/O thread, a moment after close()
        try:
            xpub.bind(f"tcp://127.0.0.1:{port}")
            return xpub
        except zmq.ZMQError:
            time.sleep(0.0005)


def wait_subscription(sub, xpub):
    while True:
        sub.poll(1)
        if xpub.poll(0):
            return xpub.recv()


def main():
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    xpub = ctx.socket(zmq.XPUB)
    port = xpub.bind_to_random_port("tcp://127.0.0.1")
    sub.connect(f"tcp://127.0.0.1:{port}")
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    wait_subscription(sub, xpub)
    waits = []
    for _ in range(ROUNDS):
        xpub.setsockopt(zmq.LINGER, 0)
        xpub.close()
        closed = time.perf_counter()
        xpub = bind_again(ctx, port)
        wait_subscription(sub, xpub)
        waits.append((time.perf_counter() - closed) * 1000)
    print(f"libzmq {zmq.zmq_version()}, reconnect_ivl {sub.getsockopt(zmq.RECONNECT_IVL)} ms: subscribed again after "
          f"median {statistics.median(waits):.0f} ms, min {min(waits):.0f}, max {max(waits):.0f} ({ROUNDS} rounds)")


if __name__ == "__main__":
    main()
