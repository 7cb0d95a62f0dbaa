"""Chapter 2's exercise checks accept right answers and name the usual mistakes."""

import math

import numpy as np
import pytest

from cnncourse.exercises import (ExerciseFailed, NotAttemptedYet, check_output_size, check_strided_conv,
                                 check_zero_pad)
from cnncourse.functional import conv2d, conv_output_size


def not_implemented(*args):
    raise NotImplementedError()


def output_size(n, f, s, p):
    return (n + 2 * p - f) // s + 1


def zero_pad(x, p):
    out = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p))
    out[p:p + x.shape[0], p:p + x.shape[1]] = x
    return out


def loop_conv(x, k, stride, padding, pad=zero_pad, rounding=None):
    """A readable strided, padded cross-correlation; ``pad`` and ``rounding`` let tests inject mistakes."""
    x = pad(x, padding)
    (kh, kw), s = k.shape, stride
    h = (rounding or (lambda v: math.floor(v)))((x.shape[0] - kh) / s) + 1
    w = (rounding or (lambda v: math.floor(v)))((x.shape[1] - kw) / s) + 1
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            window = x[i * s:i * s + kh, j * s:j * s + kw]
            out[i, j] = np.sum(window * k[:window.shape[0], :window.shape[1]])  # rounding up: windows stick out
    return out


@pytest.mark.parametrize("hidden", [False, True])
def test_right_answers_pass(hidden):
    assert "correct" in check_output_size(output_size, hidden=hidden)
    assert "correct" in check_output_size(conv_output_size, hidden=hidden)
    assert "correct" in check_zero_pad(zero_pad, hidden=hidden)
    assert "correct" in check_zero_pad(lambda x, p: np.pad(x, p), hidden=hidden)
    assert "correct" in check_strided_conv(loop_conv, hidden=hidden)
    assert "correct" in check_strided_conv(
        lambda x, k, s, p: conv2d(x[None, None], k[None, None], stride=s, padding=p)[0, 0], hidden=hidden)


@pytest.mark.parametrize("check", [check_output_size, check_zero_pad, check_strided_conv])
def test_unattempted_exercises_say_so(check):
    with pytest.raises(NotAttemptedYet, match="not attempted yet"):
        check(not_implemented)


@pytest.mark.parametrize("answer, words", [
    (lambda n, f, s, p: (n + 2 * p - f) // s, "The +1 is missing"),
    (lambda n, f, s, p: (n - f) // s + 1, "The padding is missing"),
    (lambda n, f, s, p: (n + p - f) // s + 1, "Only one side is padded"),
    (lambda n, f, s, p: math.ceil((n + 2 * p - f) / s) + 1, "gave 4, expected 3. That rounds up"),
    (lambda n, f, s, p: (n + 2 * p - f + 1) // s, "The +1 belongs outside the division"),
    (lambda n, f, s, p: (n + 2 * p + f) // s + 1, "The kernel size is subtracted, not added"),
    (lambda n, f, s, p: (n + 2 * p - f) / s + 1, "returned 5.0, a float"),
    (lambda n, f, s, p: None, "forget the `return`"),
    (lambda n, f, s, p: 4, "output_size(n=7, f=3, s=1, p=0) gave 4, expected 5."),
    (lambda n, f, s: 4, "stopped with TypeError"),
])
def test_output_size_feedback_is_precise(answer, words):
    with pytest.raises(ExerciseFailed) as info:
        check_output_size(answer)
    assert words in str(info.value)


def test_a_hint_is_given_only_when_the_mistake_explains_every_case():
    # Right on the slides' cases except one: no formula explains that, so no misleading hint.
    sometimes_off = lambda n, f, s, p: output_size(n, f, s, p) + (n == 227)
    with pytest.raises(ExerciseFailed) as info:
        check_output_size(sometimes_off)
    assert str(info.value) == "output_size(n=227, f=11, s=4, p=0) gave 56, expected 55."


def test_hidden_output_size_cases_catch_answers_tuned_to_the_visible_ones():
    visible_only = lambda n, f, s, p: {(7, 3, 1, 0): 5, (7, 3, 2, 0): 3, (7, 3, 1, 1): 7, (7, 3, 2, 1): 4,
                                       (25, 5, 2, 0): 11, (11, 3, 2, 1): 6, (227, 11, 4, 0): 55,
                                       (8, 3, 2, 0): 3}.get((n, f, s, p), 0)
    assert check_output_size(visible_only)
    with pytest.raises(ExerciseFailed):
        check_output_size(visible_only, hidden=True)


@pytest.mark.parametrize("answer, words", [
    (lambda x, p: np.pad(x, ((0, p), (0, p))), "Only one side was padded"),
    (lambda x, p: np.pad(x, ((p, p), (0, 0))), "Only the rows were padded"),
    (lambda x, p: np.pad(x, ((0, 0), (p, p))), "Only the columns were padded"),
    (lambda x, p: np.pad(x, 2 * p), "That is 2p on each side"),
    (lambda x, p: x, "did you return x itself?"),
    (lambda x, p: np.pad(x, p, mode="edge"), "repeats the edge pixels"),
    (lambda x, p: np.pad(x, p, mode="reflect"), "mirrors the image"),
    (lambda x, p: np.pad(x, ((0, 2 * p), (0, 2 * p))), "sits in the top-left corner"),
    (lambda x, p: np.pad(x, ((2 * p, 0), (2 * p, 0))), "sits in the bottom-right corner"),
    (lambda x, p: np.pad(x, p, constant_values=1), "values differ"),
    (lambda x, p: np.pad(x, p).tolist(), "correct"),  # a nested list is fine too
])
def test_zero_pad_feedback_is_precise(answer, words):
    if words == "correct":
        assert words in check_zero_pad(answer)
        return
    with pytest.raises(ExerciseFailed) as info:
        check_zero_pad(answer)
    assert words in str(info.value)


def test_zero_pad_must_not_change_its_input():
    def in_place(x, p):
        out = np.pad(x, p)
        x[:] = 0
        return out
    with pytest.raises(ExerciseFailed, match="changed its input x"):
        check_zero_pad(in_place)


@pytest.mark.parametrize("answer, words", [
    (lambda x, k, s, p: loop_conv(x, k[::-1, ::-1], s, p), "The kernel was flipped"),
    (lambda x, k, s, p: loop_conv(x, k, 1, p), "That is the stride-1 output"),
    (lambda x, k, s, p: loop_conv(x, k, s, 0), "That is the output without padding"),
    (lambda x, k, s, p: loop_conv(x, k, s, p, rounding=math.ceil), "One position too many"),
    (lambda x, k, s, p: loop_conv(x, k, s, p)[:-1, :-1], "One position too few"),
    (lambda x, k, s, p: loop_conv(x, k, s, p, pad=lambda x, p: np.pad(x, ((0, 2 * p), (0, 2 * p)))),
     "The zeros all went on the bottom/right"),
    (lambda x, k, s, p: loop_conv(x, k, s, p, pad=lambda x, p: np.pad(x, ((0, p), (0, p)))),
     "or with p zeros on one side only"),
    (lambda x, k, s, p: loop_conv(x, k, s, p) + 1, "values differ"),
])
def test_strided_conv_feedback_is_precise(answer, words):
    with pytest.raises(ExerciseFailed) as info:
        check_strided_conv(answer)
    assert words in str(info.value)


def test_strided_conv_hidden_cases_catch_square_only_solutions():
    def height_for_both_sides(x, k, s, p):
        x, f = zero_pad(x, p), k.shape[0]
        size = (x.shape[0] - f) // s + 1
        return np.array([[np.sum(x[i * s:i * s + f, j * s:j * s + f] * k) for j in range(size)]
                         for i in range(size)])
    assert check_strided_conv(height_for_both_sides)  # the visible cases are square...
    with pytest.raises(ExerciseFailed):
        check_strided_conv(height_for_both_sides, hidden=True)  # ...the hidden ones are not


def test_monkeypatched_numpy_cannot_fool_the_checks(monkeypatch):
    monkeypatch.setattr(np, "isclose", lambda *a, **k: np.ones(np.shape(a[0]), dtype=bool))
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    with pytest.raises(ExerciseFailed):
        check_strided_conv(lambda x, k, s, p: loop_conv(x, k, s, p) + 1)
