"""Fixtures every test module can use without importing them, and the run's closing note.

- ``book_build``: the book, built once per test run (tests/book_build.py);
- ``book_site``: that build served over http on this machine; ``browser``: a headless Chromium,
  offline, one per test process, handed to each test module on a blank page (tests/browser.py,
  which also has the helpers to read console errors and requests and to run a widget's
  JavaScript: ``js_call``).

A test that needs a missing system package is skipped (tests/system_packages.py); the run then
ends with one line naming what was skipped and how to install it (also written to the file
``$CNNCOURSE_SKIP_REPORT``, which ``make test`` prints last).
"""

import collections
import os

from book_build import book_build  # noqa: F401
from browser import _chromium, book_site, browser  # noqa: F401
from system_packages import PREFIX


# The slowest test modules first, the chapters' runs slowest first (tests/test_notebook_runs.py):
# with ``--dist loadscope --no-loadscope-reorder`` the two workers then finish close together,
# instead of one starting a minute-long chapter when the other is nearly done.
SLOW_FIRST = ("test_notebook_runs.py", "test_benchmarks.py", "test_grading.py", "test_wrong_answers.py",
              "test_lab_reload.py", "test_class_demo.py", "test_distributed.py")


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST)
    items.sort(key=rank)  # stable: each module keeps its own order


def skipped_for_packages(reports):
    """``{skip message: count}`` of the skips for a missing system package."""
    counts = collections.Counter()
    for report in reports:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith(PREFIX):
            counts[reason] += 1
    return counts


def pytest_terminal_summary(terminalreporter):
    counts = skipped_for_packages(terminalreporter.stats.get("skipped", []))
    if not counts:
        return
    line = (f"{sum(counts.values())} tests skipped: "
            + "; ".join(f"{reason} ({n})" for reason, n in sorted(counts.items())))
    terminalreporter.write_line(line, yellow=True)
    if os.environ.get("CNNCOURSE_SKIP_REPORT"):
        with open(os.environ["CNNCOURSE_SKIP_REPORT"], "w") as file:
            file.write(line + "\n")
