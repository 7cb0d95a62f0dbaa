"""Checks for chapter 6's exercises: inverted dropout, batch normalization in training mode with
its running statistics, and the padded random crop of data augmentation."""

import numpy as np

from ..functional import batch_norm, dropout
from .feedback import ExerciseFailed, call, compare_arrays


def check_dropout(student_dropout, hidden=False):
    """Check ``dropout(x, p, rng, training)``: draw ``u = rng.random(x.shape)``, keep x where
    ``u >= p``, scale the kept values by 1 / (1 - p); with ``training=False`` return x."""
    if hidden:
        cases = [((2, 3, 4), 0.3, True), ((10,), 0.75, True), ((3, 3), 0.0, True), ((2, 5), 0.4, False)]
    else:
        cases = [((4, 5), 0.5, True), ((3, 6), 0.2, True), ((2, 4), 0.5, False)]
    for number, (shape, p, training) in enumerate(cases):
        seed = 100 * hidden + number
        x = np.random.default_rng(seed + 50).uniform(1.0, 5.0, size=shape).round(2)
        name = f"dropout(x of shape {shape}, p={p}, rng=np.random.default_rng({seed}), training={training})"
        got = call(student_dropout, x.copy(), p, np.random.default_rng(seed), training, name=name)
        u = np.random.default_rng(seed).random(shape)
        keep, inverse = u >= p, u < p
        expected = dropout(x, p, training=training, rng=np.random.default_rng(seed))
        if not training:
            wrong = [(x * keep / (1 - p), "With training=False (evaluation) dropout does nothing: "
                      "return x unchanged, without drawing random numbers."),
                     (x * (1 - p), "At evaluation inverted dropout is the identity: the kept values were "
                      "already scaled by 1 / (1 - p) during training, so return x unchanged.")]
        else:
            wrong = [(x * keep, "You dropped the right values but did not scale the kept ones: divide "
                      "them by 1 - p, so that each value's expected output equals its input."),
                     (x * keep * (1 - p), "You multiplied the kept values by 1 - p; inverted dropout "
                      "divides them by 1 - p during training (and then does nothing at evaluation)."),
                     (x * keep / max(p, 1e-12), "Divide by the probability of keeping a value, 1 - p, "
                      "not by p."),
                     (x * inverse / (1 - p), "You kept the values where u < p, that is with probability "
                      "p: p is the probability of dropping, so keep them where u >= p."),
                     (x * inverse / max(p, 1e-12), "You kept the values where u < p, that is with "
                      "probability p: p is the probability of dropping, so keep them where u >= p and "
                      "divide by 1 - p.")]
        _hint_other_draws(got, x, p, expected, name, training)
        compare_arrays(got, expected, name, wrong_answers=wrong)
    return "dropout is correct. Well done!"


def _hint_other_draws(got, x, p, expected, name, training):
    """Right scaling, wrong positions: the random numbers were drawn some other way."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return
    if not training or got.shape != x.shape or np.allclose(got, expected):
        return
    kept = np.isclose(got, x / (1 - p))
    if np.all(kept | (got == 0)) and kept.any():
        raise ExerciseFailed(
            f"{name}: the kept values are scaled right, but other values were dropped than expected. "
            "Draw the random numbers once, u = rng.random(x.shape), from the rng you are given (not "
            "np.random and not a new generator), and keep x where u >= p.")


def _batch_norm_reference(x, mean, var, gamma, beta, momentum, eps):
    running_mean, running_var = mean.copy(), var.copy()
    out = batch_norm(x, running_mean, running_var, gamma, beta, training=True, momentum=momentum, eps=eps)
    return out, running_mean, running_var


def check_batch_norm_train(student_batch_norm, hidden=False):
    """Check ``batch_norm_train(x, running_mean, running_var, gamma, beta, momentum, eps)`` for x
    (N, C, H, W) -> ``(out, new_running_mean, new_running_var)``, as PyTorch in training mode."""
    shapes = [(3, 2, 4, 5), (6, 4, 2, 2), (2, 1, 3, 7)] if hidden else [(4, 3, 2, 2), (2, 2, 3, 3)]
    rng = np.random.default_rng(7 if hidden else 3)
    for shape in shapes:
        n, c, h, w = shape
        x = rng.normal(2.0, 3.0, size=shape).round(2)
        mean, var = rng.normal(size=c).round(2), rng.uniform(0.5, 2.0, size=c).round(2)
        gamma, beta = rng.uniform(0.5, 2.0, size=c).round(2), rng.normal(size=c).round(2)
        momentum, eps = 0.1, 1e-3
        name = f"batch_norm_train(x of shape {shape}, ...)"
        got = call(student_batch_norm, x.copy(), mean.copy(), var.copy(), gamma.copy(), beta.copy(), momentum,
                   eps, name=name)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise ExerciseFailed(f"{name} should return three things, (out, new_running_mean, "
                                 f"new_running_var); it returned {type(got).__name__}.")
        out, new_mean, new_var = _batch_norm_reference(x, mean, var, gamma, beta, momentum, eps)
        axes, count = (0, 2, 3), n * h * w
        batch_mean, biased, unbiased = x.mean(axis=axes), x.var(axis=axes), x.var(axis=axes, ddof=1)
        centred = x - batch_mean[:, None, None]

        def affine(normalized):
            return gamma[:, None, None] * normalized + beta[:, None, None]

        compare_arrays(got[0], out, name + " -> out", wrong_answers=[
            (affine(centred / np.sqrt(unbiased[:, None, None] + eps)), "Normalize with the biased batch "
             f"variance, the mean of the squared deviations (divide by M = N * H * W = {count}); only "
             "the running variance uses the unbiased one."),
            (affine(centred / np.sqrt(biased[:, None, None])), "Add eps inside the square root: "
             "(x - mean) / sqrt(var + eps)."),
            (affine(centred / (np.sqrt(biased[:, None, None]) + eps)), "eps goes inside the square root: "
             "(x - mean) / sqrt(var + eps), not / (sqrt(var) + eps)."),
            (centred / np.sqrt(biased[:, None, None] + eps), "You normalized but forgot the scale and "
             "shift: multiply by gamma and add beta, channel by channel."),
            (affine((x - mean[:, None, None]) / np.sqrt(var[:, None, None] + eps)), "In training mode "
             "normalize with the statistics of the current batch, not the running ones (those are for "
             "evaluation)."),
        ], shape_hints={})
        compare_arrays(got[1], new_mean, name + " -> new_running_mean", wrong_answers=[
            (momentum * mean + (1 - momentum) * batch_mean, "momentum weighs the new batch: running = "
             "(1 - momentum) * running + momentum * batch_mean."),
            (batch_mean, "That is the batch mean itself: blend it into the running mean, (1 - momentum) "
             "* running_mean + momentum * batch_mean."),
        ], shape_hints={(c, h, w): "One mean per channel: average over axes 0, 2 and 3 (the batch "
                        "and the positions), not over axis 0 only.",
                        (): "One mean per channel: average over axes 0, 2 and 3, not over every axis.",
                        (n, c): "Average over the batch too (axes 0, 2 and 3)."})
        compare_arrays(got[2], new_var, name + " -> new_running_var", wrong_answers=[
            ((1 - momentum) * var + momentum * biased, "PyTorch updates the running variance with the "
             f"unbiased batch variance, sum of squared deviations / (M - 1) with M = {count} values per "
             "channel (np.var(..., ddof=1)), even though it normalizes with the biased one."),
            (momentum * var + (1 - momentum) * unbiased, "momentum weighs the new batch: running = "
             "(1 - momentum) * running + momentum * batch_var."),
            ((1 - momentum) * var + momentum * np.sqrt(unbiased), "Blend the variance into the running "
             "variance, not the standard deviation."),
        ], shape_hints={(c, h, w): "One variance per channel: over axes 0, 2 and 3."})
    return "batch_norm_train is correct. Well done!"


def check_pad_and_crop(student_crop, hidden=False):
    """Check ``pad_and_crop(image, padding, top, left)``: image (C, H, W) padded with ``padding``
    zeros on each side of H and W, then the H x W window at row ``top``, column ``left`` of it."""
    if hidden:
        cases = [((3, 6, 5), 2, 0, 4), ((1, 8, 8), 1, 2, 2), ((2, 4, 7), 3, 5, 1)]
    else:
        cases = [((1, 5, 5), 1, 0, 2), ((3, 4, 6), 2, 3, 1)]
    rng = np.random.default_rng(11 if hidden else 1)
    for shape, p, top, left in cases:
        c, h, w = shape
        image = rng.uniform(0.1, 1.0, size=shape).round(2)
        name = f"pad_and_crop(image of shape {shape}, padding={p}, top={top}, left={left})"
        got = call(student_crop, image.copy(), p, top, left, name=name)
        spatial = ((0, 0), (p, p), (p, p))
        padded, edge = np.pad(image, spatial), np.pad(image, spatial, mode="edge")
        one_side = np.pad(image, ((0, 0), (0, 2 * p), (0, 2 * p)))
        compare_arrays(got, padded[:, top:top + h, left:left + w], name, wrong_answers=[
            (padded[:, left:left + h, top:top + w] if top + h <= h + 2 * p and left + w <= w + 2 * p
             and left + h <= h + 2 * p and top + w <= w + 2 * p else np.zeros(0),
             "top counts rows (axis 1) and left counts columns (axis 2): you swapped them."),
            (edge[:, top:top + h, left:left + w], "Pad with zeros: you repeated the border pixels "
             "(mode='edge'); np.pad's default mode='constant' adds zeros."),
            (one_side[:, top:top + h, left:left + w], f"Pad {p} pixels on every side (top and bottom, "
             "left and right), not 2 * padding at the bottom and right only."),
        ], shape_hints={
            (c, h + 2 * p, w + 2 * p): "That is the padded image: cut the H x W window starting at "
            "(top, left) out of it.",
            (c + 2 * p, h + 2 * p, w + 2 * p): "Pad only the two spatial axes, not the channels: "
            "np.pad(image, ((0, 0), (p, p), (p, p))).",
            (c + 2 * p, h, w): "Pad only the two spatial axes, not the channels: np.pad(image, "
            "((0, 0), (p, p), (p, p))).",
            (h, w): "Keep the channel axis: the result has the shape of the image, (C, H, W).",
        })
    return "pad_and_crop is correct. Well done!"
