"""The checks reject mutants of the reference solutions: at least 95% of the mutants that change the
results, in every chapter (tools/check_strength; ``python -m tools.check_strength`` prints the full table).

Here, to stay cheap, at most LIMIT mutants per exercise (spread over the solution) and one hidden draw
as the random inputs that tell a changed mutant from an equivalent one; the checks run in this process.
"""

import dataclasses

import pytest

from cnncourse.exercises import EXERCISES, ExerciseFailed
from cnncourse.exercises.feedback import as_number_array
from cnncourse.functional import max_pool2d
from cnncourse.threads import one_thread
from tools.check_strength import measure, mutants, solutions, table

LIMIT = 6
TARGET = 0.95


@pytest.fixture(scope="module")
def strengths():
    with one_thread():
        return [measure(check, draws=1, limit=LIMIT) for check in solutions()]


def test_every_chapter_rejects_at_least_95_percent_of_the_mutants_that_change_results(strengths):
    report = table(strengths)
    print(report)
    assert len(strengths) == 28
    for chapter in range(1, 10):
        mine = [s for s in strengths if s.chapter == chapter]
        changed, killed = sum(s.changed for s in mine), sum(s.killed for s in mine)
        assert changed >= 6 * 2, report  # enough mutants to mean something
        assert killed >= TARGET * changed, report


def test_mutants_are_single_edits_that_compile():
    source = "def f(x, p):\n    if p > 0:\n        return x * 2 - p\n    return max(x, 0)\n"
    found = mutants(source)
    assert "def f(x, p):\n    if p >= 0:\n        return x * 2 - p\n    return max(x, 0)" in found  # comparison
    assert "def f(x, p):\n    if p > 0:\n        return x * 3 - p\n    return max(x, 0)" in found  # constant + 1
    assert "def f(x, p):\n    if p > 0:\n        return x * 2\n    return max(x, 0)" in found  # term dropped
    assert "def f(x, p):\n    if not p > 0:\n        return x * 2 - p\n    return max(x, 0)" in found  # negated
    assert "def f(x, p):\n    return max(x, 0)" in found  # statement dropped
    assert len(found) == len(set(found)) and source.strip() not in found


def test_a_check_that_looks_only_at_shapes_scores_low(monkeypatch):
    """The measure can fail: a max-pool check that compares shapes only lets most mutants through."""
    exercise = EXERCISES["check_max_pool"]

    def shapes_only(case, out):
        expected = max_pool2d(case["x"][None], case["k"], case["s"])[0]
        if as_number_array(out["y"], "max_pool").shape != expected.shape:
            raise ExerciseFailed("wrong shape")
    monkeypatch.setitem(EXERCISES, "check_max_pool", dataclasses.replace(exercise, compare=shapes_only))
    strength = measure("check_max_pool", draws=1, limit=5 * LIMIT)
    assert strength.changed >= 6 and strength.score < TARGET


@pytest.mark.parametrize("kwargs, words", [
    ({"check": "check_nothing"}, "check: no exercise"), ({"check": "check_relu", "draws": -1}, "draws:"),
    ({"check": "check_relu", "limit": 0}, "limit:"),
])
def test_measure_refuses_bad_input_naming_the_parameter(kwargs, words):
    with pytest.raises(ValueError, match=words):
        measure(**kwargs)
