"""What crosses the sandbox's wall: plain results in, plain results out, nothing else accepted.

to_plain keeps only the values of exact types; pack/unpack carry them as JSON with base64 arrays and
reject every malformed document; the grader's judge turns sandbox records into one line of feedback.
"""

import base64

import numpy as np
import pytest
import torch

from cnncourse.exercises import EXERCISES
from cnncourse.exercises.exercise import to_plain
from cnncourse.exercises.feedback import Other
from cnncourse.instructor.exchange import dumps, load_value, loads, pack, unpack
from cnncourse.instructor.chapter import read_chapter
from cnncourse.instructor.grade import _record
from cnncourse.instructor.program import build_program
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "exercise_demo.ipynb"


class Liar(int):
    __eq__ = lambda self, other: True  # noqa: E731
    __hash__ = int.__hash__
    __int__ = lambda self: 56  # noqa: E731


@pytest.mark.parametrize("value, expected", [
    (Liar(3), 3), (np.int64(4), 4), (np.float32(0.5), 0.5), (True, True), (None, None), (2.5, 2.5),
])
def test_to_plain_keeps_the_value_of_exact_types(value, expected):
    plain = to_plain(value)
    assert plain == expected and type(plain) is type(expected)


def test_to_plain_turns_tensors_lists_and_subclasses_into_plain_arrays():
    class Sub(np.ndarray):
        def __eq__(self, other):
            return True
    for value in (torch.arange(6.0).reshape(2, 3), [[0, 1, 2], [3, 4, 5]], np.arange(6).reshape(2, 3).view(Sub)):
        plain = to_plain(value)
        assert type(plain) is np.ndarray and plain.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert isinstance(to_plain("text"), Other) and to_plain(np.array(["a"], dtype=object)).type_name.startswith(
        "array of")


def test_pack_and_unpack_round_trip_exactly():
    values = {"a": np.arange(12, dtype=np.int32).reshape(3, 4), "b": np.array([np.nan, -0.0, 1e300]),
              "c": 7, "d": 2.5, "e": None, "f": True, "g": Other("dict"), "h": "Module"}
    back = unpack(loads(dumps(pack(values))))
    assert back["a"].dtype == np.int32 and back["a"].tolist() == values["a"].tolist()
    assert np.array_equal(back["b"], values["b"], equal_nan=True)
    assert [back[k] for k in "cdefh"] == [7, 2.5, None, True, "Module"] and back["g"].type_name == "dict"


def _array(dtype="float64", shape=(2,), data=b"\0" * 16):
    return {"dtype": dtype, "shape": list(shape), "data": base64.b64encode(data).decode()}


@pytest.mark.parametrize("packed", [
    _array(dtype="object"), _array(dtype="V8"), _array(shape=(3,)), _array(shape=(-2,)),
    _array(shape=(10 ** 9,)), {"dtype": "float64", "shape": [1], "data": "not base64!"},
    {**_array(), "extra": 1}, [1, 2], _array(shape=[1.5]),
])
def test_malformed_arrays_are_rejected(packed):
    with pytest.raises(ValueError):
        load_value(packed)


@pytest.mark.parametrize("meta", [
    {"x": {"int": 1.5}}, {"x": {"float": "1"}}, {"x": {"array": "missing"}}, {"x": {"pickle": "..."}},
    {"x": {"int": 1, "float": 2.0}}, {"x": {"int": True}}, [],
])
def test_malformed_results_are_rejected(meta):
    with pytest.raises(ValueError):
        unpack({"meta": meta, "arrays": {}})


@pytest.mark.parametrize("record", [
    {"outputs": {"meta": {}, "arrays": {}}, "error": {}},
    {"error": {"name": "f", "type": "E", "message": 3, "not_implemented": False}},
    {"error": {"name": "f", "type": "E", "message": "m"}}, "outputs",
])
def test_malformed_records_are_rejected(record):
    with pytest.raises(ValueError):
        _record(record)


def test_judge_names_the_first_problem_and_counts_missing_cases():
    exercise = EXERCISES["check_conv_layer_params"]
    cases = exercise.cases()
    right = [{"outputs": {"n": (c["c_in"] * c["k"] ** 2 + 1) * c["c_out"]}} for c in cases]
    assert exercise.judge(cases, right) is None
    assert exercise.judge(cases, right[:1]) == "the check stopped before every case was run"
    assert "gave 55, expected 56" in exercise.judge(cases, [{"outputs": {"n": 55}}])
    assert "returned 56.0 (float)" in exercise.judge(cases, [{"outputs": {"n": 56.0}}])
    assert "could not be compared" in exercise.judge(cases, [{"outputs": {}}])
    error = {"name": "count(...)", "type": "ZeroDivisionError", "message": "division by zero",
             "not_implemented": False}
    assert exercise.judge(cases, [{"error": error}]).startswith("count(...) stopped with ZeroDivisionError")


def test_copied_renamed_and_invented_test_cells_are_dropped_and_the_originals_used():
    chapter = read_chapter(FIXTURE)
    test = {"grade": True, "solution": False}
    cells = [(1, "import numpy as np", {}),
             (2, "def corr2d(x, k):\n    return x", {"solution": True, "grade_id": "corr2d-solution"}),
             (3, "print('I pass')", {**test, "grade_id": "corr2d-tests"}),
             (4, "print('again')", {**test, "grade_id": "corr2d-tests"}),
             (5, "print(1)", {**test, "grade_id": "invented"}),
             (6, chapter.tasks[1].source, {}),
             (7, "def count(*args):\n    return 0", {"solution": True, "grade_id": "count-solution"}),
             (8, "print('after')", {})]
    program, notes = build_program(cells, chapter)
    assert program["numbers"] == [1, 2, 7]
    assert program["evaluate"] == [[1, "corr2d-tests"], [2, "count-tests"]]
    assert sum("not one of this chapter's" in note for note in notes) == 3
    assert any("count-tests was missing or moved" in note for note in notes)
