"""Chapter 5's exercise checks accept right answers and explain the usual wrong ones."""

import numpy as np
import pytest

from cnncourse.exercises import (ExerciseFailed, NotAttemptedYet, check_conv2d_grad_weight,
                                 check_cross_entropy, check_momentum_step)


def not_implemented(*args):
    raise NotImplementedError()


def cross_entropy(logits, target, stable=True, mean=True, one_hot=True):
    shifted = logits - logits.max(axis=1, keepdims=True) if stable else logits
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(target)
    loss = -log_p[np.arange(n), target].sum() / (n if mean else 1)
    grad = np.exp(log_p)
    if one_hot:
        grad[np.arange(n), target] -= 1
    return loss, grad / (n if mean else 1)


def grad_weight(x, grad_output, k, flip=False, first_only=False):
    n, c_in, h, w = x.shape
    c_out, h_out, w_out = grad_output.shape[1:]
    result = np.zeros((c_out, c_in, k, k))
    for b in range(1 if first_only else n):
        for a in range(k):
            for c in range(k):
                window = x[b, :, a:a + h_out, c:c + w_out]
                result[:, :, a, c] += np.einsum("ohw,ihw->oi", grad_output[b], window)
    return result[..., ::-1, ::-1] if flip else result


def momentum_step(param, grad, velocity, lr, momentum):
    velocity = momentum * velocity + grad
    return param - lr * velocity, velocity


@pytest.mark.parametrize("hidden", [False, True])
def test_right_answers_pass(hidden):
    assert "correct" in check_cross_entropy(cross_entropy, hidden=hidden)
    assert "correct" in check_conv2d_grad_weight(grad_weight, hidden=hidden)
    assert "correct" in check_momentum_step(momentum_step, hidden=hidden)


@pytest.mark.parametrize("check", [check_cross_entropy, check_conv2d_grad_weight, check_momentum_step])
def test_not_attempted_yet(check):
    with pytest.raises(NotAttemptedYet, match="not attempted yet"):
        check(not_implemented)


@pytest.mark.parametrize("answer, words", [
    (lambda z, t: cross_entropy(z, t, stable=False), "overflows"),
    (lambda z, t: cross_entropy(z, t, mean=False), "sum over the batch"),
    (lambda z, t: cross_entropy(z, t, one_hot=False), "Subtract 1 at the true class"),
    (lambda z, t: (cross_entropy(z, t)[0], -cross_entropy(z, t)[1]), "sign is flipped"),
    (lambda z, t: cross_entropy(z, t)[0], "should return two things"),
])
def test_cross_entropy_mistakes_are_explained(answer, words):
    with pytest.raises(ExerciseFailed, match=words):
        check_cross_entropy(answer)


@pytest.mark.parametrize("answer, words", [
    (lambda x, g, k: grad_weight(x, g, k, flip=True), "kernel is flipped"),
    (lambda x, g, k: grad_weight(x, g, k, first_only=True), "Only the first image"),
    (lambda x, g, k: grad_weight(x, g, k) / len(x), "Don't divide by N"),
    (lambda x, g, k: grad_weight(x, g, k).transpose(1, 0, 2, 3), "output channels first"),
])
def test_conv_weight_gradient_mistakes_are_explained(answer, words):
    with pytest.raises(ExerciseFailed, match=words):
        check_conv2d_grad_weight(answer)


@pytest.mark.parametrize("answer, words", [
    (lambda p, g, v, lr, mu: (p + (mu * v - lr * g), mu * v - lr * g), "other formulation"),
    (lambda p, g, v, lr, mu: (p - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g), "moving average"),
    (lambda p, g, v, lr, mu: (p - lr * v, mu * v + g), "Update the velocity first"),
    (lambda p, g, v, lr, mu: (p - lr * g, mu * v + g), "plain SGD"),
])
def test_momentum_mistakes_are_explained(answer, words):
    with pytest.raises(ExerciseFailed, match=words):
        check_momentum_step(answer)
