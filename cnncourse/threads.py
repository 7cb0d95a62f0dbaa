"""Run torch on one CPU thread for a while: steadier timings on a shared machine, less overhead for tiny nets."""

from contextlib import contextmanager

import torch


@contextmanager
def one_thread():
    """Inside the ``with`` block torch uses one intra-op thread; the former number is restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
