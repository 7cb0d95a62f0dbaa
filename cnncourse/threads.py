"""Run torch on one CPU thread for a while: steadier timings on a shared machine, less overhead for tiny nets."""

import sys
from contextlib import contextmanager


@contextmanager
def one_thread():
    """Inside the ``with`` block torch uses one intra-op thread; the former number is restored after.
    Where torch is not imported yet, nothing can use its threads, and it stays unimported."""
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
