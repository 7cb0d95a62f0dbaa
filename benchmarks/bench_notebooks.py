"""Time to execute each chapter notebook top to bottom, each run in a fresh kernel.

Baseline: starting a kernel and running an empty cell, measured in the same run.
"""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .timing import median_seconds, report

NOTEBOOKS = sorted(Path(__file__).resolve().parents[1].glob("notebooks/[0-9]*.ipynb"))
TARGET_SECONDS = 30


def execute(nb, folder):
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()


def run(repeat=3):
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    baseline = median_seconds(lambda: execute(empty, "."), repeat=repeat, warmup=0)
    report("start a kernel, run an empty cell (baseline)", baseline, "-", True, "1.00x")
    for path in NOTEBOOKS:
        seconds = median_seconds(lambda: execute(nbformat.read(path, as_version=4), path.parent),
                                 repeat=repeat, warmup=0)
        report(f"execute {path.name}", seconds, f"< {TARGET_SECONDS} s", seconds < TARGET_SECONDS,
               f"{seconds / baseline:.1f}x kernel start")
