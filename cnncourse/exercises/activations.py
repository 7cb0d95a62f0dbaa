"""Checks for chapter 4's exercises: ReLU and its derivative, a stable softmax, softmax's gradient."""

import numpy as np

from ..functional import relu, relu_grad, softmax, softmax_backward
from .exercise import Exercise
from .feedback import ExerciseFailed, as_number_array, compare_arrays

# Taken when this module is imported, so a solution that replaces it cannot fool the checks.
_isfinite = np.isfinite

RELU_INPUT = np.array([[-3.0, -0.5, 0.0], [0.5, 3.0, 100.0]])
SOFTMAX_INPUT = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])


def _check_kept_input(out, key, name):
    if out[key] is not False:
        raise ExerciseFailed(f"{name} changed its input array x in place (e.g. x[x < 0] = 0 or "
                             "x -= ...). Leave x as it is and return a new array.")


def _check_finite(got, name):
    """Fail with the overflow hint when the result holds nan or inf."""
    values = as_number_array(got, name)
    if values.size and not _isfinite(values).all():
        row = int(np.argwhere(~_isfinite(values))[0][0]) if values.ndim > 1 else 0
        raise ExerciseFailed(
            f"{name}: the result holds nan or inf (first in row {row}). Overflow: subtract the "
            "max before exp. In floating point e^1000 is inf (and e^-1000 is 0), so the division "
            "gives inf / inf (or 0 / 0) = nan. Subtracting each row's own maximum, "
            "x - x.max(axis=1, keepdims=True), changes nothing mathematically."
        )


def _random_inputs(rng, shape, scale):
    x = rng.normal(size=shape) * scale
    x.flat[::5] = 0.0  # exact zeros, where ReLU has its kink
    return x


def _relu_run(learner, case):
    x, shape = case["x"], case["x"].shape
    relu_out, relu_changed = learner.keeping_inputs(0, x, name=f"relu(x of shape {shape})")
    grad_out, grad_changed = learner.keeping_inputs(1, x, name=f"relu_grad(x of shape {shape})")
    return {"relu": relu_out, "relu_changed": relu_changed, "grad": grad_out, "grad_changed": grad_changed}


def _relu_compare(case, out):
    x = case["x"]
    name = f"relu(x of shape {x.shape})"
    _check_kept_input(out, "relu_changed", name)
    compare_arrays(out["relu"], relu(x), name,
                   wrong_answers=[(np.abs(x), "Negative inputs must become 0, not |x|."),
                                  (np.maximum(x, 0.01 * x), "That is a leaky ReLU: negative inputs become 0."),
                                  (np.minimum(x, 0), "That keeps the negative part: ReLU keeps max(x, 0).")])
    name = f"relu_grad(x of shape {x.shape})"
    _check_kept_input(out, "grad_changed", name)
    compare_arrays(
        out["grad"], relu_grad(x), name,
        wrong_answers=[
            (relu(x), "That is ReLU itself, not its derivative: the slope is 1 where x > 0 and "
             "0 where x < 0."),
            ((x >= 0).astype(float), "At x = 0 ReLU has a kink and no derivative; use 0 there, "
             "as PyTorch does (x > 0, not x >= 0)."),
            ((x < 0).astype(float), "The slope is 1 for positive inputs and 0 for negative "
             "ones, not the other way round."),
        ],
    )


RELU = Exercise(
    "relu", ("relu", "relu_grad"),
    public=lambda: [{"x": RELU_INPUT.copy()}],
    hidden=lambda rng: [{"x": np.array([-2.0, -1e-9, 0.0, 1e-9, 2.0])}, {"x": -np.arange(1.0, 7.0).reshape(2, 3)},
                        {"x": _random_inputs(rng, (4, 5), 3.0)}, {"x": _random_inputs(rng, (3, 2, 4), 1e3)}],
    run=_relu_run, compare=_relu_compare,
    success="relu and relu_grad are correct. Well done!",
)


def check_relu(student_relu, student_relu_grad, hidden=False):
    """Check ``relu(x)`` and ``relu_grad(x)`` (its derivative, 0 at x = 0 as in PyTorch) on arrays."""
    return RELU.check(student_relu, student_relu_grad, hidden=hidden)


def _softmax_run(learner, case):
    y, changed = learner.keeping_inputs(0, case["x"], name=f"softmax(x of shape {case['x'].shape})")
    return {"y": y, "changed": changed}


def _softmax_compare(case, out):
    x = case["x"]
    name = f"softmax(x of shape {x.shape})"
    _check_kept_input(out, "changed", name)
    _check_finite(out["y"], name)
    exps = np.exp(x - x.max(axis=1, keepdims=True))
    compare_arrays(
        out["y"], softmax(x, axis=1), name,
        wrong_answers=[
            (exps, "Each row must add up to 1: divide by its sum, exps.sum(axis=1, keepdims=True)."),
            (np.exp(x - x.max()) / np.exp(x - x.max()).sum(), "Each row must add up to 1 on its "
             "own: sum over axis=1 (keepdims=True), not over the whole array."),
            (exps / exps.sum(), "Each row must add up to 1 on its own: sum over axis=1 (keepdims=True), "
             "not over the whole array."),
            (softmax(x, axis=0), "You normalised the columns: the softmax runs along each row "
             "(axis=1)."),
        ],
        shape_hints={(x.shape[0],): "Return one probability per score, shape (N, K): divide by "
                     "the row sums, don't return them.",
                     (x.shape[0], 1): "Return one probability per score, shape (N, K)."},
    )


SOFTMAX = Exercise(
    "softmax", ("softmax",),
    public=lambda: [{"x": SOFTMAX_INPUT.copy()}],
    hidden=lambda rng: [{"x": np.array([[5.0, 5.0, 5.0], [0.0, 0.0, -1000.0]])}, {"x": np.array([[-3.0, 4.0]])},
                        {"x": rng.normal(size=(5, 4)) * 500}, {"x": rng.normal(size=(2, 7)) - 800},
                        {"x": rng.normal(size=(1, 1))}],
    run=_softmax_run, compare=_softmax_compare,
    success="softmax is correct, and stable. Well done!",
)


def check_softmax(student_softmax, hidden=False):
    """Check ``softmax(x)`` for x (N, K): each row turned into probabilities, even for huge scores."""
    return SOFTMAX.check(student_softmax, hidden=hidden)


def _softmax_backward_cases(rng, shapes):
    cases = []
    for shape in shapes:
        y = softmax(rng.normal(size=shape) * 2, axis=1)
        cases.append({"grad_output": rng.normal(size=shape).round(2), "y": y})
    return cases


def _softmax_backward_edges():
    """A confident row (y nearly one-hot) and a uniform one, batch 1 with a gradient that is the same everywhere."""
    y = softmax(np.array([[20.0, 0.0, -5.0], [1.0, 1.0, 1.0]]), axis=1)
    return [{"grad_output": np.array([[0.5, -1.0, 2.0], [1.0, -2.0, 0.25]]), "y": y},
            {"grad_output": np.full((1, 4), 0.7), "y": softmax(np.array([[0.3, -1.2, 2.0, 0.0]]), axis=1)}]


def _softmax_backward_name(case):
    shape = case["y"].shape
    return f"softmax_backward(grad_output of shape {shape}, y of shape {shape})"


def _softmax_backward_compare(case, out):
    grad_output, y = case["grad_output"], case["y"]
    compare_arrays(
        out["grad"], softmax_backward(grad_output, y, axis=1), _softmax_backward_name(case),
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
            (-softmax_backward(grad_output, y, axis=1), "The sign is flipped: y * (g - sum(g * y, axis=1, "
             "keepdims=True)), not y * (sum(g * y) - g)."),
        ],
    )


SOFTMAX_BACKWARD = Exercise(
    "softmax_backward", ("softmax_backward",),
    public=lambda: _softmax_backward_cases(np.random.default_rng(2), [(2, 3)]),
    hidden=lambda rng: _softmax_backward_edges() + _softmax_backward_cases(
        rng, [(int(rng.integers(2, 6)), int(rng.integers(3, 11))), (1, 2), (3, 10)]),
    run=lambda learner, case: {"grad": learner(0, case["grad_output"], case["y"],
                                               name=_softmax_backward_name(case))},
    compare=_softmax_backward_compare,
    success="softmax_backward is correct. Well done!",
)


def check_softmax_backward(student_backward, hidden=False):
    """Check ``softmax_backward(grad_output, y)``: y = softmax of each row of x (N, K) -> dLoss/dx."""
    return SOFTMAX_BACKWARD.check(student_backward, hidden=hidden)
