"""Checks for chapter 2's exercises: the output-size rule, zero padding, a strided padded convolution."""

import math

import numpy as np

from ..functional import conv2d, conv_output_size, pad2d
from .feedback import ExerciseFailed, call, compare_arrays, compare_numbers

# (n, f, s, p): the slides' 7x7 cases and worked examples, one where the floor matters, then
# (hidden) more where the floor, the padding and the stride each change the answer.
OUTPUT_SIZE_CASES = [(7, 3, 1, 0), (7, 3, 2, 0), (7, 3, 1, 1), (7, 3, 2, 1), (25, 5, 2, 0), (11, 3, 2, 1),
                     (227, 11, 4, 0), (8, 3, 2, 0)]
HIDDEN_OUTPUT_SIZE_CASES = [(10, 4, 3, 2), (5, 5, 1, 0), (32, 3, 1, 1), (28, 5, 3, 2), (6, 1, 4, 0), (9, 2, 2, 3)]

# Common wrong versions of floor((n + 2p - f) / s) + 1, each with what it suggests.
OUTPUT_SIZE_MISTAKES = [
    (lambda n, f, s, p: (n + 2 * p - f) // s,
     "The +1 is missing: it counts the kernel's first position, before any step."),
    (lambda n, f, s, p: (n - f) // s + 1,
     "The padding is missing: p zeros are added on each side, so the padded input has n + 2p cells."),
    (lambda n, f, s, p: (n + p - f) // s + 1,
     "Only one side is padded: p zeros go on the top/left AND p on the bottom/right, so use n + 2p."),
    (lambda n, f, s, p: math.ceil((n + 2 * p - f) / s) + 1,
     "That rounds up: a window that sticks out of the padded input is not computed, so round down "
     "(floor, `//`)."),
    (lambda n, f, s, p: (n + 2 * p - f + 1) // s,
     "The +1 belongs outside the division: floor((n + 2p - f) / s) + 1."),
    (lambda n, f, s, p: (n + 2 * p + f) // s + 1,
     "The kernel size is subtracted, not added: the kernel needs f cells of room."),
]


def check_output_size(student_output_size, hidden=False):
    """Check ``output_size(n, f, s, p)``: the side of the output of an f x f kernel, stride s, padding p.

    A hint is given only for a mistake that explains the answers to every case, not just one.
    """
    cases = HIDDEN_OUTPUT_SIZE_CASES if hidden else OUTPUT_SIZE_CASES
    answers = {}
    for n, f, s, p in cases:
        name = f"output_size(n={n}, f={f}, s={s}, p={p})"
        answers[n, f, s, p] = got = call(student_output_size, n, f, s, p, name=name)
        if isinstance(got, float):
            raise ExerciseFailed(f"{name} returned {got!r}, a float: a size is a whole number of kernel "
                                 "positions. Round down with floor division `//`.")
    for (n, f, s, p), got in answers.items():
        explained = [(mistake(n, f, s, p), message) for mistake, message in OUTPUT_SIZE_MISTAKES
                     if all(mistake(*case) == answer for case, answer in answers.items())]
        compare_numbers(got, conv_output_size(n, f, s, p), f"output_size(n={n}, f={f}, s={s}, p={p})",
                        wrong_answers=explained)
    return "output_size is correct. Well done!"


def check_zero_pad(student_zero_pad, hidden=False):
    """Check ``zero_pad(x, p)``: x (H, W) with p zeros on every side -> (H + 2p, W + 2p)."""
    rng = np.random.default_rng(11 if hidden else 10)
    cases = [((3, 5), 2), ((4, 4), 0), ((2, 6), 3), ((1, 1), 1)] if hidden else [((3, 3), 1), ((4, 5), 2)]
    for (h, w), p in cases:
        x = rng.integers(1, 10, size=(h, w)).astype(float)
        name = f"zero_pad(x of shape {x.shape}, p={p})"
        given = x.copy()
        got = call(student_zero_pad, given, p, name=name)
        wrong = [
            (pad2d(x, p, mode="replicate"), "The border repeats the edge pixels: padding adds zeros."),
            (np.pad(x, ((0, 2 * p), (0, 2 * p))), "The image sits in the top-left corner: put p zeros "
             "before it too, so that it starts at row p and column p."),
            (np.pad(x, ((2 * p, 0), (2 * p, 0))), "The image sits in the bottom-right corner: p zeros "
             "go on each side, so that it starts at row p and column p."),
        ]
        if p < min(h, w):
            wrong.append((pad2d(x, p, mode="reflect"), "The border mirrors the image: padding adds zeros."))
        compare_arrays(got, pad2d(x, p), name, wrong_answers=wrong, shape_hints=_pad_shape_hints(h, w, p))
        if not np.array_equal(given, x):
            raise ExerciseFailed(f"{name} changed its input x: build a new array instead.")
    return "zero_pad is correct. Well done!"


def _pad_shape_hints(h, w, p):
    if not p:
        return {}
    return {
        (h + p, w + p): "Only one side was padded: add p zeros on the top AND the bottom, on the left "
                        "AND the right.",
        (h + 2 * p, w): "Only the rows were padded: pad the columns (left and right) as well.",
        (h, w + 2 * p): "Only the columns were padded: pad the rows (top and bottom) as well.",
        (h + 4 * p, w + 4 * p): "That is 2p on each side: p zeros per side give H + 2p.",
        (h, w): "The shape did not change: did you return x itself?",
    }


def check_strided_conv(student_conv, hidden=False):
    """Check ``conv(x, k, stride, padding)``: x (H, W), k (kH, kW), zero padding, cross-correlation.

    The visible cases come in an order where each usual mistake fails first on a case that tells it apart.
    """
    rng = np.random.default_rng(21 if hidden else 20)
    cases = ([((6, 9), (2, 3), 3, 1), ((9, 6), (3, 2), 2, 1), ((5, 7), (3, 1), 1, 2), ((4, 4), (5, 5), 2, 2)]
             if hidden else [((7, 7), (3, 3), 1, 0), ((7, 7), (3, 3), 2, 1), ((8, 8), (3, 3), 2, 0)])
    for x_shape, k_shape, stride, padding in cases:
        x = rng.integers(-4, 5, size=x_shape).astype(float)
        k = rng.integers(-2, 3, size=k_shape).astype(float)
        name = f"conv(x of shape {x_shape}, k of shape {k_shape}, stride={stride}, padding={padding})"
        got = call(student_conv, x.copy(), k.copy(), stride, padding, name=name)
        one_side = _correlate(np.pad(x, ((0, 2 * padding), (0, 2 * padding))), k, stride, 0)
        compare_arrays(got, _correlate(x, k, stride, padding), name, wrong_answers=[
            (_correlate(x, k[::-1, ::-1], stride, padding), "The kernel was flipped: slide it as it is "
             "(cross-correlation, as in a CNN layer)."),
            (one_side, "The zeros all went on the bottom/right: pad p on every side."),
        ], shape_hints=_conv_shape_hints(x_shape, k_shape, stride, padding))
    return "Your strided, padded convolution is correct. Well done!"


def _correlate(x, k, stride, padding):
    """The reference answer: x (H, W), k (kH, kW) -> (H_out, W_out)."""
    return conv2d(x[None, None], np.ascontiguousarray(k)[None, None], stride=stride, padding=padding)[0, 0]


def _conv_shape_hints(x_shape, k_shape, s, p):
    """{wrong output shape: what explains it}; when two mistakes give the same shape the first is kept."""
    def side(n, f, stride, pad, rounding=math.floor):
        return rounding((n + 2 * pad - f) / stride) + 1
    candidates = [
        (lambda n, f: side(n, f, 1, p), "That is the stride-1 output: move the window `stride` pixels at "
                                          "a time (output row i starts at row i * stride)."),
        (lambda n, f: side(n, f, s, 0), "That is the output without padding (or with p zeros on one "
                                          "side only): pad x with p zeros on every side first."),
        (lambda n, f: side(n, f, s, p, math.ceil), "One position too many: a window must fit inside "
                                                    "the padded input, so the count rounds down."),
        (lambda n, f: (n + 2 * p - f) // s, "One position too few: there are floor((n + 2p - f) / s) + 1 "
                                             "positions, counting the first."),
        (lambda n, f: side(n - p, f, s, p), "Only one side was padded: p zeros go on every side."),
    ]
    expected = tuple(side(n, f, s, p) for n, f in zip(x_shape, k_shape))
    hints = {}
    for shape_of, message in candidates:
        shape = tuple(shape_of(n, f) for n, f in zip(x_shape, k_shape))
        if shape != expected:
            hints.setdefault(shape, message)
    return hints
