"""Checks for chapter 3's exercises: max pooling forward and backward, global average pooling."""

import numpy as np

from ..functional import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from .feedback import ExerciseFailed, call, compare_arrays

# The lecture's 4x4 example (iii) and its 5x5 example, whose windows hold tied maxima.
SEED_GRID = np.array([[35, 19, 25, 6], [13, 22, 16, 63], [4, 3, 7, 10], [9, 8, 1, 3]], dtype=float)
SEED_5X5 = np.array([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2],
                     [2, 0, 0, 0, 1]], dtype=float)


def _pool(pool, x, k, s):
    return pool(x[None], k, s)[0]


def _random_grids(seed, shapes):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 10, size=shape).astype(float) for shape in shapes]


def check_max_pool(student_max_pool, hidden=False):
    """Check ``max_pool(x, k, s)``: x (H, W), k x k windows moved s cells, no padding."""
    if hidden:
        grids = _random_grids(3, [(5, 7), (6, 4), (9, 9), (7, 6)])
        cases = list(zip(grids, (3, 2, 3, 2), (2, 1, 3, 3)))
    else:
        cases = [(SEED_GRID, 2, 2), (SEED_GRID, 2, 1), (SEED_5X5, 3, 2)]
    for x, k, s in cases:
        name = f"max_pool(x of shape {x.shape}, k={k}, s={s})"
        got = call(student_max_pool, x.copy(), k, s, name=name)
        (h, w) = x.shape
        compare_arrays(
            got, _pool(max_pool2d, x, k, s), name,
            wrong_answers=[
                (_pool(avg_pool2d, x, k, s), "You took the average, not the max: keep the largest "
                 "value of each window."),
                (-_pool(max_pool2d, -x, k, s), "You took the minimum: keep the largest value of "
                 "each window."),
            ],
            shape_hints={
                (h - k + 1, w - k + 1): f"The window moved one cell at a time: move it by the "
                f"stride, s={s} cells (output row i starts at input row i * s).",
                (h // k, w // k): "The stride differs from the window size here: the output has "
                "(H - k) // s + 1 rows and (W - k) // s + 1 columns.",
                (w, h): "Height and width are swapped.",
                (h, w): "That is the input's shape: pooling shrinks it to "
                "((H - k) // s + 1, (W - k) // s + 1).",
            },
        )
    return "max_pool is correct. Well done!"


def _max_routing(grad_output, x, k, s, ties="first", add=True):
    """Max pooling's backward pass as plain loops, also in the usual wrong ways (for hints):
    ties="all" gives the gradient to every tied maximum, add=False overwrites instead of adding."""
    grad = np.zeros_like(x)
    for i in range(grad_output.shape[0]):
        for j in range(grad_output.shape[1]):
            window = x[i * s:i * s + k, j * s:j * s + k]
            if ties == "all":
                mask = window == window.max()
            else:
                mask = np.zeros(window.shape, dtype=bool)
                mask[np.unravel_index(np.argmax(window), window.shape)] = True
            target = grad[i * s:i * s + k, j * s:j * s + k]
            if add:
                target += mask * grad_output[i, j]
            else:
                target[mask] = grad_output[i, j]
    return grad


def check_max_pool_backward(student_backward, hidden=False):
    """Check ``max_pool_backward(grad_output, x, k, s)`` -> the gradient with respect to x, (H, W)."""
    if hidden:
        grids = _random_grids(4, [(5, 7), (6, 6), (7, 5)])
        cases = list(zip(grids, (3, 2, 3), (2, 1, 1)))
    else:
        cases = [(SEED_GRID, 2, 2), (SEED_5X5, 3, 1)]
    rng = np.random.default_rng(5 if hidden else 0)
    for x, k, s in cases:
        out_shape = _pool(max_pool2d, x, k, s).shape
        grad_output = rng.integers(1, 6, size=out_shape).astype(float)
        name = f"max_pool_backward(grad_output of shape {out_shape}, x of shape {x.shape}, k={k}, s={s})"
        got = call(student_backward, grad_output.copy(), x.copy(), k, s, name=name)
        compare_arrays(
            got, max_pool2d_backward(grad_output[None], x[None], k, s)[0], name,
            wrong_answers=[
                (avg_pool2d_backward(grad_output[None], x[None], k, s)[0], "You spread the "
                 "gradient evenly over the window, which is average pooling's gradient. For "
                 "max pooling the gradient goes only to the position of the maximum; the other "
                 "inputs did not affect the output."),
                (_max_routing(np.ones(out_shape), x, k, s), "You marked the maxima with 1: each "
                 "should receive grad_output[i, j], the gradient of the output it produced."),
                (_max_routing(grad_output, x, k, s, ties="all"), "Several inputs tie for the "
                 "maximum of a window here: give the gradient to the first one only (the one "
                 "np.argmax picks), as PyTorch does."),
                (_max_routing(grad_output, x, k, s, add=False), "The windows overlap here, so one "
                 "input can be the maximum of several windows: add up the gradients it receives "
                 "(+=) instead of overwriting them."),
            ],
            shape_hints={out_shape: "The gradient with respect to x has the shape of x, not of "
                         "the pooled output."},
        )
    return "max_pool_backward is correct. Well done!"


def check_global_avg_pool(student_gap, hidden=False):
    """Check ``global_avg_pool(x)``: x (N, C, H, W) -> (N, C), the mean of each channel's map."""
    rng = np.random.default_rng(6 if hidden else 1)
    shapes = [(3, 4, 5, 6), (1, 7, 3, 3), (2, 1, 4, 2)] if hidden else [(2, 3, 4, 4)]
    for shape in shapes:
        x = rng.integers(-5, 10, size=shape).astype(float)
        name = f"global_avg_pool(x of shape {shape})"
        got = call(student_gap, x.copy(), name=name)
        n, c, h, w = shape
        if np.shape(got) == (n, c, 1, 1):
            raise ExerciseFailed(f"{name}: output shape (N, C, 1, 1) = {(n, c, 1, 1)}; the values "
                                 "may be right, but return shape (N, C): drop the two axes of size 1.")
        compare_arrays(
            got, x.mean(axis=(2, 3)), name,
            wrong_answers=[
                (x.sum(axis=(2, 3)), "You summed each map: divide by the number of positions, H * W."),
                (x.max(axis=(2, 3)), "That is global max pooling: take the mean of each map."),
            ],
            shape_hints={
                (n,): "You averaged over the channels too: each channel keeps its own mean.",
                (n, h, w): "You averaged over the channels (axis 1): average over the two spatial "
                "axes (2 and 3) instead.",
                (c, h, w): "You averaged over the batch (axis 0): average over axes 2 and 3.",
                (c,): "You averaged over the batch as well: each image keeps its own means.",
            },
        )
    return "global_avg_pool is correct. Well done!"
