"""Chapters 1 to 3's exercise checks (convolution, padding, pooling), pinned by behaviour: each usual
mistake, on a rectangular case where every swap shows, gets its whole hint; the hidden cases are
drawn from their documented ranges and cover them (over many secrets). The compare steps are
called with plain results computed by independent oracles (torch, numpy loops)."""

import numpy as np
import pytest
import torch
from torch.nn import functional

from cnncourse.exercises import EXERCISES
from survivors_exercises import hidden_cases as hidden, verdict


def xcorr(x, k, stride=1, padding=0):
    """2-D cross-correlation of x (H, W) with k (kH, kW), as torch computes it."""
    t = functional.conv2d(torch.tensor(x, dtype=torch.float64)[None, None],
                          torch.tensor(np.ascontiguousarray(k), dtype=torch.float64)[None, None],
                          stride=stride, padding=padding)
    return t[0, 0].numpy()


# ----- chapter 1: corr2d, the multi-channel convolution, the parameter count

RNG = np.random.default_rng(17)
X = RNG.integers(-3, 4, size=(5, 8)).astype(float)  # 5 rows, 8 columns
K = np.array([[1.0, -2.0, 0.0], [3.0, 1.0, -1.0]])  # 2 x 3, no symmetry
SWAPPED = "Height and width are swapped."


@pytest.mark.parametrize("out, hint", [
    (xcorr(X, K[::-1, ::-1]), "That is a convolution: the kernel was flipped. Slide k over x as it is "
     "(cross-correlation)."),
    (xcorr(X, K)[:-1, :-1], "One row and one column are missing: did you use range(n - k) instead of "
     "range(n - k + 1)?"),
    (np.zeros((5, 8)), "That is the input's shape: without padding the output shrinks to (n_h - k_h + 1, "
     "n_w - k_w + 1)."),
    (xcorr(X, K).T, SWAPPED),
])
def test_corr2d_mistakes_get_their_hint(out, hint):
    assert verdict("check_corr2d", {"x": X, "k": K}, {"y": out}).endswith(" " + hint)
    assert verdict("check_corr2d", {"x": X, "k": K}, {"y": xcorr(X, K)}) is None


def test_corr2d_axes_swapped_on_a_square_output_is_named_from_the_values():
    x, k = X[:4, :5], K[:1, :2]  # (4, 5) with (1, 2): a (4, 4) output either way
    assert verdict("check_corr2d", {"x": x, "k": k}, {"y": xcorr(x.T, k.T)}).endswith(" " + SWAPPED)


def test_corr2d_cases():
    slide, rectangle = EXERCISES["check_corr2d"].cases()
    assert slide["x"].tolist() == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]
    assert slide["k"].tolist() == [[-1, 1], [0, 1]] and xcorr(slide["x"], slide["k"])[0, 0] == 7
    assert (rectangle["x"].shape, rectangle["k"].shape) == ((4, 6), (2, 3))
    cases = hidden("check_corr2d", 40)
    assert [(c["x"].shape, c["k"].shape) for c in cases[:3]] == [((3, 5), (1, 1)), ((3, 4), (3, 4)), ((6, 3), (1, 3))]
    drawn = [c for i, c in enumerate(cases) if i % 6 >= 3]
    assert {n for c in drawn for n in c["x"].shape} == set(range(3, 9))
    assert all(c["x"].shape[0] != c["x"].shape[1] and c["k"].shape[0] != c["k"].shape[1] for c in drawn)
    assert all(max(c["k"].shape) <= min(c["x"].shape) for c in drawn)
    assert {1, 2, 5} <= {n for c in drawn for n in c["k"].shape} <= set(range(1, 8))
    values = np.concatenate([np.concatenate([c["x"].ravel(), c["k"].ravel()]) for c in cases])
    assert set(values.tolist()) == set(range(-5, 6))


W = RNG.integers(-2, 3, size=(3, 2, 2, 3)).astype(float)  # 3 filters over 2 channels, 2 x 3 kernels
XC = RNG.integers(-3, 4, size=(2, 4, 5)).astype(float)
B = np.array([-1.0, 3.0, 1.0])


def multichannel(x, w, b):
    return functional.conv2d(torch.tensor(x)[None], torch.tensor(w), torch.tensor(b))[0].numpy()


@pytest.mark.parametrize("out, hint", [
    (multichannel(XC, W, 0 * B), "Everything but the bias matches: add each filter's bias b[o] to its whole "
     "output map."),
    (multichannel(XC, W[:, :, ::-1, ::-1].copy(), B), "The kernels were flipped: a CNN layer slides them "
     "unflipped (cross-correlation)."),
    (np.zeros((3, 2, 3, 3)), "You kept one map per input channel: sum the channel results, so each filter "
     "gives ONE map (a 2-D convolution summed over channels)."),
    (np.zeros((2, 3, 3)), "One map per input channel: the output needs one map per filter (weight.shape[0]), "
     "each summed over the input channels."),
    (np.zeros((3, 3)), "Only one output map: loop over the filters too."),
])
def test_multichannel_conv_mistakes_get_their_hint(out, hint):
    case = {"x": XC, "weight": W, "bias": B}
    assert verdict("check_multichannel_conv", case, {"y": out}).endswith(" " + hint)
    assert verdict("check_multichannel_conv", case, {"y": multichannel(XC, W, B)}) is None


def test_multichannel_conv_cases():
    (public,) = EXERCISES["check_multichannel_conv"].cases()
    assert (public["x"].shape, public["weight"].shape) == ((3, 6, 6), (2, 3, 3, 3))
    cases = hidden("check_multichannel_conv", 30)
    assert [(c["x"].shape, c["weight"].shape) for c in cases[:3]] == [
        ((1, 4, 5), (1, 1, 2, 3)), ((2, 5, 4), (4, 2, 3, 2)), ((3, 3, 6), (2, 3, 1, 1))]
    for c in cases:  # distinct biases, 2 apart: each filter needs its own
        o = c["weight"].shape[0]
        assert sorted(c["bias"].tolist()) == [2 * i - o for i in range(1, o + 1)]
    drawn = [c for i, c in enumerate(cases) if i % 6 >= 3]
    assert {n for c in drawn for n in c["x"].shape[1:]} == set(range(4, 8))
    assert {c["x"].shape[0] for c in drawn} == {c["weight"].shape[0] for c in drawn} == {1, 2, 3}
    assert all(c["x"].shape[1] != c["x"].shape[2] and c["weight"].shape[2] != c["weight"].shape[3] for c in drawn)
    assert {n for c in drawn for n in c["weight"].shape[2:]} == set(range(1, 7))
    assert set(np.concatenate([c["x"].ravel() for c in cases]).tolist()) == set(range(-3, 4))
    assert set(np.concatenate([c["weight"].ravel() for c in cases]).tolist()) == set(range(-2, 3))


@pytest.mark.parametrize("n, hint", [
    (700, "Only the weights are counted: each filter also has one bias."),
    (182, "A filter reaches through every input channel: it has in_channels * k * k weights."),
    (101, "That is one filter: multiply by the number of filters (out_channels)."),
    (147, "A k x k kernel has k * k weights per channel, not k."),
    (701, "Each filter has its own bias: add out_channels biases, not one."),
    (259, "kernel_size is an argument: use kernel_size * kernel_size weights per channel, not a fixed 9."),
])
def test_parameter_count_mistakes_get_their_hint(n, hint):
    case = {"c_in": 4, "c_out": 7, "k": 5}  # (4 * 5 * 5 + 1) * 7 = 707
    assert verdict("check_conv_layer_params", case, {"n": n}) == (
        f"count(in_channels=4, out_channels=7, kernel_size=5) gave {n}, expected 707. {hint}")
    assert verdict("check_conv_layer_params", case, {"n": 707}) is None


def test_parameter_count_cases():
    assert EXERCISES["check_conv_layer_params"].cases() == [{"c_in": 3, "c_out": 2, "k": 3},
                                                           {"c_in": 1, "c_out": 256, "k": 3}]
    cases = hidden("check_conv_layer_params", 30)
    assert [(c["c_in"], c["c_out"], c["k"]) for c in cases[:4]] == [(5, 7, 1), (4, 1, 5), (1, 3, 2), (7, 2, 7)]
    drawn = [c for i, c in enumerate(cases) if i % 8 >= 4]
    assert {c["k"] for c in drawn} == set(range(2, 12))
    assert all(1 <= c["c_in"] <= 512 and 2 <= c["c_out"] <= 512 for c in drawn)
    assert max(c["c_in"] for c in drawn) > 500 and max(c["c_out"] for c in drawn) > 500
    assert min(c["c_in"] for c in drawn) < 12 and min(c["c_out"] for c in drawn) < 12


# ----- chapter 2: the output size, zero padding, the strided padded convolution

def floor_size(n, f, s, p):
    return (n + 2 * p - f) // s + 1


OUTPUT_SIZE_MISTAKES = [
    (lambda n, f, s, p: (n + 2 * p - f) // s, "The +1 is missing: it counts the kernel's first position, "
     "before any step."),
    (lambda n, f, s, p: (n - f) // s + 1, "The padding is missing: p zeros are added on each side, so the "
     "padded input has n + 2p cells."),
    (lambda n, f, s, p: (n + p - f) // s + 1, "Only one side is padded: p zeros go on the top/left AND p on "
     "the bottom/right, so use n + 2p."),
    (lambda n, f, s, p: -((f - n - 2 * p) // s) + 1, "That rounds up: a window that sticks out of the padded "
     "input is not computed, so round down (floor, `//`)."),
    (lambda n, f, s, p: (n + 2 * p - f + 1) // s, "The +1 belongs outside the division: floor((n + 2p - f) / s) "
     "+ 1."),
    (lambda n, f, s, p: (n + 2 * p + f) // s + 1, "The kernel size is subtracted, not added: the kernel needs f "
     "cells of room."),
]


@pytest.mark.parametrize("mistake, hint", OUTPUT_SIZE_MISTAKES)
def test_an_output_size_mistake_that_explains_every_answer_gets_its_hint(mistake, hint):
    (case,) = EXERCISES["check_output_size"].cases()
    rows = [tuple(int(v) for v in row) for row in case["nfsp"]]
    answers = {str(i): mistake(*row) for i, row in enumerate(rows)}
    assert verdict("check_output_size", case, answers).endswith(" " + hint)


def test_output_size_rows_and_a_float_answer():
    (case,) = EXERCISES["check_output_size"].cases()
    rows = [tuple(int(v) for v in row) for row in case["nfsp"]]
    assert rows == [(7, 3, 1, 0), (7, 3, 2, 0), (7, 3, 1, 1), (7, 3, 2, 1), (25, 5, 2, 0), (11, 3, 2, 1),
                    (227, 11, 4, 0), (8, 3, 2, 0)]
    assert verdict("check_output_size", case, {str(i): floor_size(*row) for i, row in enumerate(rows)}) is None
    once = {str(i): floor_size(*row) - (i == 0) for i, row in enumerate(rows)}  # a slip on one row only
    assert verdict("check_output_size", case, once) == "output_size(n=7, f=3, s=1, p=0) gave 4, expected 5."
    floats = {str(i): float(floor_size(*row)) for i, row in enumerate(rows)}
    assert verdict("check_output_size", case, floats) == (
        "output_size(n=7, f=3, s=1, p=0) returned 5.0, a float: a size is a whole number of kernel positions. "
        "Round down with floor division `//`.")


def test_hidden_output_size_rows_are_distinct_and_each_rounds_down():
    for s in [*range(20), 357, 373]:  # 357 and 373 drew the same row twice before this was fixed
        (case,) = EXERCISES["check_output_size"].cases(True, f"secret {s}")
        rows = [tuple(int(v) for v in row) for row in case["nfsp"]]
        assert rows[:5] == [(5, 5, 1, 0), (6, 1, 4, 0), (9, 2, 4, 1), (4, 3, 2, 3), (10, 4, 1, 2)]
        assert len(set(rows)) == len(rows) == 11
        for n, f, stride, p in rows[5:]:
            assert 4 <= n <= 39 and 1 <= f <= 7 and 2 <= stride <= 4 and 1 <= p <= 3
            assert f <= n + 2 * p and (n + 2 * p - f) % stride  # the floor drops a remainder


XP = RNG.integers(1, 10, size=(3, 5)).astype(float)


@pytest.mark.parametrize("out, hint", [
    (np.pad(XP, 2, mode="edge"), "The border repeats the edge pixels: padding adds zeros."),
    (np.pad(XP, ((0, 4), (0, 4))), "The image sits in the top-left corner: put p zeros before it too, so that "
     "it starts at row p and column p."),
    (np.pad(XP, ((4, 0), (4, 0))), "The image sits in the bottom-right corner: p zeros go on each side, so "
     "that it starts at row p and column p."),
    (np.pad(XP, 2, mode="reflect"), "The border mirrors the image: padding adds zeros."),
    (np.pad(XP, ((2, 0), (2, 0))), "Only one side was padded: add p zeros on the top AND the bottom, on the "
     "left AND the right."),
    (np.pad(XP, ((2, 2), (0, 0))), "Only the rows were padded: pad the columns (left and right) as well."),
    (np.pad(XP, ((0, 0), (2, 2))), "Only the columns were padded: pad the rows (top and bottom) as well."),
    (np.pad(XP, 4), "That is 2p on each side: p zeros per side give H + 2p."),
    (XP, "The shape did not change: did you return x itself?"),
])
def test_zero_pad_mistakes_get_their_hint(out, hint):
    assert verdict("check_zero_pad", {"x": XP, "p": 2}, {"y": out, "changed": False}).endswith(" " + hint)


def test_zero_pad_right_answers_edits_and_borders_as_wide_as_the_image():
    case = {"x": XP, "p": 2}
    assert verdict("check_zero_pad", case, {"y": np.pad(XP, 2), "changed": False}) is None
    assert verdict("check_zero_pad", case, {"y": np.pad(XP, 2), "changed": True}) == (
        "zero_pad(x of shape (3, 5), p=2) changed its input x: build a new array instead.")
    wide = {"x": XP, "p": 3}  # as wide as the image's height: no mirrored border to compare with
    assert verdict("check_zero_pad", wide, {"y": np.pad(XP, 3, mode="edge"), "changed": False}).endswith(
        "The border repeats the edge pixels: padding adds zeros.")
    assert verdict("check_zero_pad", {"x": XP, "p": 0}, {"y": XP[:, :4], "changed": False}) == (
        "zero_pad(x of shape (3, 5), p=0): output shape (3, 4), expected (3, 5).")


def test_zero_pad_cases():
    public = EXERCISES["check_zero_pad"].cases()
    assert [(c["x"].shape, c["p"]) for c in public] == [((3, 3), 1), ((4, 5), 2)]
    cases = hidden("check_zero_pad", 30)
    assert all(c["p"] == 0 for c in cases[::4]) and {c["p"] for i, c in enumerate(cases) if i % 4} == {1, 2, 3}
    assert {n for c in cases for n in c["x"].shape} == set(range(1, 7))
    assert all(c["x"].shape[0] != c["x"].shape[1] for c in cases)
    values = np.concatenate([c["x"].ravel() for c in public + cases])
    assert set(values.tolist()) == set(range(1, 10))


XS, KS = RNG.integers(-4, 5, size=(5, 8)).astype(float), np.array([[2.0, -1.0, 0.0], [1.0, 1.0, -2.0]])


@pytest.mark.parametrize("x_shape, k_shape, stride, padding, shape, hint", [
    ((5, 8), (2, 3), 2, 1, (6, 8), "That is the stride-1 output: move the window `stride` pixels at a time "
     "(output row i starts at row i * stride)."),
    ((5, 8), (2, 3), 2, 1, (2, 3), "That is the output without padding (or with p zeros on one side only): pad "
     "x with p zeros on every side first."),
    ((5, 8), (2, 3), 2, 1, (4, 5), "One position too many: a window must fit inside the padded input, so the "
     "count rounds down."),
    ((7, 9), (2, 3), 3, 2, (3, 3), "One position too few: there are floor((n + 2p - f) / s) + 1 positions, "
     "counting the first."),
    ((5, 6), (1, 2), 2, 4, (5, 5), "Only one side was padded: p zeros go on every side."),
    ((5, 6), (1, 2), 2, 4, (6, 6), "One position too few"),
    ((5, 6), (1, 2), 2, 4, (13, 13), "That is the stride-1 output"),
    ((5, 6), (1, 2), 2, 4, (3, 3), "That is the output without padding"),
])
def test_strided_conv_wrong_shapes_get_their_hint(x_shape, k_shape, stride, padding, shape, hint):
    case = {"x": np.ones(x_shape), "k": np.ones(k_shape), "stride": stride, "padding": padding}
    text = verdict("check_strided_conv", case, {"y": np.zeros(shape)})
    assert f"output shape {shape}" in text and hint in text.split(".", 1)[1]


def test_strided_conv_mistakes_get_their_hint():
    case = {"x": XS, "k": KS, "stride": 2, "padding": 1}
    assert verdict("check_strided_conv", case, {"y": xcorr(XS, KS, 2, 1)}) is None
    assert verdict("check_strided_conv", case, {"y": xcorr(XS, KS[::-1, ::-1], 2, 1)}).endswith(
        " The kernel was flipped: slide it as it is (cross-correlation, as in a CNN layer).")
    assert verdict("check_strided_conv", case, {"y": xcorr(np.pad(XS, ((0, 2), (0, 2))), KS, 2)}).endswith(
        " The zeros all went on the bottom/right: pad p on every side.")


def test_strided_conv_cases():
    public = EXERCISES["check_strided_conv"].cases()
    assert [(c["x"].shape, c["k"].shape, c["stride"], c["padding"]) for c in public] == [
        ((7, 7), (3, 3), 1, 0), ((7, 7), (3, 3), 2, 1), ((8, 8), (3, 3), 2, 0)]
    cases = hidden("check_strided_conv", 25)
    assert [(c["x"].shape, c["k"].shape, c["stride"], c["padding"]) for c in cases[:4]] == [
        ((5, 8), (2, 3), 2, 0), ((9, 7), (2, 2), 3, 1), ((3, 4), (1, 1), 2, 2), ((4, 3), (4, 3), 2, 0)]
    drawn = [c for i, c in enumerate(cases) if i % 8 >= 4]
    assert {n for c in drawn for n in c["x"].shape} == set(range(4, 10))
    assert {n for c in drawn for n in c["k"].shape} == set(range(1, 5))
    assert all(c["x"].shape[0] != c["x"].shape[1] and c["k"].shape[0] != c["k"].shape[1] for c in drawn)
    assert {c["stride"] for c in drawn} == {2, 3} and {c["padding"] for c in drawn} == {1, 2}
    assert set(np.concatenate([c["x"].ravel() for c in cases]).tolist()) == set(range(-4, 5))
    assert set(np.concatenate([c["k"].ravel() for c in cases]).tolist()) == set(range(-2, 3))


# ----- chapter 3: max pooling forward and backward, global average pooling

def pooled(pool, x, k, s):
    return pool(torch.tensor(x)[None, None], k, s)[0, 0].numpy()


def max_pool_grad(grad_output, x, k, s):
    """torch's gradient of max pooling (each window's first maximum gets it)."""
    t = torch.tensor(x, requires_grad=True)
    functional.max_pool2d(t[None, None], k, s)[0, 0].backward(torch.tensor(grad_output))
    return t.grad.numpy()


def routed(grad_output, x, k, s, pick, add=True):
    """grad_output routed to the positions ``pick(window)`` (a boolean mask) of each window."""
    grad = np.zeros_like(x)
    for i in range(grad_output.shape[0]):
        for j in range(grad_output.shape[1]):
            window = (slice(i * s, i * s + k), slice(j * s, j * s + k))
            mask = pick(x[window])
            if add:
                grad[window] += mask * grad_output[i, j]
            else:
                grad[window][mask] = grad_output[i, j]
    return grad


def first_max(window):
    mask = np.zeros(window.shape, dtype=bool)
    mask.flat[np.argmax(window)] = True
    return mask


def last_max(window):
    mask = np.zeros(window.shape, dtype=bool)
    mask.flat[window.size - 1 - np.argmax(window.ravel()[::-1])] = True
    return mask


XM = np.array([[3, 1, 3, 0, 2], [1, 3, 0, 2, 2], [0, 2, 5, 1, 0], [2, 0, 5, 3, 1]], dtype=float)  # ties
HM = 5 - XM


@pytest.mark.parametrize("x, k, s, out, hint", [
    (XM, 2, 1, pooled(functional.avg_pool2d, XM, 2, 1), "You took the average, not the max: keep the largest "
     "value of each window."),
    (XM, 2, 1, -pooled(functional.max_pool2d, -XM, 2, 1), "You took the minimum: keep the largest value of each "
     "window."),
    (XM[:, :4], 2, 2, pooled(functional.max_pool2d, XM[:, :4], 2, 2).T, SWAPPED),  # a square output
    (HM.T, 3, 2, np.zeros((3, 2)), "The window moved one cell at a time: move it by the stride, s=2 cells "
     "(output row i starts at input row i * s)."),
    (HM.T, 3, 2, np.zeros((1, 1)), "The stride differs from the window size here: the output has (H - k) // s + 1 "
     "rows and (W - k) // s + 1 columns."),
    (HM.T, 2, 1, np.zeros((3, 4)), SWAPPED),
    (HM.T, 3, 2, np.zeros((5, 4)), "That is the input's shape: pooling shrinks it to ((H - k) // s + 1, "
     "(W - k) // s + 1)."),
])
def test_max_pool_mistakes_get_their_hint(x, k, s, out, hint):
    case = {"x": x, "k": k, "s": s}
    assert verdict("check_max_pool", case, {"y": out}).endswith(" " + hint)
    assert verdict("check_max_pool", case, {"y": pooled(functional.max_pool2d, x, k, s)}) is None


GRAD = np.arange(1.0, 13.0).reshape(3, 4) % 5 + 1  # for XM's 2x2 windows, stride 1


@pytest.mark.parametrize("out, hint", [
    (routed(GRAD, XM, 2, 1, lambda w: np.full(w.shape, 0.25)), "You spread the gradient evenly over the window, "
     "which is average pooling's gradient. For max pooling the gradient goes only to the position of the "
     "maximum; the other inputs did not affect the output."),
    (routed(np.ones((3, 4)), XM, 2, 1, first_max), "You marked the maxima with 1: each should receive "
     "grad_output[i, j], the gradient of the output it produced."),
    (routed(GRAD, XM, 2, 1, lambda w: w == w.max()), "Several inputs tie for the maximum of a window here: give "
     "the gradient to the first one only (the one np.argmax picks), as PyTorch does."),
    (routed(GRAD, XM, 2, 1, last_max), "Several inputs tie for the maximum of a window here: give the gradient "
     "to the first one only (the one np.argmax picks), as PyTorch does, not the last."),
    (routed(GRAD, XM, 2, 1, first_max, add=False), "The windows overlap here, so one input can be the maximum "
     "of several windows: add up the gradients it receives (+=) instead of overwriting them."),
    (np.zeros((3, 4)), "The gradient with respect to x has the shape of x, not of the pooled output."),
])
def test_max_pool_backward_mistakes_get_their_hint(out, hint):
    case = {"x": XM, "k": 2, "s": 1, "grad_output": GRAD}
    assert verdict("check_max_pool_backward", case, {"grad": out}).endswith(" " + hint)
    assert verdict("check_max_pool_backward", case, {"grad": max_pool_grad(GRAD, XM, 2, 1)}) is None


XG = RNG.integers(-5, 10, size=(2, 3, 4, 5)).astype(float)


@pytest.mark.parametrize("out, hint", [
    (XG.sum(axis=(2, 3)), "You summed each map: divide by the number of positions, H * W."),
    (XG.max(axis=(2, 3)), "That is global max pooling: take the mean of each map."),
    (XG.mean(axis=(1, 2, 3)), "You averaged over the channels too: each channel keeps its own mean."),
    (XG.mean(axis=1), "You averaged over the channels (axis 1): average over the two spatial axes (2 and 3) "
     "instead."),
    (XG.mean(axis=0), "You averaged over the batch (axis 0): average over axes 2 and 3."),
    (XG.mean(axis=(0, 2, 3)), "You averaged over the batch as well: each image keeps its own means."),
])
def test_global_avg_pool_mistakes_get_their_hint(out, hint):
    assert verdict("check_global_avg_pool", {"x": XG}, {"y": out}).endswith(" " + hint)
    assert verdict("check_global_avg_pool", {"x": XG}, {"y": XG.mean(axis=(2, 3))}) is None
    assert verdict("check_global_avg_pool", {"x": XG}, {"y": XG.mean(axis=(2, 3), keepdims=True)}) == (
        "global_avg_pool(x of shape (2, 3, 4, 5)): output shape (N, C, 1, 1) = (2, 3, 1, 1); the values may be "
        "right, but return shape (N, C): drop the two axes of size 1.")


def test_pooling_cases():
    grid = [[35, 19, 25, 6], [13, 22, 16, 63], [4, 3, 7, 10], [9, 8, 1, 3]]
    public = EXERCISES["check_max_pool"].cases()
    assert [(c["x"].tolist() == grid, c["x"].shape, c["k"], c["s"]) for c in public] == [
        (True, (4, 4), 2, 2), (True, (4, 4), 2, 1), (False, (5, 5), 3, 2)]
    backward = EXERCISES["check_max_pool_backward"].cases()
    assert [(c["x"].shape, c["k"], c["s"], c["grad_output"].shape) for c in backward] == [
        ((4, 4), 2, 2, (2, 2)), ((5, 5), 3, 1, (3, 3))]
    cases = hidden("check_max_pool", 25)
    assert [(c["x"].shape, c["k"], c["s"]) for c in cases[:5]] == [
        ((3, 5), 2, 1), ((5, 7), 2, 3), ((3, 4), 1, 1), ((6, 5), 3, 2), ((2, 3), 2, 2)]
    assert all(c["x"].max() < 0 for c in cases[::9]) and cases[0]["x"].min() >= -19
    drawn = [c for i, c in enumerate(cases) if i % 9 >= 5]
    assert {n for c in drawn for n in c["x"].shape} == set(range(4, 10))
    assert all(c["x"].shape[0] != c["x"].shape[1] for c in drawn)
    assert {(c["k"], c["s"]) for c in drawn} == {(2, 1), (2, 2), (3, 1), (3, 2), (3, 3)}
    values = np.concatenate([c["x"].ravel() for i, c in enumerate(cases) if i % 9])
    assert set(values.tolist()) == set(range(-4, 10))
    for c in hidden("check_max_pool_backward", 10):
        assert c["grad_output"].shape == pooled(functional.max_pool2d, c["x"], c["k"], c["s"]).shape
        assert set(c["grad_output"].ravel().tolist()) <= {1, 2, 3, 4, 5}
    assert len(hidden("check_max_pool_backward", 1)) == 8


def test_global_avg_pool_cases():
    (public,) = EXERCISES["check_global_avg_pool"].cases()
    assert public["x"].shape == (2, 3, 4, 4)
    cases = hidden("check_global_avg_pool", 25)
    assert [c["x"].shape for c in cases[:3]] == [(1, 3, 2, 5), (4, 1, 1, 1), (2, 2, 3, 1)]
    drawn = [c for i, c in enumerate(cases) if i % 6 >= 3]
    assert {n for c in drawn for n in c["x"].shape[:2]} == {1, 2, 3, 4}
    assert {n for c in drawn for n in c["x"].shape[2:]} == set(range(2, 7))
    assert all(c["x"].shape[2] != c["x"].shape[3] for c in drawn)
    assert set(np.concatenate([c["x"].ravel() for c in cases]).tolist()) == set(range(-5, 10))
