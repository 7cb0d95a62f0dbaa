"""Helpers of the exercise checks' survivor tests: a compare step's verdict, the hidden cases of many secrets."""

from cnncourse.exercises import EXERCISES, ExerciseFailed


def verdict(check, case, out):
    """The compare step's message for the plain results ``out``, or None when they pass."""
    try:
        EXERCISES[check].compare(case, out)
    except ExerciseFailed as failure:
        return str(failure)
    return None


def hidden_sets(check, secrets):
    """The hidden case set of ``check`` for each of ``secrets`` secrets."""
    return [EXERCISES[check].cases(True, f"secret {s}") for s in range(secrets)]


def hidden_cases(check, secrets):
    """Every hidden case of ``check`` over ``secrets`` secrets, one list."""
    return [case for cases in hidden_sets(check, secrets) for case in cases]
