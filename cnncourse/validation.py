"""Argument checks shared by every public function: clear errors that name the parameter."""

from numbers import Integral

import numpy as np


def as_array(value, name, ndim=None):
    """Return ``value`` as a floating NumPy array, or raise a clear error.

    Integer and boolean input becomes float64; float32 and float64 keep their dtype.
    ``ndim`` is an int or a tuple of allowed numbers of dimensions.
    """
    if isinstance(value, np.ndarray):
        array = value
    else:
        try:
            array = np.asarray(value)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be an array of numbers, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    if not np.issubdtype(array.dtype, np.floating) or array.dtype == np.float16:
        array = array.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {wanted} dimensions, got shape {array.shape}")
    return array


def as_int(value, name, minimum=None):
    """Return ``value`` as a Python int, checking its type and lower bound."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def as_pair(value, name, minimum=None):
    """Return an int or a pair of ints as a tuple ``(height, width)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (height, width), got {value!r}")
        return tuple(as_int(v, name, minimum) for v in value)
    return (as_int(value, name, minimum),) * 2
