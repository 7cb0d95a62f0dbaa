"""Padding and the size of a convolution's output.

A convolution with kernel size k, stride s, padding p and dilation d turns an input of length n
into ``floor((n + 2p - d(k - 1) - 1) / s) + 1`` outputs: the kernel spans ``d(k - 1) + 1`` cells,
and it fits ``floor((n + 2p - span) / s) + 1`` times into the padded input.
"""

from numbers import Real

import numpy as np

from ..validation import as_array, as_int, as_pair

PAD_MODES = ("constant", "reflect", "replicate")
_NUMPY_MODE = {"constant": "constant", "reflect": "reflect", "replicate": "edge"}


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    """Output length of a convolution (or pooling) along one axis, or (height, width) for pairs.

    Every argument is an int or a pair (height, width); with ints only the result is an int,
    otherwise a tuple (H_out, W_out). Raises ValueError when the kernel does not fit the padded
    input, i.e. when the combination gives no output.
    """
    args = (n, kernel_size, stride, padding, dilation)
    pairs = zip(as_pair(n, "n", minimum=1), as_pair(kernel_size, "kernel_size", minimum=1),
                as_pair(stride, "stride", minimum=1), as_pair(padding, "padding", minimum=0),
                as_pair(dilation, "dilation", minimum=1))
    scalar = not any(isinstance(a, (tuple, list)) for a in args)
    sizes = tuple(_output_length(*values, axis="" if scalar else name + " ")
                  for values, name in zip(pairs, ("height", "width")))
    return sizes[0] if scalar else sizes


def _output_length(n, k, s, p, d, axis):
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        raise ValueError(
            f"no output: the kernel {axis}spans d(k-1)+1 = {span} cells (kernel_size {k}, dilation "
            f"{d}) but the padded input {axis}has only n + 2p = {n + 2 * p} (n={n}, padding {p})"
        )
    return (n + 2 * p - span) // s + 1


def same_padding(input_size, kernel_size, stride=1, dilation=1):
    """Keras/TensorFlow 'same' padding, for any stride: (left, right, top, bottom) as torch's F.pad.

    input_size, kernel_size, stride, dilation: ints or pairs (height, width). The output then has
    ``ceil(n / s)`` cells per axis. The total padding is ``max((out - 1) s + d(k - 1) + 1 - n, 0)``;
    when it is odd the extra row goes to the bottom and the extra column to the right.
    """
    sizes = zip(as_pair(input_size, "input_size", minimum=1), as_pair(kernel_size, "kernel_size", minimum=1),
                as_pair(stride, "stride", minimum=1), as_pair(dilation, "dilation", minimum=1))
    (top, bottom), (left, right) = (_same_split(*values) for values in sizes)
    return (left, right, top, bottom)


def _same_split(n, k, s, d):
    out = -(-n // s)  # ceil(n / s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def pad2d(x, padding, mode="constant", value=0.0):
    """Pad the last two axes of ``x`` like ``torch.nn.functional.pad``.

    x: (..., H, W) with at least two axes; padding: an int (all four sides) or torch's order
    (left, right, top, bottom); mode: 'constant' (filled with ``value``), 'reflect' (mirrored
    without repeating the edge) or 'replicate' (the edge repeated).
    Returns (..., H + top + bottom, W + left + right).
    """
    x = as_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    left, right, top, bottom = _four_sides(padding)
    if mode not in PAD_MODES:
        raise ValueError(f"mode must be one of {PAD_MODES}, got {mode!r}")
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"value must be a real number, got {type(value).__name__} {value!r}")
    if mode == "reflect":
        height, width = x.shape[-2:]
        for side, amount, size, axis in (("left", left, width, "width"), ("right", right, width, "width"),
                                         ("top", top, height, "height"), ("bottom", bottom, height, "height")):
            if amount >= size:
                raise ValueError(f"mode='reflect' needs each padding smaller than the input side: "
                                 f"padding {side}={amount} but the input {axis} is {size}")
    widths = ((0, 0),) * (x.ndim - 2) + ((top, bottom), (left, right))
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=value)
    return np.pad(x, widths, mode=_NUMPY_MODE[mode])


def _four_sides(padding):
    """An int or (left, right, top, bottom) -> a tuple of four non-negative ints."""
    if isinstance(padding, (tuple, list)):
        if len(padding) != 4:
            raise ValueError(f"padding must be an int or 4 ints (left, right, top, bottom), got {padding!r}")
        return tuple(as_int(p, "padding", minimum=0) for p in padding)
    return (as_int(padding, "padding", minimum=0),) * 4
