"""Building blocks of exercise feedback: run the learner's function, compare, explain.

References to NumPy's comparison functions are taken when this module is imported, so a solution
that later replaces ``np.allclose`` cannot make a check pass.
"""

import numpy as np

_isclose = np.isclose
_asarray = np.asarray
_shape = np.shape


class ExerciseFailed(AssertionError):
    """The learner's answer is not right yet; the message says what differs and suggests why."""


class NotAttemptedYet(ExerciseFailed):
    """The solution cell still raises NotImplementedError."""


def call(function, *args, name):
    """Call the learner's ``function``; turn a NotImplementedError into a friendly message."""
    if not callable(function):
        raise ExerciseFailed(f"{name} should be a function, but it is {type(function).__name__}.")
    try:
        return function(*args)
    except NotImplementedError:
        raise NotAttemptedYet(
            f"{name}: not attempted yet. Replace `raise NotImplementedError()` in the solution cell "
            "with your code, run that cell, then run this one again."
        ) from None
    except Exception as error:
        raise ExerciseFailed(
            f"{name} stopped with {type(error).__name__}: {error}. Try your function on this "
            "input in a cell of its own to see where."
        ) from error


def compare_arrays(got, expected, name, wrong_answers=(), shape_hints=None, atol=1e-6):
    """Raise ExerciseFailed unless ``got`` equals ``expected`` in type, shape and values.

    wrong_answers: pairs ``(wrong_array, message)``; when ``got`` equals a known wrong answer, its
    message is added, e.g. the result of a flipped kernel with "the kernel was flipped".
    shape_hints: ``{wrong_shape: message}`` added when ``got`` has that shape.
    """
    if got is None:
        raise ExerciseFailed(f"{name} returned None: did you forget the `return` statement?")
    try:
        got = _asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise ExerciseFailed(f"{name} returned {type(got).__name__}, expected an array of numbers.") from None
    expected = _asarray(expected, dtype=float)
    if _shape(got) != _shape(expected):
        raise ExerciseFailed(
            f"{name}: output shape {tuple(got.shape)}, expected {tuple(expected.shape)}."
            + _prefix((shape_hints or {}).get(tuple(got.shape), ""))
        )
    close = _isclose(got, expected, atol=atol, rtol=0)
    if not close.all():
        where = tuple(int(i) for i in np.argwhere(~close)[0])
        raise ExerciseFailed(
            f"{name}: {int((~close).sum())} of {close.size} values differ; at index {list(where)} "
            f"you have {got[where]:g}, expected {expected[where]:g}." + _first_hint(got, wrong_answers)
        )


def compare_numbers(got, expected, name, wrong_answers=()):
    """Raise ExerciseFailed unless the integer ``got`` equals ``expected``; wrong_answers as above."""
    if got is None:
        raise ExerciseFailed(f"{name} returned None: did you forget the `return` statement?")
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
        raise ExerciseFailed(f"{name} returned {got!r} ({type(got).__name__}); expected an int.")
    if got != expected:
        raise ExerciseFailed(f"{name} gave {got}, expected {expected}." + _first_hint(got, wrong_answers))


def _first_hint(got, wrong_answers):
    for wrong, message in wrong_answers:
        if _shape(got) == _shape(wrong) and bool(_isclose(got, wrong, atol=1e-6, rtol=0).all()):
            return _prefix(message)
    return ""


def _prefix(message):
    return " " + message if message else ""
