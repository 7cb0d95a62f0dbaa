"""What crosses the sandbox's wall, byte by byte (cnncourse/instructor/exchange.py): arrays as
little-endian base64 with every limit at its edge, compact JSON that keeps NaN, and every way a
hostile document can be malformed rejected with ValueError (never another exception)."""

import base64
import json
import struct

import numpy as np
import pytest

from cnncourse.exercises.feedback import Other
from cnncourse.instructor import exchange
from cnncourse.instructor.exchange import dump_arrays, dumps, load_value, loads, pack, unpack


def packed(dtype="uint8", shape=(2,), data=b"\x01\x02"):
    return {"dtype": dtype, "shape": list(shape), "data": base64.b64encode(data).decode("ascii")}


def test_arrays_travel_as_little_endian_bytes_whatever_their_byte_order():
    big = np.array([[1.5, -2.0, 3.25]], dtype=">f8")
    document = dump_arrays({"x": big, "n": np.arange(3, dtype=np.int16)})
    assert document["x"]["dtype"] == "float64" and document["x"]["shape"] == [1, 3]
    assert base64.b64decode(document["x"]["data"]) == struct.pack("<3d", 1.5, -2.0, 3.25)
    assert base64.b64decode(document["n"]["data"]) == bytes([0, 0, 1, 0, 2, 0])
    back = load_value(json.loads(json.dumps(document["x"])))
    assert back.dtype == np.dtype("float64") and back.tolist() == [[1.5, -2.0, 3.25]]


def test_a_transposed_array_is_sent_in_its_own_element_order():
    array = np.arange(6, dtype=np.uint8).reshape(2, 3).T  # not C-contiguous
    assert load_value(dump_arrays({"a": array})["a"]).tolist() == [[0, 3], [1, 4], [2, 5]]


@pytest.mark.parametrize("value", [np.array(["a"]), np.array([1 + 2j]), np.array([None], dtype=object)])
def test_only_plain_number_arrays_are_sent(value):
    with pytest.raises(ValueError, match=r"^dump_arrays: bad has dtype \S+, not a plain number type$"):
        dump_arrays({"bad": value})


def test_a_loaded_array_is_a_fresh_writable_copy_in_native_order():
    array = load_value(packed("int32", (2,), np.array([7, -1], "<i4").tobytes()))
    assert array.flags.writeable and array.dtype == np.dtype("int32") and array.dtype.isnative
    array[0] = 5
    assert array.tolist() == [5, -1]


def test_the_limits_hold_exactly_at_their_edges():
    assert load_value(packed("bool", (1,) * exchange.MAX_DIMS, b"\x01")).shape == (1,) * 8
    with pytest.raises(ValueError, match="^array: malformed shape$"):
        load_value(packed("bool", (1,) * (exchange.MAX_DIMS + 1), b"\x01"))
    assert load_value(packed("uint8", (0, 3), b"")).shape == (0, 3)
    limit = exchange.MAX_ELEMENTS
    assert load_value(packed("bool", (limit,), bytes(limit))).size == 4_000_000
    with pytest.raises(ValueError, match="^array: malformed shape$"):
        load_value(packed("bool", (limit + 1,), b""))
    with pytest.raises(ValueError, match="^array: too large$"):  # each side allowed, the product not
        load_value(packed("bool", (2000, 2001), b""))


@pytest.mark.parametrize("document, message", [
    ({"dtype": "uint8", "shape": [1]}, "array: malformed"),
    ({**packed(), "more": 1}, "array: malformed"),
    (packed("float128"), "array: unknown dtype"),
    ({**packed(), "dtype": 8}, "array: unknown dtype"),
    ({**packed(), "shape": (2,)}, "array: malformed shape"),
    ({**packed(), "shape": [True, 2]}, "array: malformed shape"),
    ({**packed(), "shape": [-1]}, "array: malformed shape"),
    ({**packed(), "data": b"AQI="}, "array: too large"),
    (packed("uint8", (3,)), "array: size does not match its shape"),
    (packed("uint16", (2,)), "array: size does not match its shape"),
    ({**packed(), "data": "AQI"}, None),
    ({**packed(), "data": "AQ I="}, None),
])
def test_malformed_arrays_are_rejected_with_value_error(document, message):
    with pytest.raises(ValueError, match=message and f"^{message}$"):
        load_value(document)


def test_a_dict_subclass_is_not_an_array_document():
    class Sneaky(dict):
        pass
    with pytest.raises(ValueError, match="^array: malformed$"):
        load_value(Sneaky(packed()))


def test_unpack_accepts_only_its_own_two_keys():
    good = pack({"n": 3, "a": np.array([1, 2], dtype=np.uint8), "o": Other("list")})
    values = unpack(json.loads(dumps(good)))
    assert values["n"] == 3 and values["a"].tolist() == [1, 2] and values["o"].type_name == "list"
    for bad in ([good], {**good, "extra": {}}, {"meta": good["meta"]}, {"meta": good["meta"], "arrays": []}):
        with pytest.raises(ValueError, match="^values: malformed$"):
            unpack(bad)


def test_dumps_is_compact_and_keeps_nan_and_infinity():
    text = dumps({"a": [1, float("nan"), float("-inf")]})
    assert text == '{"a":[1,NaN,-Infinity]}'
    back = loads(text)["a"]
    assert back[0] == 1 and back[1] != back[1] and back[2] == float("-inf")


@pytest.mark.parametrize("text, name", [("[" * 200_000, "RecursionError"), (b"\xff\xfe\x00", "UnicodeDecodeError")])
def test_loads_turns_every_failure_into_value_error(text, name):
    with pytest.raises(ValueError, match=f"^not JSON: {name}$"):
        loads(text)


def test_loads_reports_plain_syntax_errors_as_value_error_too():
    with pytest.raises(ValueError):
        loads("{not json")
