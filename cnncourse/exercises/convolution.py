"""Checks for chapter 1's exercises: corr2d, a multi-channel multi-filter convolution, parameter counts."""

import numpy as np

from ..functional import conv2d, corr2d
from ..shapes.parameters import conv2d_param_count
from .feedback import ExerciseFailed, call, compare_arrays, compare_numbers

SEED_IMAGE = np.arange(1, 17, dtype=float).reshape(4, 4)
SEED_KERNEL = np.array([[-1.0, 1.0], [0.0, 1.0]])


def _random_cases(seed, shapes):
    rng = np.random.default_rng(seed)
    return [tuple(rng.integers(-5, 6, size=s).astype(float) for s in pair) for pair in shapes]


def check_corr2d(student_corr2d, hidden=False):
    """Check a learner's ``corr2d(x, k)``: the slide's 4x4 example, or (hidden) random rectangles."""
    cases = (_random_cases(1, [((5, 7), (2, 3)), ((6, 4), (3, 1)), ((3, 3), (3, 3))])
             if hidden else [(SEED_IMAGE, SEED_KERNEL)])
    for x, k in cases:
        name = f"corr2d(x of shape {x.shape}, k of shape {k.shape})"
        got = call(student_corr2d, x.copy(), k.copy(), name=name)
        (n_h, n_w), (k_h, k_w) = x.shape, k.shape
        compare_arrays(
            got, corr2d(x, k), name,
            wrong_answers=[(corr2d(x, k[::-1, ::-1]), "That is a convolution: the kernel was "
                            "flipped. Slide k over x as it is (cross-correlation).")],
            shape_hints={
                (n_h - k_h, n_w - k_w): "One row and one column are missing: did you use "
                "range(n - k) instead of range(n - k + 1)?",
                (n_h, n_w): "That is the input's shape: without padding the output shrinks "
                "to (n_h - k_h + 1, n_w - k_w + 1).",
                (n_w - k_w + 1, n_h - k_h + 1): "Height and width are swapped.",
            },
        )
    return "corr2d is correct. Well done!"


def check_multichannel_conv(student_conv, hidden=False):
    """Check ``conv(x, weight, bias)``: x (C, H, W), weight (O, C, kH, kW), bias (O,) -> (O, H', W')."""
    rng = np.random.default_rng(2 if hidden else 0)
    shapes = [(3, 6, 5, 2, 3, 2), (1, 4, 4, 3, 2, 2), (2, 5, 5, 1, 5, 5)] if hidden else [(3, 6, 6, 2, 3, 3)]
    for c, h, w, o, kh, kw in shapes:
        x = rng.integers(-3, 4, size=(c, h, w)).astype(float)
        weight = rng.integers(-2, 3, size=(o, c, kh, kw)).astype(float)
        bias = rng.integers(1, 5, size=o).astype(float)
        name = f"conv(x {x.shape}, weight {weight.shape}, bias {bias.shape})"
        got = call(student_conv, x.copy(), weight.copy(), bias.copy(), name=name)
        expected = conv2d(x, weight, bias)
        per_channel = (o, c, h - kh + 1, w - kw + 1)
        compare_arrays(
            got, expected, name,
            wrong_answers=[
                (expected - bias[:, None, None], "Everything but the bias matches: add each "
                 "filter's bias b[o] to its whole output map."),
                (conv2d(x, weight[:, :, ::-1, ::-1].copy(), bias), "The kernels were flipped: "
                 "a CNN layer slides them unflipped (cross-correlation)."),
            ],
            shape_hints={
                per_channel: "You kept one map per input channel: sum the channel results, "
                "so each filter gives ONE map (a 2-D convolution summed over channels).",
                (c, h - kh + 1, w - kw + 1): "One map per input channel: the output needs one "
                "map per filter (weight.shape[0]), each summed over the input channels.",
                (h - kh + 1, w - kw + 1): "Only one output map: loop over the filters too.",
            },
        )
    return "Your multi-channel convolution is correct. Well done!"


def check_conv_layer_params(student_count, hidden=False):
    """Check ``count(in_channels, out_channels, kernel_size)`` (square kernels, with bias)."""
    cases = [(3, 2, 3), (1, 256, 3)] if not hidden else [(96, 256, 5), (3, 96, 11), (64, 64, 1), (7, 5, 2)]
    for c_in, c_out, k in cases:
        name = f"count(in_channels={c_in}, out_channels={c_out}, kernel_size={k})"
        got = call(student_count, c_in, c_out, k, name=name)
        compare_numbers(
            got, conv2d_param_count(c_in, c_out, k), name,
            wrong_answers=[
                (c_in * k * k * c_out, "Only the weights are counted: each filter also has one bias."),
                ((k * k + 1) * c_out, "A filter reaches through every input channel: it has "
                 "in_channels * k * k weights."),
                (c_in * k * k + 1, "That is one filter: multiply by the number of filters (out_channels)."),
                ((c_in * k + 1) * c_out, "A k x k kernel has k * k weights per channel, not k."),
                (c_in * k * k * c_out + 1, "Each filter has its own bias: add out_channels biases, not one."),
            ],
        )
    return "Your parameter count is correct. Well done!"
