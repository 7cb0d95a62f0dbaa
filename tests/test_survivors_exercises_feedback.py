"""The building blocks of exercise feedback (cnncourse.exercises.feedback), pinned by what a learner
reads: the exact sentence for each kind of wrong result, the first differing index, the tolerances
(a near miss just outside fails, a value just inside passes, also for large values where a relative
tolerance would hide it), which known wrong answer gives its hint, and how a long message is broken."""

import numpy as np
import pytest

from cnncourse.exercises.feedback import (ExerciseFailed, Other, as_number_array, compare_arrays,
                                          compare_numbers, type_name)


def message(function, *args, **kwargs):
    with pytest.raises(ExerciseFailed) as info:
        function(*args, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("got, text", [
    (None, "f returned None: did you forget the `return` statement?"),
    (Other("list"), "f returned list, expected an array of numbers."),
    (np.array(["a", "b"]), "f returned array of <U1, expected an array of numbers."),
    (2.5, "f returned float, expected an array of numbers."),
])
def test_a_result_that_is_no_array_of_numbers_is_named_by_its_type(got, text):
    assert message(as_number_array, got, "f") == text


def test_arrays_of_bools_and_ints_are_numbers_in_float64():
    for array in (np.array([True, False]), np.array([1, 0], dtype=np.int8), np.array([1, 0], dtype=np.uint16)):
        numbers = as_number_array(array, "f")
        assert numbers.dtype == np.float64 and numbers.tolist() == [1.0, 0.0]


def test_type_names_as_a_learner_reads_them():
    assert type_name(Other("dict")) == "dict"
    assert type_name(np.zeros(2, dtype=np.int32)) == "array of int32"
    assert type_name(3.5) == "float" and type_name(None) == "NoneType"
    assert repr(Other("Module")) == "<Module>"
    assert Other("x" * 100).type_name == "x" * 80


EXPECTED = np.array([[1.0, 2.0, 4.0], [8.0, 16.0, 32.0]])


def test_a_shape_mismatch_says_both_shapes_and_the_hint_for_that_shape():
    hints = {(3, 2): "Height and width are swapped.", (2, 2): "A column is missing."}
    assert message(compare_arrays, EXPECTED.T, EXPECTED, "f", shape_hints=hints) == (
        "f: output shape (3, 2), expected (2, 3). Height and width are swapped.")
    assert message(compare_arrays, EXPECTED[:1], EXPECTED, "f", shape_hints=hints) == (
        "f: output shape (1, 3), expected (2, 3).")  # no hint for that shape: nothing added
    assert message(compare_arrays, EXPECTED[:1], EXPECTED, "f") == "f: output shape (1, 3), expected (2, 3)."


def test_differing_values_are_counted_and_the_first_one_shown():
    got = EXPECTED.copy()
    got[0, 2], got[1, 0] = 5.0, 7.5  # first difference at [0, 2], a second at [1, 0]
    assert message(compare_arrays, got, EXPECTED, "f") == (
        "f: 2 of 6 values differ; at index [0, 2] you have 5, expected 4.")
    assert message(compare_arrays, got[0], EXPECTED[0].tolist(), "f") == (  # a list is expected too
        "f: 1 of 3 values differ; at index [2] you have 5, expected 4.")


def test_the_default_tolerance_is_absolute_one_millionth_even_for_large_values():
    large = EXPECTED * 1000  # up to 32000: a relative tolerance of 1e-5 would allow 0.3
    compare_arrays(large + 9e-7, large, "f")  # just inside
    for off in (2e-6, 1e-3):
        assert "1 of 6 values differ; at index [1, 2]" in message(
            compare_arrays, large + np.where(large == large.max(), off, 0), large, "f")
    compare_arrays(EXPECTED + 9e-4, EXPECTED, "f", atol=1e-3)  # a check's own tolerance
    assert "6 of 6 values differ" in message(compare_arrays, EXPECTED + 2e-3, EXPECTED, "f", atol=1e-3)


def test_the_hint_of_the_first_wrong_answer_that_matches_is_added():
    got = np.full((2, 2), 5.0)
    expected = np.zeros((2, 2))
    wrong = [(np.array([5.0]), "a wrong answer of another shape"), (np.full((2, 2), 6.0), "six"),
             (got + 5e-7, "five"), (got, "five again")]
    assert message(compare_arrays, got, expected, "f", wrong_answers=wrong) == (
        "f: 4 of 4 values differ; at index [0, 0] you have 5, expected 0. five")
    assert message(compare_arrays, got, expected, "f", wrong_answers=wrong[:2]) == (
        "f: 4 of 4 values differ; at index [0, 0] you have 5, expected 0.")  # no hint matches


def test_a_wrong_answer_gives_its_hint_only_within_one_millionth():
    got = np.array([1000.0, 2000.0])
    for near in (got + 5e-3, got + 2e-6, got + 0.5):  # 5e-3 is within a relative tolerance of 1e-5
        text = message(compare_arrays, got, np.zeros(2), "f", wrong_answers=[(near, "a hint")])
        assert not text.endswith("a hint"), near
    assert message(compare_arrays, got, np.zeros(2), "f", wrong_answers=[(got + 5e-7, "a hint")]).endswith(
        "expected 0. a hint")


@pytest.mark.parametrize("got, text", [
    (None, "f returned None: did you forget the `return` statement?"),
    (3.0, "f returned 3.0 (float); expected an int."),
    (True, "f returned True (bool); expected an int."),
    (Other("str"), "f returned (str); expected an int."),
    (np.array([3]), "f returned (array of int64); expected an int."),
    (4, "f gave 4, expected 3."),
    (5, "f gave 5, expected 3. five"),
    (7, "f gave 7, expected 3. seven"),
])
def test_a_number_is_an_exact_int_and_a_known_wrong_one_gets_its_hint(got, text):
    assert message(compare_numbers, got, 3, "f", wrong_answers=[(5, "five"), (7, "seven"), (5, "five again")]) == text


def test_a_right_number_and_a_right_array_pass():
    assert compare_numbers(3, 3, "f", wrong_answers=[(3, "never")]) is None
    assert compare_arrays(EXPECTED.astype(np.float32), EXPECTED, "f", wrong_answers=[(EXPECTED, "never")]) is None


def test_a_long_message_fills_lines_of_at_most_88_characters_and_keeps_long_words_whole():
    fills = "a" * 70  # "ExerciseFailed: " (16 characters) + 70 + " b" = 88: one line; one "a" more, two
    assert ExerciseFailed(f"{fills} b")._render_traceback_() == [f"ExerciseFailed: {fills} b"]
    assert ExerciseFailed(f"{fills}a b")._render_traceback_() == [f"ExerciseFailed: {fills}a", "b"]
    path = "/home/learner/" + "x" * 100 + ".npy"
    assert ExerciseFailed(f"no file {path} here")._render_traceback_() == [
        "ExerciseFailed: no file", path, "here"]


def test_a_hyphenated_word_is_never_broken_at_its_hyphens():
    fills = "x" * 60  # 16 + 60 = 76 characters: "well-known-" would still fit on the first line
    lines = ExerciseFailed(f"{fills} well-known-hyphenated-word")._render_traceback_()
    assert lines == [f"ExerciseFailed: {fills}", "well-known-hyphenated-word"]


def test_compare_arrays_names_the_function_when_the_result_is_no_array():
    assert message(compare_arrays, None, EXPECTED, "f") == "f returned None: did you forget the `return` statement?"
