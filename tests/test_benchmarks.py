"""`make bench` in quick mode (tiny sizes, one repetition): every benchmark runs to the end and the
summary table lists every result, so a broken benchmark fails the tests. Speed is not judged here."""

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.__main__ import BENCHMARKS, summary
from benchmarks.timing import Result

ROOT = Path(__file__).resolve().parents[1]


def test_every_benchmark_runs_to_the_end_in_quick_mode(book_build):
    environment = {**os.environ, "CNNCOURSE_BOOK": str(book_build.html.parent.parent)}
    run = subprocess.run([sys.executable, "-m", "benchmarks", "--quick"], cwd=ROOT, env=environment,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    table = run.stdout.split("== summary ==")[1]
    assert "crashed" not in table
    ran = [name for name in BENCHMARKS if f"== bench_{name} ==\nskipped:" not in run.stdout]
    assert table.strip().splitlines()[-1].startswith(f"{len(ran)} of {len(BENCHMARKS)} benchmarks ran")
    rows = table.strip().splitlines()[2:-1]
    assert len(rows) >= 2 * len(ran)  # each benchmark reports its baseline and at least one result
    assert all(row.rstrip().endswith(("yes", "NO", "-")) for row in rows), rows


def test_summary_lists_results_and_the_benchmarks_that_did_not_run():
    results = [Result("torch (baseline)", "2.0 ms, 1.00x", "-", True),
               Result("ours", "5.0 ms, 2.50x torch", "within 2x", False)]
    statuses = [("conv2d", "ran"), ("browser_widgets", "skipped: no chromium"),
                ("models", "crashed: KeyError: 'x'")]
    lines = summary(statuses, results).splitlines()
    assert lines[0].split() == ["benchmark", "figure", "target", "met"]
    assert lines[2].split()[-1] == "yes" and lines[3].split()[-1] == "NO"
    assert "bench_browser_widgets" in lines[4] and "skipped: no chromium" in lines[4]
    assert "bench_models" in lines[5] and "crashed: KeyError" in lines[5]
    assert lines[-1] == "1 of 3 benchmarks ran; 1 of 2 targets met"
