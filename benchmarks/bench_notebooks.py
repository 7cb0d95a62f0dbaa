"""Time to execute each chapter notebook top to bottom, each run in a fresh kernel.

Baseline: starting a kernel and running an empty cell, measured in the same run. Each chapter runs
once (15 to 60 s each, far above the machine's noise; three runs would take a quarter of an hour).
In quick mode a
one-cell notebook that imports the package stands in for the chapters (the tests execute those).
"""

import tempfile
from pathlib import Path

import nbformat

from tools.execute_notebooks import run_notebook

from .timing import QUICK, median_seconds, report

NOTEBOOKS = sorted(Path(__file__).resolve().parents[1].glob("notebooks/[0-9]*.ipynb"))
TARGET_SECONDS = {"05_training": 60, "06_regularization": 60, "07_architectures": 60,
                  "08_transfer_learning": 90, "09_beyond": 90}  # the issues' targets; others 30 s


def time_notebook(path, baseline, repeat):
    seconds = median_seconds(lambda: run_notebook(nbformat.read(path, as_version=4), path.parent),
                             repeat=repeat, warmup=0)
    target = TARGET_SECONDS.get(path.stem, 30)
    report(f"execute {path.name}", seconds, f"< {target} s", seconds < target,
           f"{seconds / baseline:.1f}x kernel start")


def run(repeat=1):
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    baseline = median_seconds(lambda: run_notebook(empty, "."), repeat=5, warmup=1)
    report("start a kernel, run an empty cell (baseline)", baseline, "-", True, "1.00x")
    if not QUICK:
        for path in NOTEBOOKS:
            time_notebook(path, baseline, repeat)
        return
    with tempfile.TemporaryDirectory() as folder:
        tiny = Path(folder) / "00_quick.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import cnncourse")]), tiny)
        time_notebook(tiny, baseline, repeat)
