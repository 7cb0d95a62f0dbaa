"""Median wall-clock time of a function: the machines are noisy, so we report medians and ratios."""

import statistics
import time


def median_seconds(function, repeat=7, warmup=1):
    """Call ``function()`` ``warmup`` times untimed, then ``repeat`` times; return the median in s."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_median_ratio(function, baseline, repeat=21, warmup=3):
    """Time ``function`` and ``baseline`` alternately; return their medians and the median ratio.

    Alternating keeps both under the same load at each moment, so the ratio stays meaningful on
    a busy machine even when the absolute times drift.
    """
    for _ in range(warmup):
        baseline()
        function()
    times, base_times = [], []
    for _ in range(repeat):
        base_times.append(median_seconds(baseline, repeat=1, warmup=0))
        times.append(median_seconds(function, repeat=1, warmup=0))
    ratios = [t / b for t, b in zip(times, base_times)]
    return statistics.median(times), statistics.median(base_times), statistics.median(ratios)


def report(name, seconds, target, met, ratio=None):
    """Print one result line: median, optional ratio text, the target and whether it is met."""
    ratio = f"{ratio:>28s}" if ratio else " " * 28
    print(f"{name:44s} {seconds * 1e3:10.1f} ms {ratio}   target {target}: "
          f"{'met' if met else 'NOT met'}", flush=True)
