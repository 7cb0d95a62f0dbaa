"""Forward latency on this machine: the median time of one batch-1 forward pass, on one CPU thread.

One thread, because on a machine shared with other jobs multi-threaded timings swing by 10x while
single-threaded ones stay steady; the ranking of the models is what the course compares.
"""

import statistics
import time

import torch

from ..validation import as_int
from ..threads import one_thread


def forward_latency(model, input_shape, repeat=5, warmup=1):
    """Median seconds of ``model(x)`` for x of shape (1, *input_shape), in eval mode, torch.no_grad(),
    on one thread.

    Timings depend on the machine and its load: never print them in a checked notebook cell.
    """
    repeat, warmup = as_int(repeat, "repeat", minimum=1), as_int(warmup, "warmup", minimum=0)
    model = model.eval()
    x = torch.randn(1, *input_shape)
    times = []
    with torch.no_grad(), one_thread():
        for i in range(warmup + repeat):
            start = time.perf_counter()
            model(x)
            if i >= warmup:
                times.append(time.perf_counter() - start)
    return statistics.median(times)
