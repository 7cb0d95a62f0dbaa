"""Checks for chapter 4's exercises: ReLU and its derivative, a stable softmax, softmax's gradient."""

import numpy as np

from ..functional import relu, relu_grad, softmax, softmax_backward
from .feedback import ExerciseFailed, call, compare_arrays

# Taken when this module is imported, so a solution that replaces them cannot fool the checks.
_isfinite = np.isfinite
_array_equal = np.array_equal

RELU_INPUT = np.array([[-3.0, -0.5, 0.0], [0.5, 3.0, 100.0]])
SOFTMAX_INPUT = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])


def _call_keeping_input(function, x, name, *more):
    """Call the learner's function on a copy of x (and further arguments); fail if it edited x."""
    given = x.copy()
    got = call(function, given, *more, name=name)
    if not _array_equal(given, x):
        raise ExerciseFailed(f"{name} changed its input array x in place (e.g. x[x < 0] = 0 or "
                             "x -= ...). Leave x as it is and return a new array.")
    return got


def _check_finite(got, name):
    """Fail with the overflow hint when the result holds nan or inf."""
    try:
        values = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return  # compare_arrays explains a result that is not numbers
    if values.size and not _isfinite(values).all():
        row = int(np.argwhere(~_isfinite(values))[0][0]) if values.ndim > 1 else 0
        raise ExerciseFailed(
            f"{name}: the result holds nan or inf (first in row {row}). Overflow: subtract the "
            "max before exp. In floating point e^1000 is inf (and e^-1000 is 0), so the division "
            "gives inf / inf (or 0 / 0) = nan. Subtracting each row's own maximum, "
            "x - x.max(axis=1, keepdims=True), changes nothing mathematically."
        )


def _random_inputs(seed, shape, scale):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape) * scale
    x.flat[::5] = 0.0  # exact zeros, where ReLU has its kink
    return x


def check_relu(student_relu, student_relu_grad, hidden=False):
    """Check ``relu(x)`` and ``relu_grad(x)`` (its derivative, 0 at x = 0 as in PyTorch) on arrays."""
    inputs = ([_random_inputs(7, (4, 5), 3.0), _random_inputs(8, (3, 2, 4), 1e3)] if hidden
              else [RELU_INPUT])
    for x in inputs:
        name = f"relu(x of shape {x.shape})"
        compare_arrays(
            _call_keeping_input(student_relu, x, name), relu(x), name,
            wrong_answers=[(np.abs(x), "Negative inputs must become 0, not |x|."),
                           (np.minimum(x, 0), "That keeps the negative part: ReLU keeps max(x, 0).")],
        )
        name = f"relu_grad(x of shape {x.shape})"
        compare_arrays(
            _call_keeping_input(student_relu_grad, x, name), relu_grad(x), name,
            wrong_answers=[
                (relu(x), "That is ReLU itself, not its derivative: the slope is 1 where x > 0 and "
                 "0 where x < 0."),
                ((x >= 0).astype(float), "At x = 0 ReLU has a kink and no derivative; use 0 there, "
                 "as PyTorch does (x > 0, not x >= 0)."),
                ((x < 0).astype(float), "The slope is 1 for positive inputs and 0 for negative "
                 "ones, not the other way round."),
            ],
        )
    return "relu and relu_grad are correct. Well done!"


def check_softmax(student_softmax, hidden=False):
    """Check ``softmax(x)`` for x (N, K): each row turned into probabilities, even for huge scores."""
    rng = np.random.default_rng(9)
    inputs = ([rng.normal(size=(5, 4)) * 500, rng.normal(size=(2, 7)) - 800, rng.normal(size=(1, 1))]
              if hidden else [SOFTMAX_INPUT])
    for x in inputs:
        name = f"softmax(x of shape {x.shape})"
        got = _call_keeping_input(student_softmax, x, name)
        _check_finite(got, name)
        exps = np.exp(x - x.max(axis=1, keepdims=True))
        compare_arrays(
            got, softmax(x, axis=1), name,
            wrong_answers=[
                (exps, "Each row must add up to 1: divide by its sum, exps.sum(axis=1, keepdims=True)."),
                (np.exp(x - x.max()) / np.exp(x - x.max()).sum(), "Each row must add up to 1 on its "
                 "own: sum over axis=1 (keepdims=True), not over the whole array."),
                (softmax(x, axis=0), "You normalised the columns: the softmax runs along each row "
                 "(axis=1)."),
            ],
            shape_hints={(x.shape[0],): "Return one probability per score, shape (N, K): divide by "
                         "the row sums, don't return them.",
                         (x.shape[0], 1): "Return one probability per score, shape (N, K)."},
        )
    return "softmax is correct, and stable. Well done!"


def check_softmax_backward(student_backward, hidden=False):
    """Check ``softmax_backward(grad_output, y)``: y = softmax of each row of x (N, K) -> dLoss/dx."""
    rng = np.random.default_rng(10 if hidden else 2)
    shapes = [(4, 5), (1, 2), (3, 10)] if hidden else [(2, 3)]
    for shape in shapes:
        y = softmax(rng.normal(size=shape) * 2, axis=1)
        grad_output = rng.normal(size=shape).round(2)
        name = f"softmax_backward(grad_output of shape {shape}, y of shape {shape})"
        got = call(student_backward, grad_output.copy(), y.copy(), name=name)
        compare_arrays(
            got, softmax_backward(grad_output, y, axis=1), name,
            wrong_answers=[
                (y * (1 - y) * grad_output, "That uses only the diagonal of the Jacobian, "
                 "dy_i/dx_i = y_i (1 - y_i). Every output depends on every input "
                 "(dy_i/dx_j = -y_i y_j), so add the sum: y * (g - sum(g * y, axis=1, keepdims=True))."),
                (grad_output - np.sum(grad_output * y, axis=1, keepdims=True), "Almost: multiply by "
                 "y at the end, y * (g - sum(g * y))."),
                (y * (grad_output - np.sum(grad_output * y)), "The sum runs over each row on its "
                 "own (axis=1, keepdims=True), not over the whole array."),
                (grad_output, "Softmax changes the gradient on its way back: apply its Jacobian, "
                 "y * (g - sum(g * y, axis=1, keepdims=True))."),
            ],
        )
    return "softmax_backward is correct. Well done!"
