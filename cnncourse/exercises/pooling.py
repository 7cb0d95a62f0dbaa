"""Checks for chapter 3's exercises: max pooling forward and backward, global average pooling."""

import numpy as np

from ..functional import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from .convolution import distinct_pair
from .exercise import Exercise
from .feedback import ExerciseFailed, compare_arrays

# The lecture's 4x4 example (iii) and its 5x5 example, whose windows hold tied maxima.
SEED_GRID = np.array([[35, 19, 25, 6], [13, 22, 16, 63], [4, 3, 7, 10], [9, 8, 1, 3]], dtype=float)
SEED_5X5 = np.array([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2],
                     [2, 0, 0, 0, 1]], dtype=float)


def _pool(pool, x, k, s):
    return pool(x[None], k, s)[0]


def _grid(rng, shape, low=-4):
    """Whole numbers from ``low`` to 9, so that windows often hold tied maxima."""
    return rng.integers(low, 10, size=shape).astype(float)


# Edges (H, W, k, s, lowest value): every value negative, a stride larger than the window (gaps),
# a 1x1 window, windows that leave rows and columns over, one window only.
WINDOW_EDGES = [(3, 5, 2, 1, -9), (5, 7, 2, 3, -4), (3, 4, 1, 1, -4), (6, 5, 3, 2, -4), (2, 3, 2, 2, -4)]


def _hidden_windows(rng, count):
    """The edges, then ``count`` cases ``{"x", "k", "s"}``: rectangles that are not square, windows that fit."""
    cases = [{"x": _grid(rng, (h, w), low) - (10 if low < -4 else 0), "k": k, "s": s}
             for h, w, k, s, low in WINDOW_EDGES]
    for _ in range(count):
        h, w = distinct_pair(rng, 4, 9)
        k = int(rng.integers(2, 4))
        cases.append({"x": _grid(rng, (h, w)), "k": k, "s": int(rng.integers(1, k + 1))})
    return cases


def _window_name(function, case):
    return f"{function}(x of shape {case['x'].shape}, k={case['k']}, s={case['s']})"


def _max_pool_compare(case, out):
    x, k, s = case["x"], case["k"], case["s"]
    (h, w) = x.shape
    compare_arrays(
        out["y"], _pool(max_pool2d, x, k, s), _window_name("max_pool", case),
        wrong_answers=[
            (_pool(avg_pool2d, x, k, s), "You took the average, not the max: keep the largest "
             "value of each window."),
            (-_pool(max_pool2d, -x, k, s), "You took the minimum: keep the largest value of "
             "each window."),
            (_pool(max_pool2d, x, k, s).T, "Height and width are swapped."),
        ],
        shape_hints={
            (h - k + 1, w - k + 1): f"The window moved one cell at a time: move it by the "
            f"stride, s={s} cells (output row i starts at input row i * s).",
            (h // k, w // k): "The stride differs from the window size here: the output has "
            "(H - k) // s + 1 rows and (W - k) // s + 1 columns.",
            ((w - k) // s + 1, (h - k) // s + 1): "Height and width are swapped.",
            (h, w): "That is the input's shape: pooling shrinks it to "
            "((H - k) // s + 1, (W - k) // s + 1).",
        },
    )


MAX_POOL = Exercise(
    "max_pool", ("max_pool",),
    public=lambda: [{"x": grid.copy(), "k": k, "s": s}
                    for grid, k, s in [(SEED_GRID, 2, 2), (SEED_GRID, 2, 1), (SEED_5X5, 3, 2)]],
    hidden=lambda rng: _hidden_windows(rng, 4),
    run=lambda learner, case: {"y": learner(0, case["x"], case["k"], case["s"],
                                            name=_window_name("max_pool", case))},
    compare=_max_pool_compare,
    success="max_pool is correct. Well done!",
)


def check_max_pool(student_max_pool, hidden=False):
    """Check ``max_pool(x, k, s)``: x (H, W), k x k windows moved s cells, no padding."""
    return MAX_POOL.check(student_max_pool, hidden=hidden)


def _max_routing(grad_output, x, k, s, ties="first", add=True):
    """Max pooling's backward pass as plain loops, also in the usual wrong ways (for hints):
    ties="all" gives the gradient to every tied maximum, ties="last" to the last one, add=False
    overwrites instead of adding."""
    grad = np.zeros_like(x)
    for i in range(grad_output.shape[0]):
        for j in range(grad_output.shape[1]):
            window = x[i * s:i * s + k, j * s:j * s + k]
            if ties == "all":
                mask = window == window.max()
            elif ties == "last":
                mask = np.zeros(window.shape, dtype=bool)
                mask[np.unravel_index(window.size - 1 - np.argmax(window.ravel()[::-1]), window.shape)] = True
            else:
                mask = np.zeros(window.shape, dtype=bool)
                mask[np.unravel_index(np.argmax(window), window.shape)] = True
            target = grad[i * s:i * s + k, j * s:j * s + k]
            if add:
                target += mask * grad_output[i, j]
            else:
                target[mask] = grad_output[i, j]
    return grad


def _with_grad_output(rng, case):
    out_shape = _pool(max_pool2d, case["x"], case["k"], case["s"]).shape
    return {**case, "grad_output": rng.integers(1, 6, size=out_shape).astype(float)}


def _backward_public():
    rng = np.random.default_rng(0)
    return [_with_grad_output(rng, {"x": grid.copy(), "k": k, "s": s})
            for grid, k, s in [(SEED_GRID, 2, 2), (SEED_5X5, 3, 1)]]


def _backward_name(case):
    return (f"max_pool_backward(grad_output of shape {case['grad_output'].shape}, x of shape "
            f"{case['x'].shape}, k={case['k']}, s={case['s']})")


def _backward_compare(case, out):
    grad_output, x, k, s = case["grad_output"], case["x"], case["k"], case["s"]
    compare_arrays(
        out["grad"], max_pool2d_backward(grad_output[None], x[None], k, s)[0], _backward_name(case),
        wrong_answers=[
            (avg_pool2d_backward(grad_output[None], x[None], k, s)[0], "You spread the "
             "gradient evenly over the window, which is average pooling's gradient. For "
             "max pooling the gradient goes only to the position of the maximum; the other "
             "inputs did not affect the output."),
            (_max_routing(np.ones(grad_output.shape), x, k, s), "You marked the maxima with 1: each "
             "should receive grad_output[i, j], the gradient of the output it produced."),
            (_max_routing(grad_output, x, k, s, ties="all"), "Several inputs tie for the "
             "maximum of a window here: give the gradient to the first one only (the one "
             "np.argmax picks), as PyTorch does."),
            (_max_routing(grad_output, x, k, s, ties="last"), "Several inputs tie for the maximum of a "
             "window here: give the gradient to the first one only (the one np.argmax picks), as PyTorch "
             "does, not the last."),
            (_max_routing(grad_output, x, k, s, add=False), "The windows overlap here, so one "
             "input can be the maximum of several windows: add up the gradients it receives "
             "(+=) instead of overwriting them."),
        ],
        shape_hints={grad_output.shape: "The gradient with respect to x has the shape of x, not of "
                     "the pooled output."},
    )


MAX_POOL_BACKWARD = Exercise(
    "max_pool_backward", ("max_pool_backward",),
    public=_backward_public,
    hidden=lambda rng: [_with_grad_output(rng, case) for case in _hidden_windows(rng, 3)],
    run=lambda learner, case: {"grad": learner(0, case["grad_output"], case["x"], case["k"], case["s"],
                                               name=_backward_name(case))},
    compare=_backward_compare,
    success="max_pool_backward is correct. Well done!",
)


def check_max_pool_backward(student_backward, hidden=False):
    """Check ``max_pool_backward(grad_output, x, k, s)`` -> the gradient with respect to x, (H, W)."""
    return MAX_POOL_BACKWARD.check(student_backward, hidden=hidden)


def _gap_compare(case, out):
    x = case["x"]
    n, c, h, w = x.shape
    name = f"global_avg_pool(x of shape {x.shape})"
    got = out["y"]
    if type(got) is np.ndarray and got.shape == (n, c, 1, 1):
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


def _gap_cases(rng, shapes):
    return [{"x": rng.integers(-5, 10, size=shape).astype(float)} for shape in shapes]


# Edges: batch 1 with several channels on a 2 x 5 map, one channel of a 1 x 1 map, a 3 x 1 map.
GAP_EDGES = [(1, 3, 2, 5), (4, 1, 1, 1), (2, 2, 3, 1)]


def _gap_hidden(rng):
    shapes = GAP_EDGES + [(int(n), int(c), *distinct_pair(rng, 2, 6)) for n, c in rng.integers(1, 5, size=(3, 2))]
    return _gap_cases(rng, shapes)


GLOBAL_AVG_POOL = Exercise(
    "global_avg_pool", ("global_avg_pool",),
    public=lambda: _gap_cases(np.random.default_rng(1), [(2, 3, 4, 4)]),
    hidden=_gap_hidden,
    run=lambda learner, case: {"y": learner(0, case["x"], name=f"global_avg_pool(x of shape {case['x'].shape})")},
    compare=_gap_compare,
    success="global_avg_pool is correct. Well done!",
)


def check_global_avg_pool(student_gap, hidden=False):
    """Check ``global_avg_pool(x)``: x (N, C, H, W) -> (N, C), the mean of each channel's map."""
    return GLOBAL_AVG_POOL.check(student_gap, hidden=hidden)
