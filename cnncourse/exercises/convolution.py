"""Chapter 1's exercises: corr2d, a multi-channel multi-filter convolution, parameter counts."""

import numpy as np

from ..functional import conv2d, corr2d
from ..shapes.parameters import conv2d_param_count
from .exercise import Exercise
from .feedback import compare_arrays, compare_numbers

SEED_IMAGE = np.arange(1, 17, dtype=float).reshape(4, 4)
SEED_KERNEL = np.array([[-1.0, 1.0], [0.0, 1.0]])


def distinct_pair(rng, low, high):
    """Two different ints in [low, high], e.g. the height and width of a rectangle that is not square."""
    first, second = rng.choice(np.arange(low, high + 1), size=2, replace=False)
    return int(first), int(second)


def small_ints(rng, shape, low=-5, high=5):
    return rng.integers(low, high + 1, size=shape).astype(float)


# ----- corr2d(x, k)

# Edges: a 1x1 kernel, a kernel as large as the image (one output), a tall image with a wide kernel.
CORR2D_EDGES = [((3, 5), (1, 1)), ((3, 4), (3, 4)), ((6, 3), (1, 3))]


def _corr2d_hidden(rng):
    cases = [{"x": small_ints(rng, x_shape), "k": small_ints(rng, k_shape)} for x_shape, k_shape in CORR2D_EDGES]
    for _ in range(3):
        h, w = distinct_pair(rng, 3, 8)
        kh, kw = distinct_pair(rng, 1, min(h, w))
        cases.append({"x": small_ints(rng, (h, w)), "k": small_ints(rng, (kh, kw))})
    return cases


def _corr2d_name(case):
    return f"corr2d(x of shape {case['x'].shape}, k of shape {case['k'].shape})"


def _corr2d_compare(case, out):
    x, k = case["x"], case["k"]
    (n_h, n_w), (k_h, k_w) = x.shape, k.shape
    swapped = "Height and width are swapped."
    compare_arrays(
        out["y"], corr2d(x, k), _corr2d_name(case),
        wrong_answers=[(corr2d(x, k[::-1, ::-1]), "That is a convolution: the kernel was "
                        "flipped. Slide k over x as it is (cross-correlation)."),
                       (corr2d(x.T, k.T), swapped)],
        shape_hints={
            (n_h - k_h, n_w - k_w): "One row and one column are missing: did you use "
            "range(n - k) instead of range(n - k + 1)?",
            (n_h, n_w): "That is the input's shape: without padding the output shrinks "
            "to (n_h - k_h + 1, n_w - k_w + 1).",
            (n_w - k_w + 1, n_h - k_h + 1): swapped,
        },
    )


CORR2D = Exercise(
    "corr2d", ("corr2d",),
    public=lambda: [{"x": SEED_IMAGE.copy(), "k": SEED_KERNEL.copy()},
                    {"x": small_ints(np.random.default_rng(1), (4, 6)),
                     "k": small_ints(np.random.default_rng(2), (2, 3))}],
    hidden=_corr2d_hidden,
    run=lambda learner, case: {"y": learner(0, case["x"], case["k"], name=_corr2d_name(case))},
    compare=_corr2d_compare,
    success="corr2d is correct. Well done!",
)


def check_corr2d(student_corr2d, hidden=False):
    """Check a learner's ``corr2d(x, k)``: the slide's 4x4 example, or (hidden) random rectangles."""
    return CORR2D.check(student_corr2d, hidden=hidden)


# ----- conv(x, weight, bias)

def _conv_case(rng, c, h, w, o, kh, kw):
    """Distinct biases, so that each filter's own bias is needed."""
    return {"x": small_ints(rng, (c, h, w), -3, 3), "weight": small_ints(rng, (o, c, kh, kw), -2, 2),
            "bias": rng.permutation(np.arange(1, o + 1)).astype(float) * 2 - o}


# Edges: (C, H, W, O, kH, kW): one channel and one filter, more filters than channels, a 1x1 kernel.
CONV_EDGES = [(1, 4, 5, 1, 2, 3), (2, 5, 4, 4, 3, 2), (3, 3, 6, 2, 1, 1)]


def _conv_hidden(rng):
    cases = [_conv_case(rng, *edge) for edge in CONV_EDGES]
    for _ in range(3):
        h, w = distinct_pair(rng, 4, 7)
        kh, kw = distinct_pair(rng, 1, min(h, w))
        c, o = (int(v) for v in rng.integers(1, 4, size=2))
        cases.append(_conv_case(rng, c, h, w, o, kh, kw))
    return cases


def _conv_name(case):
    return f"conv(x {case['x'].shape}, weight {case['weight'].shape}, bias {case['bias'].shape})"


def _conv_compare(case, out):
    x, weight, bias = case["x"], case["weight"], case["bias"]
    (c, h, w), (o, _, kh, kw) = x.shape, weight.shape
    expected = conv2d(x, weight, bias)
    compare_arrays(
        out["y"], expected, _conv_name(case),
        wrong_answers=[
            (expected - bias[:, None, None], "Everything but the bias matches: add each "
             "filter's bias b[o] to its whole output map."),
            (conv2d(x, weight[:, :, ::-1, ::-1].copy(), bias), "The kernels were flipped: "
             "a CNN layer slides them unflipped (cross-correlation)."),
        ],
        shape_hints={
            (o, c, h - kh + 1, w - kw + 1): "You kept one map per input channel: sum the channel "
            "results, so each filter gives ONE map (a 2-D convolution summed over channels).",
            (c, h - kh + 1, w - kw + 1): "One map per input channel: the output needs one "
            "map per filter (weight.shape[0]), each summed over the input channels.",
            (h - kh + 1, w - kw + 1): "Only one output map: loop over the filters too.",
        },
    )


MULTICHANNEL_CONV = Exercise(
    "multichannel_conv", ("conv",),
    public=lambda: [_conv_case(np.random.default_rng(0), 3, 6, 6, 2, 3, 3)],
    hidden=_conv_hidden,
    run=lambda learner, case: {"y": learner(0, case["x"], case["weight"], case["bias"],
                                            name=_conv_name(case))},
    compare=_conv_compare,
    success="Your multi-channel convolution is correct. Well done!",
)


def check_multichannel_conv(student_conv, hidden=False):
    """Check ``conv(x, weight, bias)``: x (C, H, W), weight (O, C, kH, kW), bias (O,) -> (O, H', W')."""
    return MULTICHANNEL_CONV.check(student_conv, hidden=hidden)


# ----- count(in_channels, out_channels, kernel_size)

# Edges: a 1x1 kernel, one output channel, kernel sizes other than 3.
PARAMS_EDGES = [(5, 7, 1), (4, 1, 5), (1, 3, 2), (7, 2, 7)]


def _params_hidden(rng):
    return [{"c_in": a, "c_out": b, "k": k} for a, b, k in PARAMS_EDGES] + [
        {"c_in": int(rng.integers(1, 513)), "c_out": int(rng.integers(2, 513)), "k": int(rng.integers(2, 12))}
        for _ in range(4)]


def _params_name(case):
    return (f"count(in_channels={case['c_in']}, out_channels={case['c_out']}, "
            f"kernel_size={case['k']})")


def _params_compare(case, out):
    c_in, c_out, k = case["c_in"], case["c_out"], case["k"]
    compare_numbers(
        out["n"], conv2d_param_count(c_in, c_out, k), _params_name(case),
        wrong_answers=[
            (c_in * k * k * c_out, "Only the weights are counted: each filter also has one bias."),
            ((k * k + 1) * c_out, "A filter reaches through every input channel: it has "
             "in_channels * k * k weights."),
            (c_in * k * k + 1, "That is one filter: multiply by the number of filters (out_channels)."),
            ((c_in * k + 1) * c_out, "A k x k kernel has k * k weights per channel, not k."),
            (c_in * k * k * c_out + 1, "Each filter has its own bias: add out_channels biases, not one."),
            ((c_in * 9 + 1) * c_out, "kernel_size is an argument: use kernel_size * kernel_size weights per "
             "channel, not a fixed 9."),
        ],
    )


CONV_LAYER_PARAMS = Exercise(
    "conv_layer_params", ("count",),
    public=lambda: [{"c_in": 3, "c_out": 2, "k": 3}, {"c_in": 1, "c_out": 256, "k": 3}],
    hidden=_params_hidden,
    run=lambda learner, case: {"n": learner(0, case["c_in"], case["c_out"], case["k"],
                                            name=_params_name(case))},
    compare=_params_compare,
    success="Your number of parameters is correct. Well done!",
)


def check_conv_layer_params(student_count, hidden=False):
    """Check ``count(in_channels, out_channels, kernel_size)`` (square kernels, with bias)."""
    return CONV_LAYER_PARAMS.check(student_count, hidden=hidden)
