"""Chapter 2's exercises: the output-size rule, zero padding, a strided padded convolution."""

import math

import numpy as np

from ..functional import conv2d, conv_output_size, pad2d
from .convolution import distinct_pair, small_ints
from .exercise import Exercise
from .feedback import ExerciseFailed, compare_arrays, compare_numbers

# (n, f, s, p): the slides' 7x7 cases and worked examples, and one where the floor matters.
OUTPUT_SIZE_CASES = [(7, 3, 1, 0), (7, 3, 2, 0), (7, 3, 1, 1), (7, 3, 2, 1), (25, 5, 2, 0), (11, 3, 2, 1),
                     (227, 11, 4, 0), (8, 3, 2, 0)]
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


# Edges (n, f, s, p): the kernel as large as the input, a 1x1 kernel with a stride larger than it,
# a remainder the floor drops, padding larger than the kernel, stride 1 with padding.
OUTPUT_SIZE_EDGES = [(5, 5, 1, 0), (6, 1, 4, 0), (9, 2, 4, 1), (4, 3, 2, 3), (10, 4, 1, 2)]


def _output_size_hidden(rng):
    """The edges, then six rows where the floor, the padding and the stride each change the answer."""
    rows = list(OUTPUT_SIZE_EDGES)
    while len(rows) < len(OUTPUT_SIZE_EDGES) + 6:
        n, f = int(rng.integers(4, 40)), int(rng.integers(1, 8))
        s, p = int(rng.integers(2, 5)), int(rng.integers(1, 4))
        if f <= n + 2 * p and (n + 2 * p - f) % s and (n, f, s, p) not in rows:
            rows.append((n, f, s, p))
    return [{"nfsp": np.array(rows, dtype=np.int64)}]


def _output_size_run(learner, case):
    return {str(i): learner(0, *(int(v) for v in row), name=_output_size_name(row))
            for i, row in enumerate(case["nfsp"])}


def _output_size_name(row):
    n, f, s, p = (int(v) for v in row)
    return f"output_size(n={n}, f={f}, s={s}, p={p})"


def _output_size_compare(case, out):
    """A hint is given only for a mistake that explains the answers to every case, not just one."""
    rows = [tuple(int(v) for v in row) for row in case["nfsp"]]
    answers = {row: out[str(i)] for i, row in enumerate(rows)}
    for row, got in answers.items():
        if type(got) is float:
            raise ExerciseFailed(f"{_output_size_name(row)} returned {got!r}, a float: a size is a whole "
                                 "number of kernel positions. Round down with floor division `//`.")
    for row, got in answers.items():
        explained = [(mistake(*row), message) for mistake, message in OUTPUT_SIZE_MISTAKES
                     if all(mistake(*other) == answer for other, answer in answers.items())]
        compare_numbers(got, conv_output_size(*row), _output_size_name(row), wrong_answers=explained)


OUTPUT_SIZE = Exercise(
    "output_size", ("output_size",),
    public=lambda: [{"nfsp": np.array(OUTPUT_SIZE_CASES, dtype=np.int64)}],
    hidden=_output_size_hidden, run=_output_size_run, compare=_output_size_compare,
    success="output_size is correct. Well done!",
)


def check_output_size(student_output_size, hidden=False):
    """Check ``output_size(n, f, s, p)``: the side of the output of an f x f kernel, stride s, padding p."""
    return OUTPUT_SIZE.check(student_output_size, hidden=hidden)


def _zero_pad_public():
    rng = np.random.default_rng(10)
    return [{"x": small_ints(rng, shape, 1, 9), "p": p} for shape, p in [((3, 3), 1), ((4, 5), 2)]]


def _zero_pad_hidden(rng):
    cases = []
    for p in (0, *(int(v) for v in rng.integers(1, 4, size=3))):
        cases.append({"x": small_ints(rng, distinct_pair(rng, 1, 6), 1, 9), "p": p})
    return cases


def _zero_pad_name(case):
    return f"zero_pad(x of shape {case['x'].shape}, p={case['p']})"


def _zero_pad_run(learner, case):
    padded, changed = learner.keeping_inputs(0, case["x"], case["p"], name=_zero_pad_name(case))
    return {"y": padded, "changed": changed}


def _zero_pad_compare(case, out):
    x, p = case["x"], case["p"]
    (h, w), name = x.shape, _zero_pad_name(case)
    wrong = [
        (pad2d(x, p, mode="replicate"), "The border repeats the edge pixels: padding adds zeros."),
        (np.pad(x, ((0, 2 * p), (0, 2 * p))), "The image sits in the top-left corner: put p zeros "
         "before it too, so that it starts at row p and column p."),
        (np.pad(x, ((2 * p, 0), (2 * p, 0))), "The image sits in the bottom-right corner: p zeros "
         "go on each side, so that it starts at row p and column p."),
    ]
    if p < min(h, w):
        wrong.append((pad2d(x, p, mode="reflect"), "The border mirrors the image: padding adds zeros."))
    compare_arrays(out["y"], pad2d(x, p), name, wrong_answers=wrong, shape_hints=_pad_shape_hints(h, w, p))
    if out["changed"] is not False:
        raise ExerciseFailed(f"{name} changed its input x: build a new array instead.")


ZERO_PAD = Exercise(
    "zero_pad", ("zero_pad",), public=_zero_pad_public, hidden=_zero_pad_hidden,
    run=_zero_pad_run, compare=_zero_pad_compare, success="zero_pad is correct. Well done!",
)


def check_zero_pad(student_zero_pad, hidden=False):
    """Check ``zero_pad(x, p)``: x (H, W) with p zeros on every side -> (H + 2p, W + 2p)."""
    return ZERO_PAD.check(student_zero_pad, hidden=hidden)


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


def _strided_case(rng, x_shape, k_shape, stride, padding):
    return {"x": small_ints(rng, x_shape, -4, 4), "k": small_ints(rng, k_shape, -2, 2),
            "stride": stride, "padding": padding}


def _strided_public():
    """The visible cases come in an order where each usual mistake fails first on a case that tells it apart."""
    rng = np.random.default_rng(20)
    return [_strided_case(rng, *spec) for spec in [((7, 7), (3, 3), 1, 0), ((7, 7), (3, 3), 2, 1),
                                                   ((8, 8), (3, 3), 2, 0)]]


# Edges (x shape, k shape, stride, padding): no padding on a rectangle, a stride larger than the kernel
# (skipped pixels), a 1x1 kernel whose output is mostly the padding's zeros, one output position.
STRIDED_EDGES = [((5, 8), (2, 3), 2, 0), ((9, 7), (2, 2), 3, 1), ((3, 4), (1, 1), 2, 2), ((4, 3), (4, 3), 2, 0)]


def _strided_hidden(rng):
    cases = [_strided_case(rng, *edge) for edge in STRIDED_EDGES]
    for _ in range(4):
        x_shape = distinct_pair(rng, 4, 9)
        k_shape = distinct_pair(rng, 1, 4)
        stride, padding = int(rng.integers(2, 4)), int(rng.integers(1, 3))
        cases.append(_strided_case(rng, x_shape, k_shape, stride, padding))
    return cases


def _strided_name(case):
    return (f"conv(x of shape {case['x'].shape}, k of shape {case['k'].shape}, stride={case['stride']}, "
            f"padding={case['padding']})")


def _strided_compare(case, out):
    x, k, stride, padding = case["x"], case["k"], case["stride"], case["padding"]
    one_side = _correlate(np.pad(x, ((0, 2 * padding), (0, 2 * padding))), k, stride, 0)
    compare_arrays(out["y"], _correlate(x, k, stride, padding), _strided_name(case), wrong_answers=[
        (_correlate(x, k[::-1, ::-1], stride, padding), "The kernel was flipped: slide it as it is "
         "(cross-correlation, as in a CNN layer)."),
        (one_side, "The zeros all went on the bottom/right: pad p on every side."),
    ], shape_hints=_conv_shape_hints(x.shape, k.shape, stride, padding))


STRIDED_CONV = Exercise(
    "strided_conv", ("conv",), public=_strided_public, hidden=_strided_hidden,
    run=lambda learner, case: {"y": learner(0, case["x"], case["k"], case["stride"], case["padding"],
                                            name=_strided_name(case))},
    compare=_strided_compare, success="Your strided, padded convolution is correct. Well done!",
)


def check_strided_conv(student_conv, hidden=False):
    """Check ``conv(x, k, stride, padding)``: x (H, W), k (kH, kW), zero padding, cross-correlation."""
    return STRIDED_CONV.check(student_conv, hidden=hidden)


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
