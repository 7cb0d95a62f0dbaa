"""The exercise machinery (cnncourse.exercises.exercise), pinned by behaviour: what a
learner reads when their function raises, is missing or is no function; which results cross to the
grader and how; the hidden cases' generator; the names in the feedback; the grader's verdicts."""

import pytest

from cnncourse.exercises.exercise import safe_str


class Hostile(Exception):
    def __str__(self):
        raise RuntimeError("no")


class Text(str):
    pass


class SubText(Exception):
    def __str__(self):
        return Text("a str subclass, whose methods the learner wrote")


class NotText(Exception):
    def __str__(self):
        return 3


def test_an_exception_message_is_its_text_or_a_placeholder():
    assert safe_str(ValueError("x must be 2-D")) == "x must be 2-D"
    assert safe_str(Hostile()) == "(no message)"
    with pytest.raises(TypeError):
        str(NotText())
    assert safe_str(NotText()) == "(no message)"
    text = safe_str(SubText())
    assert text == "(no message)" and type(text) is str


# ----- a learner's function that raises, is missing, or is no function

import hashlib  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from cnncourse.exercises.exercise import (Exercise, Learner, LearnerError, decode, encode,  # noqa: E402
                                          failure_from_record, hidden_rng, result_record, to_plain)
from cnncourse.exercises.feedback import ExerciseFailed, NotAttemptedYet, Other, compare_numbers  # noqa: E402


def failure(function, *args, labels=("double",)):
    with pytest.raises(LearnerError) as info:
        Learner([function], labels)(0, *args, name="double(3)")
    return info.value


def not_implemented(x):
    raise NotImplementedError()


def test_a_function_that_raises_is_named_with_its_error_and_message():
    error = failure(lambda x: 1 / 0, 3)
    assert error.record() == {"name": "double(3)", "type": "ZeroDivisionError", "message": "division by zero",
                              "not_implemented": False}
    shown = error.failure()
    assert type(shown) is ExerciseFailed and str(shown) == (
        "double(3) stopped with ZeroDivisionError: division by zero. Try your function on this input in a "
        "cell of its own to see where.")
    assert str(failure(lambda x: {}[x], 3).failure()).startswith("double(3) stopped with KeyError: 3. Try")
    assert str(failure_from_record({**error.record(), "message": ""})) == (
        "double(3) stopped with ZeroDivisionError. Try your function on this input in a cell of its own to see "
        "where.")
    assert failure(lambda x: [][0] if x else 0, 3).record()["type"] == "IndexError"


def test_an_unattempted_function_and_a_missing_one_are_told_apart():
    error = failure(not_implemented, 3)
    assert error.record() == {"name": "double(3)", "type": "NotImplementedError", "message": "",
                              "not_implemented": True}
    shown = error.failure()
    assert type(shown) is NotAttemptedYet and str(shown) == (
        "double(3): not attempted yet. Replace `raise NotImplementedError()` in the solution cell with your "
        "code, run that cell, then run this one again.")
    assert failure("my_double", 3).record() == {"name": "double(3)", "type": "not callable", "not_implemented": False,
                                                "message": "double should be a function, but it is str"}
    shown = failure("my_double", 3).failure()
    assert type(shown) is ExerciseFailed and str(shown) == "double should be a function, but it is str."
    assert str(failure(None, 3, labels=("the first", "double")).failure()).startswith("the first should be")


def test_a_learner_error_keeps_at_most_80_characters_of_its_type_and_300_of_its_message():
    error = LearnerError("f(x)", "E" * 100, "m" * 400)
    assert str(error) == "f(x)"  # should it ever escape, it names the call
    assert (error.error_type, error.message) == ("E" * 80, "m" * 300)
    assert LearnerError(3, "E", "m", not_implemented=1).record() == {
        "name": "3", "type": "E", "message": "m", "not_implemented": True}


def test_the_learner_gets_copies_and_an_edit_in_place_is_seen():
    x = np.arange(4.0)

    def edits(a, p):
        a[0] = 9.0
        return a * p

    def keeps(a, p):
        return a * p
    learner = Learner([keeps, edits], ("keeps", "edits"))
    assert learner.keeping_inputs(0, x, 2, name="keeps") == (pytest.approx([0, 2, 4, 6]), False)
    result, changed = learner.keeping_inputs(1, x, 2, name="edits")
    assert result.tolist() == [18, 2, 4, 6] and changed is True
    assert learner(1, x, 3, name="edits").tolist() == [27, 3, 6, 9] and learner.raw(0, x, 1, name="k") is not x
    assert x.tolist() == [0, 1, 2, 3]  # the case's own array is never edited


def test_what_a_learner_returns_becomes_plain_data():
    class Number(float):
        pass
    assert to_plain(np.bool_(True)) is True and to_plain(Number(0.5)) == 0.5 and type(to_plain(Number(0.5))) is float
    assert to_plain(np.float32(0.25)) == 0.25 and type(to_plain(np.int16(3))) is int
    assert to_plain([1, 2]).dtype == np.float64 and to_plain((1.5, 2)).tolist() == [1.5, 2.0]
    assert isinstance(to_plain([1, [2, 3]]), Other) and to_plain([1, [2, 3]]).type_name == "list"
    assert to_plain(("a",)).type_name == "tuple" and to_plain({"a": 1}).type_name == "dict"
    assert to_plain(np.array([1 + 2j])).type_name == "array of complex128"
    assert to_plain(np.array(["a"], dtype=object)).type_name == "array of object"
    wide = to_plain(np.array([0.5], dtype=np.longdouble))
    assert wide.dtype == np.float64 and wide.tolist() == [0.5]
    assert to_plain(np.array([0.5], dtype=np.float16)).dtype == np.float16  # numbers of any width below
    x = np.arange(3.0)
    plain = to_plain(x)
    x[0] = 7.0
    assert plain is not x and plain.tolist() == [0, 1, 2]  # a copy: later edits do not reach it
    assert to_plain(torch.tensor([1.5], requires_grad=True) * 2).tolist() == [3.0]


def test_plain_results_cross_to_the_grader_and_back_unchanged():
    values = {"a": np.arange(3), "b": np.ones((2, 2)), "o": Other("Module"), "n": None, "t": True, "i": 3,
              "f": 0.5, "s": "Module"}
    meta, arrays = encode(values)
    assert meta["n"] == {"none": True} and meta["o"] == {"other": "Module"} and sorted(arrays) == ["a0", "a1"]
    back = decode(meta, arrays)
    assert back["a"].tolist() == [0, 1, 2] and back["b"].tolist() == [[1, 1], [1, 1]]
    assert isinstance(back["o"], Other) and back["o"].type_name == "Module"
    assert [back[k] for k in "ntifs"] == [None, True, 3, 0.5, "Module"]
    assert [type(back[k]) for k in "ntifs"] == [type(None), bool, int, float, str]


@pytest.mark.parametrize("meta", [
    [("x", 1)], {"x": 3}, {"x": {}}, {"x": {"int": 1, "bool": True}}, {"x": {"int": "a0"}},
    {"x": {"array": 3}}, {"x": {"array": "a1"}}, {"x": {"other": 3}}, {"x": {"int": "1"}},
    {"x": {"none": False}}, {"x": {"list": [1]}}, {"x": {"int": 1.5}}, {"x": {"float": 1}}, {"x": {"bool": 1}},
    {"x": {"str": 1}}, {"x": {"NoneType": None}},
])
def test_a_malformed_result_is_refused(meta):
    with pytest.raises(ValueError, match=r"^results: (expected an object|malformed entry 'x')$"):
        decode(meta, {"a0": np.zeros(2)})


# ----- the hidden cases' generator: the secret and the exercise's name, nothing else

def reference_rng(secret, name):
    """sha256(secret, a zero byte, the name): its first 16 bytes, little-endian, seed the generator."""
    digest = hashlib.sha256(secret + b"\0" + name.encode()).digest()
    return np.random.default_rng(sum(byte << (8 * i) for i, byte in enumerate(digest[:16])))


def draws(rng):
    return rng.integers(0, 2 ** 62, size=4).tolist()


def test_the_hidden_cases_come_from_the_secret_and_the_exercise_name(monkeypatch):
    monkeypatch.delenv("CNNCOURSE_HIDDEN_SECRET", raising=False)
    expected = draws(reference_rng("sécret".encode(), "corr2d"))
    assert draws(hidden_rng("corr2d", "sécret")) == expected == draws(hidden_rng("corr2d", "sécret".encode()))
    assert draws(hidden_rng("dropout", "sécret")) != expected
    assert draws(hidden_rng("corr2d")) != draws(hidden_rng("corr2d"))  # no secret: new cases every time
    monkeypatch.setenv("CNNCOURSE_HIDDEN_SECRET", "sécret")
    assert draws(hidden_rng("corr2d")) == expected  # the grader's secret, from its environment
    assert draws(hidden_rng("corr2d", "another")) == draws(reference_rng(b"another", "corr2d"))


# ----- one exercise, end to end: its cases, the learner's names, the grader's verdicts

def _double_compare(case, out):
    compare_numbers(out["y"], 2 * case["x"], f"double({case['x']})", wrong_answers=[(case["x"] ** 2, "squared")])


DOUBLE = Exercise(
    "double", ("double",), public=lambda: [{"x": 2}, {"x": 3}],
    hidden=lambda rng: [{"x": int(rng.integers(10, 1000))} for _ in range(3)],
    run=lambda learner, case: {"y": learner(0, case["x"], name=f"double({case['x']})")},
    compare=_double_compare, success="double is correct: double(x) is 2 x.")


def my_double(x):
    return x + x


def squares(x):
    return x * x


def test_a_check_runs_every_case_and_names_the_learners_function(monkeypatch):
    monkeypatch.delenv("CNNCOURSE_HIDDEN_SECRET", raising=False)
    assert DOUBLE.check(my_double) == "my_double is correct: double(x) is 2 x."  # words, not calls
    assert DOUBLE.check(lambda x: 2 * x) == "double is correct: double(x) is 2 x."  # a lambda has no name
    with pytest.raises(ExerciseFailed) as info:
        DOUBLE.check(squares)
    assert str(info.value) == "squares(3) gave 9, expected 6. squared"  # the second case
    with pytest.raises(ExerciseFailed, match=r"^squares\(\d\d+\) gave \d+, expected \d+\. squared$"):
        DOUBLE.check(squares, hidden=True)
    with pytest.raises(NotAttemptedYet, match=r"^not_implemented\(2\): not attempted yet"):
        DOUBLE.check(not_implemented)
    with pytest.raises(ExerciseFailed, match=r"^double\(2\) returned None"):
        DOUBLE.check(lambda x: None if x == 2 else 2 * x)
    with pytest.raises(TypeError, match=r"^check_double takes 1 function\(s\): double$"):
        DOUBLE.check(my_double, my_double)
    with pytest.raises(TypeError, match=r"^check_pair takes 2 function\(s\): first, second$"):
        Exercise("pair", ("first", "second"), *[None] * 4, success="").check(my_double)


def test_cases_are_the_public_ones_or_the_secret_s_hidden_ones(monkeypatch):
    monkeypatch.delenv("CNNCOURSE_HIDDEN_SECRET", raising=False)
    assert DOUBLE.cases() == [{"x": 2}, {"x": 3}]
    hidden = DOUBLE.cases(True, "s")
    assert hidden == DOUBLE.cases(True, "s") == [{"x": int(v)} for v in reference_rng(b"s", "double").integers(
        10, 1000, size=3)]


def test_a_name_is_replaced_where_it_is_called_or_stands_as_a_word():
    text = "dropout(x) and dropout, not np.dropout(x), `dropout(x)`, my_dropout(x) or dropouts"
    assert DOUBLE.renamed(text.replace("dropout", "double"), ["twice"]) == (
        "twice(x) and double, not np.double(x), `double(x)`, my_double(x) or doubles")
    assert DOUBLE.renamed(text.replace("dropout", "double"), ["twice"], calls_only=False) == (
        "double(x) and twice, not np.double(x), `double(x)`, my_double(x) or doubles")
    for name in (None, "<lambda>", "double", 3):
        assert DOUBLE.renamed("double(x)", [name]) == "double(x)"


class Callable:
    def __call__(self, x):
        return 2 * x


class Hidden:
    def __getattr__(self, name):
        raise RuntimeError("no attributes here")

    def __call__(self, x):
        return 3 * x


def test_a_function_without_a_usable_name_is_called_by_its_label():
    assert DOUBLE.check(Callable()) == "double is correct: double(x) is 2 x."
    with pytest.raises(ExerciseFailed, match=r"^double\(2\) gave 6"):
        DOUBLE.check(Hidden())
    named = Callable()
    named.__name__ = 7  # not a str
    assert DOUBLE.check(named).startswith("double is correct")


def records(function, cases):
    return [result_record(DOUBLE, Learner([function], DOUBLE.labels), case) for case in cases]


def test_the_grader_judges_records_case_by_case():
    cases = DOUBLE.cases()
    assert records(my_double, cases) == [{"outputs": {"y": 4}}, {"outputs": {"y": 6}}]
    assert DOUBLE.judge(cases, records(my_double, cases)) is None
    assert DOUBLE.judge(cases, records(my_double, cases), names=("my_double",)) is None
    assert DOUBLE.judge(cases, records(squares, cases)) == "double(3) gave 9, expected 6. squared"
    assert DOUBLE.judge(cases, records(squares, cases), names=("squares",)) == "squares(3) gave 9, expected 6. squared"
    assert records(not_implemented, cases[:1]) == [{"error": {"name": "double(2)", "type": "NotImplementedError",
                                                              "message": "", "not_implemented": True}}]
    assert DOUBLE.judge(cases, records(not_implemented, cases)).startswith("double(2): not attempted yet.")
    assert DOUBLE.judge(cases, records(my_double, cases)[:1]) == "the check stopped before every case was run"
    assert DOUBLE.judge(cases[:1], records(my_double, cases)) == "more results than cases came back"
    assert DOUBLE.judge(cases, [{"outputs": {"z": 4}}, {"outputs": {"y": 6}}]) == (
        "a result could not be compared with the expected one (KeyError).")
    assert DOUBLE.judge(cases, [{"outputs": {"y": 4}}, {"outputs": {"y": 5}}]) == "double(3) gave 5, expected 6."
