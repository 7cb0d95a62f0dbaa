"""Chapter 5's exercises: cross-entropy and its gradient, the weight gradient of a convolution, one
step of SGD with momentum."""

import numpy as np

from ..functional import conv2d_backward, cross_entropy, cross_entropy_backward, softmax
from .exercise import Exercise, to_plain
from .feedback import ExerciseFailed, Other, compare_arrays, type_name

_isfinite = np.isfinite


def _pair(learner, index, *args, name):
    """The learner's two results as plain values, or Other when it did not return a pair."""
    result = learner.raw(index, *args, name=name)
    if type(result) not in (tuple, list) or len(result) != 2:
        return Other(type(result).__name__), None
    return to_plain(result[0]), to_plain(result[1])


def _check_pair(first, second, name, what):
    if isinstance(first, Other) and second is None:
        raise ExerciseFailed(f"{name} should return two things, {what}, as a tuple: `return a, b`.")


# ----- (loss, grad) = my_cross_entropy(logits, target)

def _ce_public():
    rng = np.random.default_rng(5)
    cases = []
    for logits in (np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]]), np.array([[1000.0, 0.0, -1000.0]])):
        cases.append({"logits": logits, "target": rng.integers(0, logits.shape[1], size=logits.shape[0])})
    return cases


def _ce_hidden(rng):
    """Edges (batch 1 at the last class; equal logits; two classes), then random batches."""
    cases = [{"logits": np.array([[0.5, -1.0, 3.0, 0.0]]), "target": np.array([3])},
             {"logits": np.zeros((3, 5)), "target": np.array([0, 4, 2])},
             {"logits": np.array([[2.0, -2.0], [-0.5, 0.5], [7.0, 7.5]]), "target": np.array([1, 1, 0])}]
    for logits in (rng.normal(size=(int(rng.integers(2, 8)), int(rng.integers(3, 11)))) * 3,
                   rng.normal(size=(1, 4)) * 800, rng.normal(size=(5, 3)) - 1000):
        cases.append({"logits": logits, "target": rng.integers(0, logits.shape[1], size=logits.shape[0])})
    return cases


def _ce_name(case):
    return f"my_cross_entropy(logits of shape {case['logits'].shape})"


def _ce_run(learner, case):
    loss, grad = _pair(learner, 0, case["logits"], case["target"], name=_ce_name(case))
    return {"loss": loss, "grad": grad}


def _ce_compare(case, out):
    logits, target, name = case["logits"], case["target"], _ce_name(case)
    n = logits.shape[0]
    loss, grad = out["loss"], out["grad"]
    _check_pair(loss, grad, name, "the loss and its gradient")
    expected_loss, expected_grad = cross_entropy(logits, target), cross_entropy_backward(logits, target)
    if type(loss) is np.ndarray and loss.shape == () and loss.dtype.kind in "iuf":
        loss = loss.item()
    if type(loss) not in (int, float):
        raise ExerciseFailed(f"{name}: the loss should be one number, got {type_name(loss)}.")
    if not _isfinite(loss):
        raise ExerciseFailed(f"{name}: the loss is {loss}. For large scores exp overflows: use "
                             "log_softmax = z - max - log(sum(exp(z - max))) instead of log(softmax(z)).")
    if abs(loss - expected_loss) > 1e-6 * max(1.0, abs(expected_loss)):
        hint = ""
        if abs(loss - n * expected_loss) < 1e-6 * max(1.0, n * expected_loss) and n > 1:
            hint = " That is the sum over the batch: divide by N for the mean."
        elif abs(loss + expected_loss) < 1e-6:
            hint = " The sign is flipped: the loss is minus the log-probability of the true class."
        raise ExerciseFailed(f"{name}: loss {loss:.6g}, expected {expected_loss:.6g}.{hint}")
    probabilities = softmax(logits, axis=1)
    compare_arrays(grad, expected_grad, f"{name}, the gradient", wrong_answers=[
        (probabilities / n, "Subtract 1 at the true class: the gradient is (softmax - one_hot) / N."),
        (expected_grad * n, "Divide by N: the loss is a mean over the batch, so is its gradient."),
        (-expected_grad, "The sign is flipped: (softmax - one_hot) / N, not (one_hot - softmax) / N."),
    ])


CROSS_ENTROPY = Exercise(
    "cross_entropy", ("my_cross_entropy",), public=_ce_public, hidden=_ce_hidden,
    run=_ce_run, compare=_ce_compare, success="cross-entropy and its gradient are correct. Well done!",
)


def check_cross_entropy(student_cross_entropy, hidden=False):
    """Check ``(loss, grad) = f(logits (N, C), target (N,) ints)``: mean cross-entropy, d loss/d logits."""
    return CROSS_ENTROPY.check(student_cross_entropy, hidden=hidden)


# ----- my_conv2d_grad_weight(x, grad_output, k)

def _grad_weight_cases(rng, specs):
    cases = []
    for x_shape, c_out, k in specs:
        x = rng.normal(size=x_shape).round(2)
        out_shape = (x_shape[0], c_out, x_shape[2] - k + 1, x_shape[3] - k + 1)
        cases.append({"x": x, "grad_output": rng.normal(size=out_shape).round(2), "k": k})
    return cases


def _grad_weight_hidden(rng):
    """Edges (batch 1 on a non-square map; the kernel as large as the input), then random cases."""
    specs = [((1, 2, 3, 5), 3, 2), ((2, 1, 3, 3), 2, 3)]
    for k in (int(rng.integers(2, 4)), 2, 1):
        h, w = (int(v) for v in rng.integers(k + 1, k + 5, size=2))
        specs.append(((int(rng.integers(2, 4)), int(rng.integers(1, 4)), h, w), int(rng.integers(1, 5)), k))
    return _grad_weight_cases(rng, specs)


def _grad_weight_name(case):
    return (f"my_conv2d_grad_weight(x of shape {case['x'].shape}, grad_output of shape "
            f"{case['grad_output'].shape}, {case['k']})")


def _grad_weight_compare(case, out):
    x, grad_output, k = case["x"], case["grad_output"], case["k"]
    weight = np.zeros((grad_output.shape[1], x.shape[1], k, k))
    expected = conv2d_backward(grad_output, x, weight)[1]
    first_only = conv2d_backward(grad_output[:1], x[:1], weight)[1]
    compare_arrays(out["grad"], expected, _grad_weight_name(case), wrong_answers=[
        (expected[..., ::-1, ::-1], "The kernel is flipped: weight (a, b) meets the input at "
         "x[..., i + a, j + b], so no flipping is needed for the weights."),
        (expected / x.shape[0], "Don't divide by N: sum the contributions of the whole batch."),
        (first_only, "Only the first image counts: sum over the batch axis too.")],
        shape_hints={(x.shape[1], grad_output.shape[1], k, k): "The shape is (C_out, C_in, k, k): output "
                     "channels first."})


CONV2D_GRAD_WEIGHT = Exercise(
    "conv2d_grad_weight", ("my_conv2d_grad_weight",),
    public=lambda: _grad_weight_cases(np.random.default_rng(6), [((2, 1, 4, 4), 2, 3)]),
    hidden=_grad_weight_hidden,
    run=lambda learner, case: {"grad": learner(0, case["x"], case["grad_output"], case["k"],
                                               name=_grad_weight_name(case))},
    compare=_grad_weight_compare, success="The weight gradient is correct. Well done!",
)


def check_conv2d_grad_weight(student_grad_weight, hidden=False):
    """Check ``f(x (N, C_in, H, W), grad_output (N, C_out, H', W'), kernel_size)`` ->
    d loss/d weight (C_out, C_in, k, k) of a stride-1, unpadded conv2d."""
    return CONV2D_GRAD_WEIGHT.check(student_grad_weight, hidden=hidden)


# ----- (param, velocity) = my_momentum_step(param, grad, velocity, lr, momentum), three steps

STEPS = 3


def _momentum_case(rng, shape, lr, momentum):
    """Three steps; each starts from the right parameter and velocity of the step before."""
    params, velocities = [rng.normal(size=shape).round(2)], [np.zeros(shape)]
    grads = []
    for _ in range(STEPS):
        grads.append(rng.normal(size=shape).round(2))
        velocities.append(momentum * velocities[-1] + grads[-1])
        params.append(params[-1] - lr * velocities[-1])
    return {"params": np.stack(params[:STEPS]), "velocities": np.stack(velocities[:STEPS]),
            "grads": np.stack(grads), "lr": lr, "momentum": momentum}


def _momentum_run(learner, case):
    outputs = {}
    for step in range(STEPS):
        param, velocity = _pair(learner, 0, case["params"][step], case["grads"][step], case["velocities"][step],
                                case["lr"], case["momentum"], name=f"my_momentum_step (step {step + 1})")
        outputs[f"param{step}"], outputs[f"velocity{step}"] = param, velocity
    return outputs


def _momentum_compare(case, out):
    lr, momentum = case["lr"], case["momentum"]
    for step in range(STEPS):
        param, grad, velocity = case["params"][step], case["grads"][step], case["velocities"][step]
        name = f"my_momentum_step (step {step + 1})"
        new_param, new_velocity = out[f"param{step}"], out[f"velocity{step}"]
        _check_pair(new_param, new_velocity, name, "the new parameter and the new velocity")
        expected_velocity = momentum * velocity + grad
        compare_arrays(new_velocity, expected_velocity, f"{name}, the velocity", wrong_answers=[
            (momentum * velocity - lr * grad, "That is the other formulation (v = mu v - lr g). torch's "
             "velocity holds no learning rate: v = mu v + g, and the step is -lr v."),
            (momentum * velocity + (1 - momentum) * grad, "That is a moving average (Adam's first moment): "
             "torch's momentum adds the whole gradient, v = mu v + g."),
            (0.9 * velocity + grad, f"Use the momentum argument ({momentum:g} here), not a fixed 0.9.")])
        compare_arrays(new_param, param - lr * expected_velocity, f"{name}, the parameter", wrong_answers=[
            (param - lr * velocity, "Update the velocity first, then step with the new one."),
            (param - lr * grad, "That is plain SGD: step along the velocity, param - lr v."),
            (param + lr * expected_velocity, "Subtract: a step goes against the gradient."),
            (param - 0.1 * expected_velocity, f"Use the lr argument ({lr:g} here), not a fixed 0.1.")])


def _momentum_hidden(rng):
    """Edges (momentum 0 is plain SGD; a learning rate of 1), then a random case."""
    shape = tuple(int(v) for v in rng.integers(2, 6, size=2))
    return [_momentum_case(rng, (2, 3), 0.3, 0.0), _momentum_case(rng, (4,), 1.0, 0.6),
            _momentum_case(rng, shape, float(rng.choice([0.01, 0.05, 0.2])), float(rng.choice([0.5, 0.8, 0.95])))]


MOMENTUM_STEP = Exercise(
    "momentum_step", ("my_momentum_step",),
    public=lambda: [_momentum_case(np.random.default_rng(7), (3,), 0.1, 0.9)],
    hidden=_momentum_hidden, run=_momentum_run, compare=_momentum_compare,
    success="Three momentum steps, all correct. Well done!",
)


def check_momentum_step(student_step, hidden=False):
    """Check ``(param, velocity) = f(param, grad, velocity, lr, momentum)``, torch's momentum:
    ``v = momentum v + grad``, ``param = param - lr v``. Called several steps in a row."""
    return MOMENTUM_STEP.check(student_step, hidden=hidden)
