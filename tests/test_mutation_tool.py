"""make mutation's sampling (tools/mutation.py): a seeded fraction of each module's mutants, whose
draw does not depend on the other modules, and the score's 95% Wilson interval."""

import pytest

from tools.mutation import interval, sample


def names(module, count):
    return [f"cnncourse.area.{module}.x_f__mutmut_{i}" for i in range(1, count + 1)]


def test_each_module_gives_its_fraction_and_keeps_its_draw_whatever_else_is_run():
    a, b = names("alpha", 200), names("beta", 30)
    both = sample(a + b, 0.1, seed=1)
    assert len([m for m in both if ".alpha." in m]) == 20 and len([m for m in both if ".beta." in m]) == 3
    assert [m for m in both if ".alpha." in m] == sample(a, 0.1, seed=1)  # beta's presence changes nothing
    assert sample(a, 0.1, seed=1) != sample(a, 0.1, seed=2)
    assert sample(names("tiny", 3), 0.1, seed=0) != []  # at least one mutant of every module
    with pytest.raises(ValueError, match="fraction"):
        sample(a, 0.0, seed=0)


def test_the_interval_is_wilsons():
    # 660 of 677 killed: Wilson's 95% interval, worked by hand with z = 1.96
    low, high = interval(660, 677)
    assert low == pytest.approx(96.02, abs=0.01) and high == pytest.approx(98.43, abs=0.01)
    low, high = interval(10, 10)  # all killed: the interval still allows for misses
    assert high == pytest.approx(100.0) and low == pytest.approx(72.25, abs=0.01)
