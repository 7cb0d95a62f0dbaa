"""An exercise split into the parts that may run where: cases, a run step, a pure compare step.

- ``public()`` gives the cases every learner sees; ``hidden(rng)`` draws more from a random
  generator seeded by a secret (:func:`hidden_rng`), so the hidden values are in no file a learner has.
- ``run(learner, case)`` calls the learner's functions on one case and returns a dict of *plain*
  results (:func:`to_plain`). Only this step touches learner code: when grading it runs inside the
  sandbox, and its dict crosses to the grader as JSON plus an ``.npz`` (:func:`encode`, :func:`decode`).
- ``compare(case, outputs)`` judges the plain results against the reference and raises
  :class:`ExerciseFailed` with a precise hint. It runs in the grader, which never runs learner code.

``Exercise.check`` chains the three in the learner's notebook for instant feedback.
A case is a dict of exact ints, floats and NumPy arrays.
"""

import hashlib
import os
import re
import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..threads import one_thread
from .feedback import ExerciseFailed, NotAttemptedYet, Other

_ndarray = np.ndarray
_array = np.array
_array_equal = np.array_equal
_bool_, _integer, _floating = np.bool_, np.integer, np.floating
SECRET_ENV = "CNNCOURSE_HIDDEN_SECRET"
MAX_MESSAGE = 300
NOT_CALLABLE = "not callable"


class LearnerError(Exception):
    """The learner's function raised: ``name`` (the call), the error's type name and message."""

    def __init__(self, name, error_type, message, not_implemented=False):
        super().__init__(name)
        self.name, self.error_type = str(name), str(error_type)[:80]
        self.message, self.not_implemented = str(message)[:MAX_MESSAGE], bool(not_implemented)

    def record(self):
        return {"name": self.name, "type": self.error_type, "message": self.message,
                "not_implemented": self.not_implemented}

    def failure(self):
        """The ExerciseFailed the learner sees."""
        return failure_from_record(self.record())


def failure_from_record(record):
    """ExerciseFailed (NotAttemptedYet for NotImplementedError) for a recorded learner error."""
    name = record["name"]
    if record["not_implemented"]:
        return NotAttemptedYet(
            f"{name}: not attempted yet. Replace `raise NotImplementedError()` in the solution cell "
            "with your code, run that cell, then run this one again.")
    if record["type"] == NOT_CALLABLE:
        return ExerciseFailed(f"{record['message']}.")
    detail = f": {record['message']}" if record["message"] else ""
    return ExerciseFailed(f"{name} stopped with {record['type']}{detail}. Try your function on this "
                          "input in a cell of its own to see where.")


def safe_str(value):
    """str() of a learner's exception, or a placeholder when even that fails."""
    try:
        text = str(value)
        return text if type(text) is str else "(no message)"
    except Exception:  # noqa: BLE001 - a hostile __str__
        return "(no message)"


class Learner:
    """The learner's functions (or classes) as the exercise calls them: on copies of the inputs,
    exceptions turned into :class:`LearnerError`."""

    def __init__(self, functions, labels):
        self.functions, self.labels = functions, labels

    def raw(self, index, *args, name):
        """Call function ``index`` on copies of ``args``; its result as it is (e.g. a module)."""
        return self._invoke(index, [_copy(a) for a in args], name)

    def __call__(self, index, *args, name):
        """Call function ``index`` on copies of ``args``; its plain result."""
        return to_plain(self.raw(index, *args, name=name))

    def keeping_inputs(self, index, *args, name):
        """``(plain result, changed)``: changed tells whether the function edited an input array in place."""
        given = [_copy(a) for a in args]
        result = to_plain(self._invoke(index, given, name))
        changed = any(type(a) is _ndarray and not _array_equal(a, g) for a, g in zip(args, given))
        return result, changed

    def _invoke(self, index, args, name):
        function = self.functions[index]
        if not callable(function):
            raise LearnerError(name, NOT_CALLABLE, f"{self.labels[index]} should be a function, but it is "
                                                   f"{type(function).__name__}")
        try:
            return function(*args)
        except NotImplementedError:
            raise LearnerError(name, "NotImplementedError", "", not_implemented=True) from None
        except Exception as error:  # noqa: BLE001 - whatever the learner's code raised
            raise LearnerError(name, type(error).__name__, safe_str(error)) from None


def _name_of(function):
    """The learner's own name for a function (``my_dropout``), or None."""
    try:
        name = getattr(function, "__name__", None)
    except Exception:  # noqa: BLE001 - a hostile __getattr__
        return None
    return name if type(name) is str else None


def _copy(value):
    return value.copy() if type(value) is _ndarray else value


def to_plain(value):
    """A learner's result as plain data: None, bool, int, float, an array of numbers, or Other.

    Only exact types' values are kept: an int subclass becomes the int it holds (its own ``__eq__``
    is gone), a tensor or a list of numbers becomes an array, anything else :class:`Other`.
    """
    if value is None or type(value) in (bool, int, float):
        return value
    if isinstance(value, _bool_):
        return bool(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, (_integer, _floating)):
        return value.item()
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, _ndarray):
        array = _array(value, copy=True, subok=False)
        if array.dtype.kind == "f" and array.dtype.itemsize > 8:
            array = array.astype(float)
        return array if array.dtype.kind in "biuf" else Other(f"array of {array.dtype}")
    if type(value) in (list, tuple):
        try:
            return _array(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            return Other(type(value).__name__)
    return Other(type(value).__name__)


def encode(values):
    """``{name: plain}`` -> ``(meta, arrays)``: JSON-ready meta and ``{key: array}`` for ``np.savez``."""
    meta, arrays = {}, {}
    for name, value in values.items():
        if isinstance(value, _ndarray):
            key = f"a{len(arrays)}"
            arrays[key] = value
            meta[name] = {"array": key}
        elif isinstance(value, Other):
            meta[name] = {"other": value.type_name}
        elif value is None:
            meta[name] = {"none": True}
        else:
            meta[name] = {type(value).__name__: value}
    return meta, arrays


def decode(meta, arrays):
    """The inverse of :func:`encode`, trusting nothing: ValueError unless every entry is well formed."""
    if type(meta) is not dict:
        raise ValueError("results: expected an object")
    values = {}
    for name, entry in meta.items():
        if type(entry) is not dict or len(entry) != 1:
            raise ValueError(f"results: malformed entry {name!r}")
        (kind, value), = entry.items()
        if kind == "array" and type(value) is str and value in arrays:
            values[name] = arrays[value]
        elif kind == "other" and type(value) is str:
            values[name] = Other(value)
        elif kind == "none" and value is True:
            values[name] = None
        elif kind in ("bool", "int", "float", "str") and type(value).__name__ == kind:
            values[name] = value
        else:
            raise ValueError(f"results: malformed entry {name!r}")
    return values


def hidden_rng(exercise_name, secret=None):
    """The random generator of an exercise's hidden cases.

    secret: bytes or text only the instructor knows (the grader's); None uses the environment
    variable ``CNNCOURSE_HIDDEN_SECRET`` when set, else fresh randomness (new cases every time).
    """
    if secret is None:
        secret = os.environ.get(SECRET_ENV) or os.urandom(32)
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    digest = hashlib.sha256(secret + b"\0" + exercise_name.encode("utf-8")).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


@dataclass(frozen=True)
class Exercise:
    """One auto-graded exercise; see the module docstring for the roles of the parts.

    name: a short id ("corr2d"); labels: what the learner passes, in order ("corr2d",);
    success: the message of a passed check.
    """

    name: str
    labels: tuple
    public: Callable
    hidden: Callable
    run: Callable
    compare: Callable
    success: str

    def cases(self, hidden=False, secret=None):
        """The public cases, or the hidden ones drawn with :func:`hidden_rng`."""
        return self.hidden(hidden_rng(self.name, secret)) if hidden else self.public()

    def check(self, *functions, hidden=False):
        """Instant feedback in the notebook: run every case, compare, return the success message.
        Messages name the learner's functions by their own names (``my_dropout``)."""
        if len(functions) != len(self.labels):
            raise TypeError(f"check_{self.name} takes {len(self.labels)} function(s): {', '.join(self.labels)}")
        learner = Learner(functions, self.labels)
        names = [_name_of(function) for function in functions]
        with one_thread():  # the cases' layers are tiny: torch's thread pool only slows them down
            for case in self.cases(hidden):
                try:
                    outputs = self.run(learner, case)
                    self.compare(case, decode(*encode(outputs)))
                except LearnerError as error:
                    raise type(error.failure())(self.renamed(str(error.failure()), names)) from None
                except ExerciseFailed as failure:
                    raise type(failure)(self.renamed(str(failure), names)) from None
        return self.renamed(self.success, names, calls_only=False)

    def renamed(self, message, names, calls_only=True):
        """``message`` with each function's label (``dropout``) replaced by the learner's name for it
        (``my_dropout``) where it is called (``dropout(x ...``), or everywhere it stands as a word."""
        for label, name in zip(self.labels, names):
            if type(name) is str and name.isidentifier() and name != label:
                ending = r"(?=\()" if calls_only else r"(?![\w(])"
                message = re.sub(rf"(?<![\w.`]){re.escape(label)}{ending}", name, message)
        return message

    def judge(self, cases, records, names=()):
        """The grader's verdict on the sandbox's ``records`` (one per case, as :func:`result_record`
        writes them, arrays decoded): ``None`` when every case passed, else the first problem, naming
        the learner's functions by ``names`` (as the test cell passes them) where given."""
        with one_thread():
            verdict = self._judge(cases, records)
        return verdict if verdict is None or not names else self.renamed(verdict, list(names))

    def _judge(self, cases, records):
        if len(records) > len(cases):
            return "more results than cases came back"
        for case, record in zip(cases, records):
            if "error" in record:
                return str(failure_from_record(record["error"]))
            try:
                self.compare(case, record["outputs"])
            except ExerciseFailed as failure:
                return str(failure)
            except (ArithmeticError, TypeError, ValueError, KeyError) as error:
                return f"a result could not be compared with the expected one ({type(error).__name__})."
        if len(records) < len(cases):
            return "the check stopped before every case was run"
        return None


def result_record(exercise, learner, case):
    """Run one case in the sandbox: ``{"outputs": plain}`` or ``{"error": ...}``."""
    try:
        return {"outputs": exercise.run(learner, case)}
    except LearnerError as error:
        return {"error": error.record()}

