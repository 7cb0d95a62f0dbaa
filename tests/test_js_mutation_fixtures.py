"""The JavaScript cases of tests/js/fixtures.json still hold what the Python references give, and the
widgets' scripts pass them under Node (the mutation driver tools/js_mutation.mjs relies on both)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.js_mutation_fixtures import FIXTURES, fixtures  # noqa: E402


def numbers_close(stored, fresh, path=""):
    """Same structure, equal strings and booleans, numbers equal to 1e-12 (the stored file is JSON)."""
    if isinstance(fresh, dict):
        assert isinstance(stored, dict) and stored.keys() == fresh.keys(), path
        for key in fresh:
            numbers_close(stored[key], fresh[key], f"{path}.{key}")
    elif isinstance(fresh, list):
        assert isinstance(stored, list) and len(stored) == len(fresh), path
        for i, (a, b) in enumerate(zip(stored, fresh)):
            numbers_close(a, b, f"{path}[{i}]")
    elif isinstance(fresh, float):
        assert np.isclose(stored, fresh, rtol=1e-12, atol=1e-15), (path, stored, fresh)
    else:
        assert stored == fresh, (path, stored, fresh)


def test_the_stored_cases_are_what_the_python_references_give():
    stored = json.loads(FIXTURES.read_text(encoding="utf-8"))
    numbers_close(stored, fixtures())
    assert {f["function"] for f in stored} >= {
        "explore", "pool2d", "erfc", "conv2d", "conv2d_backward", "max_pool2d_backward", "linear_backward",
        "cross_entropy_backward", "SGD", "Adam", "TinyCNN", "Trainer", "convArithmetic", "calculateShapes",
        "explainPooling", "exploreActivations", "compareShift", "formatG"}


def test_the_widget_scripts_pass_every_case_under_node():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is needed (it also typesets the book): apt install nodejs")
    run = subprocess.run([node, str(ROOT / "tests" / "js" / "run_fixtures.mjs")], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout) == {"failures": []}


def test_a_wrong_script_fails_its_cases():
    """The harness can fail: pool2d with max and min swapped (given on standard input as a mutant)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is needed (it also typesets the book): apt install nodejs")
    wrong = (ROOT / "cnncourse" / "widgets" / "js" / "pool2d.js").read_text(encoding="utf-8").replace(
        "if (v > best) best = v;", "if (v < best) best = v;")
    run = subprocess.run([node, str(ROOT / "tests" / "js" / "run_fixtures.mjs"), "pool2d"], input=wrong,
                         capture_output=True, text=True)
    assert run.returncode == 1 and "pool2d case" in run.stdout
