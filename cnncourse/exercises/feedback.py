"""Building blocks of exercise feedback: compare plain results with the reference, explain the difference.

Everything here works on *plain* results (see :mod:`cnncourse.exercises.exercise`): ``None``, exact
``bool``/``int``/``float``, a NumPy array of numbers, or :class:`Other` for anything else. No method
of an object a learner returned is ever called. NumPy's functions are bound when this module is
imported, so a solution that later replaces ``np.isclose`` cannot make a check pass.
"""

import textwrap

import numpy as np

_isclose = np.isclose
_argwhere = np.argwhere
_ndarray = np.ndarray
_float64 = np.float64
_NUMBER_KINDS = "biuf"
LINE_WIDTH = 88  # characters: a notebook's output area breaks longer lines anywhere, even mid-word


class ExerciseFailed(AssertionError):
    """The learner's answer is not right yet; the message says what differs and suggests why."""

    def _render_traceback_(self):
        """IPython shows these lines instead of a traceback: one clean message, no checker source,
        broken between words into lines of at most LINE_WIDTH characters."""
        return textwrap.wrap(f"{type(self).__name__}: {self}", LINE_WIDTH, break_long_words=False,
                             break_on_hyphens=False)


class NotAttemptedYet(ExerciseFailed):
    """The solution cell still raises NotImplementedError."""


class Other:
    """A result that is neither a number, nor an array of numbers, nor None: only its type name is kept."""

    __slots__ = ("type_name",)

    def __init__(self, type_name):
        self.type_name = str(type_name)[:80]

    def __repr__(self):
        return f"<{self.type_name}>"


def type_name(got):
    """The type of a plain result, as a learner would call it."""
    if isinstance(got, Other):
        return got.type_name
    if type(got) is _ndarray:
        return f"array of {got.dtype}"
    return type(got).__name__


def as_number_array(got, name):
    """``got`` as a float64 array; ExerciseFailed unless it is an array of numbers."""
    if got is None:
        raise ExerciseFailed(f"{name} returned None: did you forget the `return` statement?")
    if type(got) is not _ndarray or got.dtype.kind not in _NUMBER_KINDS:
        raise ExerciseFailed(f"{name} returned {type_name(got)}, expected an array of numbers.")
    return got.astype(_float64)


def compare_arrays(got, expected, name, wrong_answers=(), shape_hints=None, atol=1e-6):
    """Raise ExerciseFailed unless the plain result ``got`` equals ``expected`` in shape and values.

    wrong_answers: pairs ``(wrong_array, message)``; when ``got`` equals a known wrong answer, its
    message is added, e.g. the result of a flipped kernel with "the kernel was flipped".
    shape_hints: ``{wrong_shape: message}`` added when ``got`` has that shape.
    """
    got = as_number_array(got, name)
    expected = np.array(expected, dtype=_float64)
    if got.shape != expected.shape:
        raise ExerciseFailed(
            f"{name}: output shape {got.shape}, expected {expected.shape}."
            + _prefix((shape_hints or {}).get(got.shape, ""))
        )
    close = _isclose(got, expected, atol=atol, rtol=0)
    if not close.all():
        where = tuple(int(i) for i in _argwhere(~close)[0])
        raise ExerciseFailed(
            f"{name}: {int((~close).sum())} of {close.size} values differ; at index {list(where)} "
            f"you have {got[where]:g}, expected {expected[where]:g}." + _first_hint(got, wrong_answers)
        )


def compare_numbers(got, expected, name, wrong_answers=()):
    """Raise ExerciseFailed unless the plain result ``got`` is the int ``expected``; wrong_answers as above."""
    if got is None:
        raise ExerciseFailed(f"{name} returned None: did you forget the `return` statement?")
    if type(got) is not int:
        shown = f"{got!r} " if type(got) in (float, bool) else ""
        raise ExerciseFailed(f"{name} returned {shown}({type_name(got)}); expected an int.")
    if got != expected:
        hint = next((message for wrong, message in wrong_answers if got == wrong), "")
        raise ExerciseFailed(f"{name} gave {got}, expected {expected}." + _prefix(hint))


def _first_hint(got, wrong_answers):
    for wrong, message in wrong_answers:
        wrong = np.asarray(wrong, dtype=_float64)
        if got.shape == wrong.shape and bool(_isclose(got, wrong, atol=1e-6, rtol=0).all()):
            return _prefix(message)
    return ""


def _prefix(message):
    return " " + message if message else ""
