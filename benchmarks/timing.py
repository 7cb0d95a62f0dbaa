"""Median wall-clock time of a function: the machines are noisy, so we report medians and ratios.

Every result line goes through :func:`report`, which also keeps it for the summary table that
``python -m benchmarks`` prints at the end. In quick mode (``--quick``, or
``CNNCOURSE_BENCH_QUICK=1``; what ``make test`` runs) every benchmark runs once on tiny sizes: the
numbers mean nothing, but a broken benchmark fails.
"""

import os
import statistics
import time
from dataclasses import dataclass

QUICK = os.environ.get("CNNCOURSE_BENCH_QUICK") == "1"


class Unavailable(Exception):
    """A benchmark cannot run on this machine (the message says what is missing)."""


@dataclass
class Result:
    name: str
    figure: str   # the median, and the ratio against the run's baseline
    target: str
    met: bool


RESULTS = []  # every reported Result of this run, in order


def sized(full, quick):
    """``full``, or ``quick`` in quick mode: the size or count a benchmark should use."""
    return quick if QUICK else full


def median_seconds(function, repeat=7, warmup=1):
    """Call ``function()`` ``warmup`` times untimed, then ``repeat`` times; return the median in s."""
    repeat, warmup = sized(repeat, 1), sized(warmup, 0)
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
    repeat, warmup = sized(repeat, 1), sized(warmup, 0)
    for _ in range(warmup):
        baseline()
        function()
    times, base_times = [], []
    for _ in range(repeat):
        base_times.append(median_seconds(baseline, repeat=1, warmup=0))
        times.append(median_seconds(function, repeat=1, warmup=0))
    ratios = [t / b for t, b in zip(times, base_times)]
    return statistics.median(times), statistics.median(base_times), statistics.median(ratios)


def report(name, seconds, target, met, ratio=None, unit=None):
    """Print and keep one result: the median (``unit`` replaces "ms" with a text of its own, e.g. a
    page weight), an optional ratio text, the target and whether it is met."""
    value = unit if unit is not None else f"{seconds * 1e3:.1f} ms"
    figure = f"{value}, {ratio}" if ratio else value
    RESULTS.append(Result(name, figure, target, bool(met)))
    print(f"{name:44s} {value:>13s} {ratio or '':>28s}   target {target}: {'met' if met else 'NOT met'}",
          flush=True)
