"""cnncourse.exercises imports a chapter's checks when they are first asked for: chapter 1's checks
(NumPy only) load without torch, in a notebook and in a grading sandbox, and the registry of every
check still finds each one in its own module."""

import importlib
import subprocess
import sys

import pytest

import cnncourse.exercises as exercises
from cnncourse.exercises.exercise import Exercise


def fresh_python(code):
    """What ``code`` prints in a new interpreter (this test process has torch loaded already)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_every_exercise_of_every_chapter_module_is_listed_under_its_module():
    found = {}
    for module in exercises.CHAPTERS:
        for value in vars(importlib.import_module(f"cnncourse.exercises.{module}")).values():
            if isinstance(value, Exercise):
                found[f"check_{value.name}"] = module
    assert found == exercises.MODULE_OF
    assert sorted(exercises.EXERCISES) == sorted(found)
    assert all(exercises.EXERCISES[check].name == check[len("check_"):] for check in found)
    assert sorted(exercises.__all__) == sorted([*found, "EXERCISES", "ExerciseFailed", "NotAttemptedYet"])


@pytest.mark.parametrize("check", ["check_corr2d", "check_max_pool_backward", "check_residual_block"])
def test_a_check_and_its_exercise_come_from_the_module_that_defines_them(check):
    module = importlib.import_module(f"cnncourse.exercises.{exercises.MODULE_OF[check]}")
    assert getattr(exercises, check) is getattr(module, check)
    assert exercises.exercise_for(check) is exercises.EXERCISES[check]
    assert check in dir(exercises)


def test_an_unknown_check_or_attribute_is_named():
    with pytest.raises(ValueError, match="check must be the name of one of the course's checks.*'check_typo'"):
        exercises.exercise_for("check_typo")
    with pytest.raises(AttributeError, match="has no attribute 'check_typo'"):
        exercises.check_typo  # noqa: B018


def test_chapter_one_checks_load_and_run_without_torch():
    code = ("import sys, numpy as np\n"
            "from cnncourse.exercises import check_corr2d, check_conv_layer_params\n"
            "from cnncourse.functional import corr2d\n"
            "print(check_corr2d(corr2d) is not None, check_conv_layer_params(lambda i, o, k: (i * k * k + 1) * o)"
            " is not None, 'torch' in sys.modules)")
    assert fresh_python(code) == ["True", "True", "False"]


def test_the_sandbox_preloads_the_modules_of_its_program_s_checks_only():
    code = ("import sys\nfrom cnncourse.instructor.runner import _preload\n"
            "_preload({'exercises': {'a': {'check': 'check_corr2d'}, 'b': {'check': 'check_zero_pad'}}})\n"
            "print(*[m in sys.modules for m in ('cnncourse.exercises.convolution', 'cnncourse.exercises.padding',"
            " 'cnncourse.exercises.pooling', 'torch')])\n"
            "_preload({'exercises': {'c': {'check': 'check_residual_block'}}})\n"
            "print('cnncourse.exercises.architectures' in sys.modules, 'torch' in sys.modules)")
    assert fresh_python(code) == ["True", "True", "False", "False", "True", "True"]
