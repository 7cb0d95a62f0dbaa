"""Plain data between the grader and the sandbox: JSON, with arrays as base64 of their raw bytes.

No pickles and no NumPy file parsing on the grader's side: :func:`load_value` accepts only a
short list of numeric dtypes, checks that the bytes match the shape, and copies them into a fresh
array. Used both ways: the grader's cases go in, the learner's plain results come out.
"""

import base64
import json
import math

import numpy as np

from ..exercises.exercise import decode, encode

DTYPES = {name: np.dtype(name).newbyteorder("<") for name in
          ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64")}
MAX_ELEMENTS = 4_000_000  # per array; far more than any exercise needs
MAX_DIMS = 8


def dump_arrays(arrays):
    """``{key: array}`` -> JSON-ready ``{key: {"dtype", "shape", "data"}}`` (little-endian bytes)."""
    packed = {}
    for key, array in arrays.items():
        array = np.ascontiguousarray(array)
        if array.dtype.name not in DTYPES:
            raise ValueError(f"dump_arrays: {key} has dtype {array.dtype}, not a plain number type")
        data = array.astype(DTYPES[array.dtype.name], copy=False).tobytes()
        packed[key] = {"dtype": array.dtype.name, "shape": list(array.shape),
                       "data": base64.b64encode(data).decode("ascii")}
    return packed


def load_value(packed):
    """One array from :func:`dump_arrays`'s form; ValueError for anything else."""
    if type(packed) is not dict or set(packed) != {"dtype", "shape", "data"}:
        raise ValueError("array: malformed")
    dtype, shape, data = packed["dtype"], packed["shape"], packed["data"]
    if type(dtype) is not str or dtype not in DTYPES:
        raise ValueError("array: unknown dtype")
    if (type(shape) is not list or len(shape) > MAX_DIMS
            or not all(type(n) is int and 0 <= n <= MAX_ELEMENTS for n in shape)):
        raise ValueError("array: malformed shape")
    size = math.prod(shape)
    if size > MAX_ELEMENTS or type(data) is not str:
        raise ValueError("array: too large")
    raw = base64.b64decode(data.encode("ascii"), validate=True)
    if len(raw) != size * DTYPES[dtype].itemsize:
        raise ValueError("array: size does not match its shape")
    return np.frombuffer(raw, dtype=DTYPES[dtype]).reshape(shape).astype(np.dtype(dtype), copy=True)


def pack(values):
    """``{name: plain value}`` (see :func:`cnncourse.exercises.exercise.encode`) -> JSON-ready dict."""
    meta, arrays = encode(values)
    return {"meta": meta, "arrays": dump_arrays(arrays)}


def unpack(packed):
    """The inverse of :func:`pack`, trusting nothing; ValueError when malformed."""
    if type(packed) is not dict or set(packed) != {"meta", "arrays"} or type(packed["arrays"]) is not dict:
        raise ValueError("values: malformed")
    arrays = {key: load_value(value) for key, value in packed["arrays"].items()}
    return decode(packed["meta"], arrays)


def dumps(document):
    return json.dumps(document, allow_nan=True, separators=(",", ":"))


def loads(text):
    """JSON text -> document; ValueError (never anything else) when it is not JSON."""
    try:
        return json.loads(text)
    except (RecursionError, UnicodeDecodeError) as error:
        raise ValueError(f"not JSON: {type(error).__name__}") from None
