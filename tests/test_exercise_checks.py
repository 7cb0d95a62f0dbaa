"""The exercise checks accept right answers and explain the usual wrong ones."""

import numpy as np
import pytest

from cnncourse.exercises import (EXERCISES, ExerciseFailed, NotAttemptedYet, check_conv_layer_params,
                                 check_corr2d, check_multichannel_conv)
from cnncourse.exercises.exercise import Learner, result_record
from cnncourse.functional import conv2d, convolve2d, corr2d
from cnncourse.shapes import conv2d_param_count


def not_implemented(*args):
    raise NotImplementedError()


def loop_corr2d(x, k):
    h, w = x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1
    return np.array([[np.sum(x[i:i + k.shape[0], j:j + k.shape[1]] * k) for j in range(w)] for i in range(h)])


@pytest.mark.parametrize("hidden", [False, True])
def test_right_answers_pass(hidden):
    assert "correct" in check_corr2d(loop_corr2d, hidden=hidden)
    assert "correct" in check_multichannel_conv(conv2d, hidden=hidden)
    assert "correct" in check_conv_layer_params(conv2d_param_count, hidden=hidden)


@pytest.mark.parametrize("check", [check_corr2d, check_multichannel_conv, check_conv_layer_params])
def test_unattempted_exercises_say_so(check):
    with pytest.raises(NotAttemptedYet, match="not attempted yet"):
        check(not_implemented)


@pytest.mark.parametrize("answer, words", [
    (convolve2d, "the kernel was flipped"),
    (lambda x, k: loop_corr2d(x, k)[:-1, :-1], "range(n - k + 1)"),
    (lambda x, k: np.zeros_like(x), "That is the input's shape"),
    (lambda x, k: loop_corr2d(x, k).T, "values differ"),
    (lambda x, k: None, "forget the `return`"),
    (lambda x, k: "7 8 9", "expected an array of numbers"),
    (lambda x, k: loop_corr2d(x, k) + 1, "at index [0, 0] you have 8, expected 7"),
    ("corr2d", "should be a function"),
])
def test_corr2d_feedback_is_precise(answer, words):
    with pytest.raises(ExerciseFailed) as info:
        check_corr2d(answer)
    assert words in str(info.value)


def test_corr2d_visible_cases_catch_square_only_solutions():
    def square_only(x, k):
        n, m = x.shape[0], k.shape[0]
        return np.array([[np.sum(x[i:i + m, j:j + m] * k) for j in range(n - m + 1)] for i in range(n - m + 1)])
    assert square_only(np.ones((4, 4)), np.ones((2, 2))).shape == (3, 3)  # right on the slide's square example
    for hidden in (False, True):
        with pytest.raises(ExerciseFailed, match=r"x of shape \((4, 6|\d, \d)\)"):
            check_corr2d(square_only, hidden=hidden)  # but not on the rectangles


@pytest.mark.parametrize("answer, words", [
    (lambda x, w, b: conv2d(x, w), "add each filter's bias"),
    (lambda x, w, b: np.stack([np.stack([corr2d(x[c], w[o, c]) for c in range(x.shape[0])])
                               for o in range(w.shape[0])]), "one map per input channel"),
    (lambda x, w, b: conv2d(x, w[:, :, ::-1, ::-1].copy(), b), "kernels were flipped"),
    (lambda x, w, b: conv2d(x, w, b)[0], "Only one output map"),
])
def test_multichannel_feedback_is_precise(answer, words):
    with pytest.raises(ExerciseFailed) as info:
        check_multichannel_conv(answer)
    assert words in str(info.value)


@pytest.mark.parametrize("answer, words", [
    (lambda c, o, k: c * k * k * o, "each filter also has one bias"),
    (lambda c, o, k: (k * k + 1) * o, "in_channels * k * k weights"),
    (lambda c, o, k: c * k * k + 1, "multiply by the number of filters"),
    (lambda c, o, k: float(conv2d_param_count(c, o, k)), "expected an int"),
    (lambda c, o, k: 56, "gave 56, expected 2560"),
])
def test_param_count_feedback_is_precise(answer, words):
    with pytest.raises(ExerciseFailed) as info:
        check_conv_layer_params(answer)
    assert words in str(info.value)


def test_monkeypatched_numpy_cannot_fool_the_checks(monkeypatch):
    monkeypatch.setattr(np, "isclose", lambda *a, **k: np.ones(np.shape(a[0]), dtype=bool))
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    with pytest.raises(ExerciseFailed):
        check_corr2d(lambda x, k: loop_corr2d(x, k) + 1)


@pytest.fixture
def ipython_shell():
    """An IPython shell for one test, removed afterwards (later tests in this process must not
    believe they run in a notebook)."""
    from IPython.core.interactiveshell import InteractiveShell
    yield InteractiveShell.instance()
    InteractiveShell.clear_instance()


def test_ipython_shows_one_clean_line_not_the_checkers_source(ipython_shell):
    shell = ipython_shell
    shown = []
    shell._showtraceback = lambda etype, evalue, stb: shown.append(stb)
    shell.user_ns.update(check_corr2d=check_corr2d, np=np)
    shell.run_cell("check_corr2d(lambda x, k: np.zeros((3, 3)))")
    (lines,) = shown
    assert lines[0].startswith("ExerciseFailed: corr2d(x of shape (4, 4)")
    assert not any("compare_arrays" in line or "Traceback" in line or "File " in line for line in lines)


def test_a_result_that_claims_to_equal_everything_is_judged_by_its_value():
    class Anything(int):
        __eq__ = lambda self, other: True
        __ne__ = lambda self, other: False
        __hash__ = int.__hash__

    with pytest.raises(ExerciseFailed, match="gave 1, expected 56"):
        check_conv_layer_params(lambda c_in, c_out, k: Anything(1))


def test_a_test_cell_run_before_its_solution_cell_gets_one_clean_line(ipython_shell):
    from cnncourse.exercises import notebook
    shell = ipython_shell
    assert notebook.install(shell) and not notebook.install(shell)  # never replaces a handler
    shown = []
    shell._showtraceback = lambda etype, evalue, stb: shown.append(stb)
    shell.run_cell("from cnncourse.exercises import check_corr2d\n\nprint(check_corr2d(my_corr2d))")
    shell.run_cell("print(1 + not_a_checked_name)")
    (first, second) = shown
    assert " ".join(first) == ("ExerciseFailed: my_corr2d is not defined: run the solution cell above first "
                               "(and the imports at the top).")
    assert any("NameError" in line and "not_a_checked_name" in line for line in second)  # the usual traceback


def test_outside_a_notebook_kernel_no_handler_is_installed(ipython_shell):
    from cnncourse.exercises import notebook
    assert notebook.install() is False  # a plain IPython shell, not a Jupyter kernel
    assert ipython_shell.custom_exceptions == ()


def test_feedback_names_the_learners_function_not_the_reference():
    def my_corr2d(x, k):
        return loop_corr2d(x, k) + 1
    with pytest.raises(ExerciseFailed, match=r"^my_corr2d\(x of shape \(4, 4\)"):
        check_corr2d(my_corr2d)
    assert check_corr2d(lambda x, k: loop_corr2d(x, k)) == "corr2d is correct. Well done!"
    assert check_corr2d(loop_corr2d) == "loop_corr2d is correct. Well done!"
    exercise = EXERCISES["check_corr2d"]
    cases = exercise.cases()
    records = [result_record(exercise, Learner([my_corr2d], exercise.labels), case) for case in cases]
    assert exercise.judge(cases, records).startswith("corr2d(x")
    assert exercise.judge(cases, records, names=("my_corr2d",)).startswith("my_corr2d(x")


def test_long_feedback_breaks_between_words_into_short_lines():
    message = "corr2d(x of shape (4, 4), k of shape (2, 2)): " + " ".join(["a-long-word"] * 30)
    lines = ExerciseFailed(message)._render_traceback_()
    assert len(lines) > 1 and all(len(line) <= 88 for line in lines)
    assert " ".join(lines) == f"ExerciseFailed: {message}"  # nothing cut, no word split
