"""Checks for chapter 6's exercises: inverted dropout, batch normalization in training mode with
its running statistics, and the padded random crop of data augmentation."""

import numpy as np

from ..functional import batch_norm, dropout
from .convolution import distinct_pair
from .exercise import Exercise, to_plain
from .feedback import ExerciseFailed, as_number_array, compare_arrays, type_name

_isclose = np.isclose


# -- inverted dropout ------------------------------------------------------------------------------------
def _dropout_case(seed, shape, p, training):
    x = np.random.default_rng(seed + 50).uniform(1.0, 5.0, size=shape).round(2)
    return {"x": x, "p": float(p), "seed": int(seed), "training": bool(training)}


def _over(values, p):
    """values / p, with no warning at p = 0 (a wrong answer's division, for a hint)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return values / p


def _dropout_name(case):
    return (f"dropout(x of shape {case['x'].shape}, p={case['p']:g}, rng=np.random.default_rng("
            f"{case['seed']}), training={case['training']})")


def _dropout_tie(seed, shape, training=True):
    """A case whose p equals one of the drawn numbers exactly, so that u > p and u >= p differ."""
    u = np.random.default_rng(seed).random(shape)
    return _dropout_case(seed, shape, float(np.sort(u.ravel())[u.size // 2]), training)


def _dropout_edges():
    """p = 0 (nothing dropped), a tie u == p, batch 1 of several channels, evaluation with p > 0."""
    return [_dropout_case(3, (1, 3, 4), 0.0, True), _dropout_tie(4, (2, 3, 5)), _dropout_tie(5, (6,)),
            _dropout_case(6, (3, 2), 0.7, False), _dropout_case(7, (5, 4), 0.3, True)]


def _dropout_hidden(rng):
    cases = _dropout_edges()
    for training in (True, True, True, False):
        shape = tuple(int(n) for n in rng.integers(2, 7, size=int(rng.integers(1, 4))))
        cases.append(_dropout_case(int(rng.integers(0, 10_000)), shape, round(float(rng.uniform(0.1, 0.8)), 2),
                                   training))
    return cases


def _dropout_run(learner, case):
    rng = np.random.default_rng(case["seed"])
    return {"y": learner(0, case["x"], case["p"], rng, case["training"], name=_dropout_name(case))}


def _dropout_compare(case, out):
    x, p, training, name = case["x"], case["p"], case["training"], _dropout_name(case)
    expected = dropout(x, p, training=training, rng=np.random.default_rng(case["seed"]))
    u = np.random.default_rng(case["seed"]).random(x.shape)
    keep, inverse = u >= p, u < p
    if not training:
        wrong = [(x * keep / (1 - p), "With training=False (evaluation) dropout does nothing: return x "
                  "unchanged, without drawing random numbers."),
                 (x * (1 - p), "At evaluation inverted dropout is the identity: the kept values were "
                  "already scaled by 1 / (1 - p) during training, so return x unchanged.")]
    else:
        wrong = [(x, "That is x unchanged: with training=True drop each value where u < p (u = "
                  "rng.random(x.shape)) and divide the others by 1 - p."),
                 (x * keep, "You dropped the right values but did not scale the kept ones: divide them "
                  "by 1 - p, so that each value's expected output equals its input."),
                 (x * keep * (1 - p), "You multiplied the kept values by 1 - p; inverted dropout divides "
                  "them by 1 - p during training (and then does nothing at evaluation)."),
                 (_over(x * keep, p), "Divide by the probability of keeping a value, 1 - p, not by p."),
                 (x * (u > p) / (1 - p), "Keep x where u >= p, not u > p: a number drawn exactly equal to "
                  "p is kept (a value is dropped with probability p: where u < p)."),
                 (x * inverse / (1 - p), "You kept the values where u < p, that is with probability p: "
                  "p is the probability of dropping, so keep them where u >= p."),
                 (_over(x * inverse, p), "You kept the values where u < p, that is with probability p: p is "
                  "the probability of dropping, so keep them where u >= p and divide by 1 - p.")]
        got = as_number_array(out["y"], name)
        if got.shape == x.shape and not _isclose(got, expected, atol=1e-6, rtol=0).all():
            scaled = _isclose(got, x / (1 - p), atol=1e-6, rtol=0)
            if (scaled | (got == 0)).all() and scaled.any() and not any(
                    _isclose(got, w, atol=1e-6, rtol=0).all() for w, _ in wrong):
                raise ExerciseFailed(
                    f"{name}: the kept values are scaled right, but other values were dropped than "
                    "expected. Draw the random numbers once, u = rng.random(x.shape), from the rng you "
                    "are given (not np.random, not a new generator), and keep x where u >= p.")
    compare_arrays(out["y"], expected, name, wrong_answers=wrong)


DROPOUT = Exercise(
    "dropout", ("dropout",),
    public=lambda: [_dropout_case(1, (3, 6), 0.2, True), _dropout_case(0, (4, 5), 0.5, True),
                    _dropout_case(2, (2, 4), 0.5, False)],
    hidden=_dropout_hidden,
    run=_dropout_run,
    compare=_dropout_compare,
    success="dropout is correct. Well done!",
)


def check_dropout(student_dropout, hidden=False):
    """Check ``dropout(x, p, rng, training)``: draw ``u = rng.random(x.shape)``, keep x where
    ``u >= p``, divide the kept values by 1 - p; with ``training=False`` return x unchanged."""
    return DROPOUT.check(student_dropout, hidden=hidden)


# -- batch normalization in training mode ---------------------------------------------------------------
BN_MOMENTUM, BN_EPS = 0.1, 1e-3


def _bn_case(rng, shape, momentum=BN_MOMENTUM, eps=BN_EPS, scale=3.0):
    c = shape[1]
    return {"x": rng.normal(2.0, scale, size=shape).round(2), "running_mean": rng.normal(size=c).round(2),
            "running_var": rng.uniform(0.5, 2.0, size=c).round(2), "gamma": rng.uniform(0.5, 2.0, size=c).round(2),
            "beta": rng.normal(size=c).round(2), "momentum": float(momentum), "eps": float(eps)}


# Edges (shape, momentum, eps, scale of x): batch 1, an eps as large as the variance, momentum 0 and 1,
# one channel of a 1 x 3 map.
BN_EDGES = [((1, 3, 2, 3), 0.3, 1e-5, 3.0), ((4, 2, 3, 2), 0.0, 0.5, 0.5), ((3, 1, 1, 3), 1.0, 1e-3, 3.0)]


def _bn_hidden(rng):
    edges = [_bn_case(rng, *edge) for edge in BN_EDGES]
    return edges + [_bn_case(rng, (int(rng.integers(2, 6)), int(rng.integers(1, 5)), *distinct_pair(rng, 2, 5)),
                             float(rng.choice([0.05, 0.2, 0.5])), float(rng.choice([1e-5, 1e-2, 0.1])))
                    for _ in range(3)]


def _bn_name(case):
    return (f"batch_norm_train(x of shape {case['x'].shape}, ..., momentum={case['momentum']:g}, "
            f"eps={case['eps']:g})")


def _bn_run(learner, case):
    got = learner.raw(0, case["x"], case["running_mean"], case["running_var"], case["gamma"], case["beta"],
                      case["momentum"], case["eps"], name=_bn_name(case))
    if type(got) in (tuple, list) and len(got) == 3:
        return {"out": to_plain(got[0]), "mean": to_plain(got[1]), "var": to_plain(got[2])}
    return {"returned": to_plain(got)}


def _bn_compare(case, out):
    x, mean, var, gamma, beta = (case[k] for k in ("x", "running_mean", "running_var", "gamma", "beta"))
    name, m, eps = _bn_name(case), case["momentum"], case["eps"]
    if "returned" in out:
        raise ExerciseFailed(f"{name} should return three things, (out, new_running_mean, new_running_var); "
                             f"it returned {type_name(out['returned'])}.")
    n, c, h, w = x.shape
    new_mean, new_var = mean.copy(), var.copy()
    expected = batch_norm(x, new_mean, new_var, gamma, beta, training=True, momentum=m, eps=eps)
    axes, count = (0, 2, 3), n * h * w
    batch_mean, biased, unbiased = x.mean(axis=axes), x.var(axis=axes), x.var(axis=axes, ddof=1)
    centred = x - batch_mean[:, None, None]

    def affine(normalized):
        return gamma[:, None, None] * normalized + beta[:, None, None]

    compare_arrays(out["out"], expected, name + " -> out", wrong_answers=[
        (affine(centred / np.sqrt(unbiased[:, None, None] + eps)), "Normalize with the biased batch "
         f"variance, the mean of the squared deviations (divide by M = N * H * W = {count}); only the "
         "running variance uses the unbiased one."),
        (affine(centred / np.sqrt(biased[:, None, None])), "Add eps inside the square root: "
         "(x - mean) / sqrt(var + eps)."),
        (affine(centred / (np.sqrt(biased[:, None, None]) + eps)), "eps goes inside the square root: "
         "(x - mean) / sqrt(var + eps), not / (sqrt(var) + eps)."),
        (centred / np.sqrt(biased[:, None, None] + eps), "You normalized but forgot the scale and shift: "
         "multiply by gamma and add beta, channel by channel."),
        (affine((x - mean[:, None, None]) / np.sqrt(var[:, None, None] + eps)), "In training mode "
         "normalize with the statistics of the current batch, not the running ones (those are for "
         "evaluation)."),
        (affine((x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)), "You computed a mean and a "
         "variance per position (over axis 0 only): batch normalization after a convolution has one "
         "mean and one variance per channel, over axes 0, 2 and 3 (the batch and every position)."),
        (affine((x - x.mean()) / np.sqrt(x.var() + eps)), "You computed one mean and variance over the "
         "whole batch: each channel has its own, over axes 0, 2 and 3."),
    ])
    fixed = [] if m == BN_MOMENTUM else [(0.9 * mean + 0.1 * batch_mean, "Use the momentum argument "
                                          f"({m:g} here), not a fixed 0.1.")]
    compare_arrays(out["mean"], new_mean, name + " -> new_running_mean", wrong_answers=fixed + [
        (m * mean + (1 - m) * batch_mean, "momentum weighs the new batch: running = (1 - momentum) * "
         "running + momentum * batch_mean."),
        (batch_mean, "That is the batch mean itself: blend it into the running mean, (1 - momentum) * "
         "running_mean + momentum * batch_mean."),
    ], shape_hints={(1, c, 1, 1): "Return one value per channel, shape (C,): average without "
                    "keepdims, or reshape the result with .reshape(-1)."})
    compare_arrays(out["var"], new_var, name + " -> new_running_var", wrong_answers=[
        ((1 - m) * var + m * biased, "PyTorch updates the running variance with the unbiased batch "
         f"variance, the sum of squared deviations / (M - 1) with M = {count} values per channel "
         "(np.var(..., ddof=1)), even though it normalizes with the biased one."),
        (m * var + (1 - m) * unbiased, "momentum weighs the new batch: running = (1 - momentum) * "
         "running + momentum * batch_var."),
        ((1 - m) * var + m * np.sqrt(unbiased), "Blend the variance into the running variance, not the "
         "standard deviation."),
    ], shape_hints={(1, c, 1, 1): "Return one value per channel, shape (C,): compute the variance "
                    "without keepdims, or reshape the result with .reshape(-1)."})


BATCH_NORM_TRAIN = Exercise(
    "batch_norm_train", ("batch_norm_train",),
    public=lambda: [_bn_case(np.random.default_rng(3), shape) for shape in ((4, 3, 2, 2), (2, 2, 3, 3))]
    + [_bn_case(np.random.default_rng(4), (2, 3, 2, 4), momentum=0.5, eps=0.01)],
    hidden=_bn_hidden,
    run=_bn_run,
    compare=_bn_compare,
    success="batch_norm_train is correct. Well done!",
)


def check_batch_norm_train(student_batch_norm, hidden=False):
    """Check ``batch_norm_train(x, running_mean, running_var, gamma, beta, momentum, eps)`` for x
    (N, C, H, W) -> ``(out, new_running_mean, new_running_var)``, as PyTorch in training mode."""
    return BATCH_NORM_TRAIN.check(student_batch_norm, hidden=hidden)


# -- pad and crop (data augmentation) -------------------------------------------------------------------
def _crop_case(rng, shape, padding, top, left):
    return {"image": rng.uniform(0.1, 1.0, size=shape).round(2), "padding": padding, "top": top, "left": left}


# Edges (C, H, W, padding, top, left): no padding, every corner of the offsets' range 0..2p.
CROP_EDGES = [(2, 3, 5, 0, 0, 0), (1, 4, 3, 2, 0, 4), (3, 5, 4, 1, 2, 0), (2, 4, 6, 3, 6, 6)]


def _crop_hidden(rng):
    cases = [_crop_case(rng, (c, h, w), p, top, left) for c, h, w, p, top, left in CROP_EDGES]
    for _ in range(3):
        shape = (int(rng.integers(1, 4)), *distinct_pair(rng, 4, 8))
        padding = int(rng.integers(1, 4))
        top, left = distinct_pair(rng, 0, 2 * padding)
        cases.append(_crop_case(rng, shape, padding, top, left))
    return cases


def _crop_name(case):
    return (f"pad_and_crop(image of shape {case['image'].shape}, padding={case['padding']}, "
            f"top={case['top']}, left={case['left']})")


def _crop_compare(case, out):
    image, p, top, left = case["image"], case["padding"], case["top"], case["left"]
    c, h, w = image.shape
    spatial = ((0, 0), (p, p), (p, p))
    padded, edge = np.pad(image, spatial), np.pad(image, spatial, mode="edge")
    one_side = np.pad(image, ((0, 0), (0, 2 * p), (0, 2 * p)))
    swapped = np.pad(image, ((0, 0), (2 * p, 2 * p), (2 * p, 2 * p)))[:, p + left:p + left + h, p + top:p + top + w]
    compare_arrays(out["y"], padded[:, top:top + h, left:left + w], _crop_name(case), wrong_answers=[
        (swapped, "top counts rows (axis 1) and left counts columns (axis 2): you swapped them."),
        (edge[:, top:top + h, left:left + w], "Pad with zeros: you repeated the border pixels "
         "(mode='edge'); np.pad's default mode='constant' adds zeros."),
        (one_side[:, top:top + h, left:left + w], f"Pad {p} pixels on every side (top and bottom, left "
         "and right), not 2 * padding at the bottom and right only."),
    ], shape_hints={
        (c, h + 2 * p, w + 2 * p): "That is the padded image: cut the H x W window starting at (top, left) "
        "out of it.",
        (c + 2 * p, h + 2 * p, w + 2 * p): "Pad only the two spatial axes, not the channels: "
        "np.pad(image, ((0, 0), (p, p), (p, p))).",
        (c + 2 * p, h, w): "Pad only the two spatial axes, not the channels: np.pad(image, ((0, 0), "
        "(p, p), (p, p))).",
        (h, w): "Keep the channel axis: the result has the shape of the image, (C, H, W).",
    })


PAD_AND_CROP = Exercise(
    "pad_and_crop", ("pad_and_crop",),
    public=lambda: [_crop_case(np.random.default_rng(1), (1, 5, 5), 1, 0, 2),
                    _crop_case(np.random.default_rng(2), (3, 4, 6), 2, 3, 1)],
    hidden=_crop_hidden,
    run=lambda learner, case: {"y": learner(0, case["image"], case["padding"], case["top"], case["left"],
                                            name=_crop_name(case))},
    compare=_crop_compare,
    success="pad_and_crop is correct. Well done!",
)


def check_pad_and_crop(student_crop, hidden=False):
    """Check ``pad_and_crop(image, padding, top, left)``: image (C, H, W) padded with ``padding`` zeros
    on each side of H and W, then the H x W window at row ``top``, column ``left`` of the padded image."""
    return PAD_AND_CROP.check(student_crop, hidden=hidden)
