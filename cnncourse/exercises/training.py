"""Checks for chapter 5's exercises: cross-entropy and its gradient, the weight gradient of a
convolution, one step of SGD with momentum."""

import numpy as np

from ..functional import conv2d_backward, cross_entropy, cross_entropy_backward, softmax
from .feedback import ExerciseFailed, call, compare_arrays

_isfinite = np.isfinite


def _pair(result, name, what):
    """The learner's result as two values, or a clear message."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise ExerciseFailed(f"{name} should return two things, {what}, as a tuple: `return a, b`.")
    return result


def check_cross_entropy(student_cross_entropy, hidden=False):
    """Check ``(loss, grad) = f(logits (N, C), target (N,) ints)``: mean cross-entropy, d loss/d logits."""
    rng = np.random.default_rng(21 if hidden else 5)
    cases = ([(rng.normal(size=(6, 10)) * 3, 6, 10), (rng.normal(size=(1, 4)) * 800, 1, 4),
              (rng.normal(size=(5, 3)) - 1000, 5, 3)] if hidden
             else [(np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]]), 2, 3),
                   (np.array([[1000.0, 0.0, -1000.0]]), 1, 3)])
    for logits, n, c in cases:
        target = rng.integers(0, c, size=n)
        name = f"my_cross_entropy(logits of shape {logits.shape})"
        loss, grad = _pair(call(student_cross_entropy, logits.copy(), target.copy(), name=name), name,
                           "the loss and its gradient")
        expected_loss, expected_grad = cross_entropy(logits, target), cross_entropy_backward(logits, target)
        try:
            loss = float(loss)
        except (TypeError, ValueError):
            raise ExerciseFailed(f"{name}: the loss should be one number, got {type(loss).__name__}.") from None
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
    return "cross-entropy and its gradient are correct. Well done!"


def check_conv2d_grad_weight(student_grad_weight, hidden=False):
    """Check ``f(x (N, C_in, H, W), grad_output (N, C_out, H', W'), kernel_size)`` ->
    d loss/d weight (C_out, C_in, k, k) of a stride-1, unpadded conv2d."""
    rng = np.random.default_rng(22 if hidden else 6)
    cases = [((3, 2, 6, 5), 4, 3), ((1, 1, 4, 4), 1, 2), ((2, 3, 5, 5), 2, 1)] if hidden else [((2, 1, 4, 4), 2, 3)]
    for x_shape, c_out, k in cases:
        x = rng.normal(size=x_shape).round(2)
        h_out, w_out = x_shape[2] - k + 1, x_shape[3] - k + 1
        grad_output = rng.normal(size=(x_shape[0], c_out, h_out, w_out)).round(2)
        weight = np.zeros((c_out, x_shape[1], k, k))
        expected = conv2d_backward(grad_output, x, weight)[1]
        name = f"my_conv2d_grad_weight(x of shape {x_shape}, grad_output of shape {grad_output.shape}, {k})"
        got = call(student_grad_weight, x.copy(), grad_output.copy(), k, name=name)
        first_only = conv2d_backward(grad_output[:1], x[:1], weight)[1]
        compare_arrays(got, expected, name, wrong_answers=[
            (expected[..., ::-1, ::-1], "The kernel is flipped: weight (a, b) meets the input at "
             "x[..., i + a, j + b], so no flipping is needed for the weights."),
            (expected / x_shape[0], "Don't divide by N: sum the contributions of the whole batch."),
            (first_only, "Only the first image counts: sum over the batch axis too.")],
            shape_hints={(x_shape[1], c_out, k, k): "The shape is (C_out, C_in, k, k): output channels first."})
    return "The weight gradient is correct. Well done!"


def check_momentum_step(student_step, hidden=False):
    """Check ``(param, velocity) = f(param, grad, velocity, lr, momentum)``, torch's momentum:
    ``v = momentum v + grad``, ``param = param - lr v``. Called several steps in a row."""
    rng = np.random.default_rng(23 if hidden else 7)
    shape, lr, momentum = ((3, 4), 0.05, 0.8) if hidden else ((3,), 0.1, 0.9)
    param, velocity = rng.normal(size=shape).round(2), np.zeros(shape)
    for step in range(1, 4):
        grad = rng.normal(size=shape).round(2)
        name = f"my_momentum_step (step {step})"
        new_param, new_velocity = _pair(
            call(student_step, param.copy(), grad.copy(), velocity.copy(), lr, momentum, name=name), name,
            "the new parameter and the new velocity")
        expected_velocity = momentum * velocity + grad
        compare_arrays(new_velocity, expected_velocity, f"{name}, the velocity", wrong_answers=[
            (momentum * velocity - lr * grad, "That is the other formulation (v = mu v - lr g). torch's "
             "velocity holds no learning rate: v = mu v + g, and the step is -lr v."),
            (momentum * velocity + (1 - momentum) * grad, "That is a moving average (Adam's first moment): "
             "torch's momentum adds the whole gradient, v = mu v + g.")])
        compare_arrays(new_param, param - lr * expected_velocity, f"{name}, the parameter", wrong_answers=[
            (param - lr * velocity, "Update the velocity first, then step with the new one."),
            (param - lr * grad, "That is plain SGD: step along the velocity, param - lr v."),
            (param + lr * expected_velocity, "Subtract: a step goes against the gradient.")])
        param, velocity = param - lr * expected_velocity, expected_velocity
    return "Three momentum steps, all correct. Well done!"
