"""Chapters 3 and 4's exercise checks accept right answers and explain the usual wrong ones."""

import numpy as np
import pytest

from cnncourse.exercises import (ExerciseFailed, NotAttemptedYet, check_global_avg_pool, check_max_pool,
                                 check_max_pool_backward, check_relu, check_softmax, check_softmax_backward)


def not_implemented(*args):
    raise NotImplementedError()


# -- answers a learner might write -------------------------------------------------------------------
def loop_pool(x, k, s, reduce=np.max):
    h, w = (x.shape[0] - k) // s + 1, (x.shape[1] - k) // s + 1
    return np.array([[reduce(x[i * s:i * s + k, j * s:j * s + k]) for j in range(w)] for i in range(h)])


def loop_pool_backward(grad_output, x, k, s, ties_first=True, add=True, spread=False):
    grad = np.zeros_like(x)
    for i in range(grad_output.shape[0]):
        for j in range(grad_output.shape[1]):
            window = x[i * s:i * s + k, j * s:j * s + k]
            if spread:
                mask = np.full(window.shape, 1 / window.size)
            elif ties_first:
                mask = np.zeros(window.shape)
                mask[np.unravel_index(np.argmax(window), window.shape)] = 1
            else:
                mask = (window == window.max()).astype(float)
            target = grad[i * s:i * s + k, j * s:j * s + k]
            if add:
                target += mask * grad_output[i, j]
            else:
                target[mask > 0] = grad_output[i, j]
    return grad


def stable_softmax(x):
    exps = np.exp(x - x.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def softmax_backward(grad_output, y):
    return y * (grad_output - (grad_output * y).sum(axis=1, keepdims=True))


def relu(x):
    return np.maximum(x, 0)


def relu_grad(x):
    return (x > 0).astype(float)


@pytest.mark.parametrize("hidden", [False, True])
def test_right_answers_pass(hidden):
    assert "correct" in check_max_pool(loop_pool, hidden=hidden)
    assert "correct" in check_max_pool_backward(loop_pool_backward, hidden=hidden)
    assert "correct" in check_global_avg_pool(lambda x: x.mean(axis=(2, 3)), hidden=hidden)
    assert "correct" in check_relu(relu, relu_grad, hidden=hidden)
    assert "correct" in check_softmax(stable_softmax, hidden=hidden)
    assert "correct" in check_softmax_backward(softmax_backward, hidden=hidden)


@pytest.mark.parametrize("check", [check_max_pool, check_max_pool_backward, check_global_avg_pool,
                                   check_softmax, check_softmax_backward])
def test_unattempted_exercises_say_so(check):
    with pytest.raises(NotAttemptedYet, match="not attempted yet"):
        check(not_implemented)


def test_unattempted_relu_says_so_for_either_function_by_the_learners_name():
    def my_relu(x):
        raise NotImplementedError()

    def my_relu_grad(x):
        raise NotImplementedError()
    with pytest.raises(NotAttemptedYet, match=r"^my_relu\(x of shape .*not attempted yet"):
        check_relu(my_relu, relu_grad)
    with pytest.raises(NotAttemptedYet, match=r"^my_relu_grad\(x of shape .*not attempted yet"):
        check_relu(relu, my_relu_grad)


@pytest.mark.parametrize("answer, words", [
    (lambda x, k, s: loop_pool(x, k, s, np.mean), "You took the average, not the max"),
    (lambda x, k, s: loop_pool(x, k, s, np.min), "You took the minimum"),
    (lambda x, k, s: loop_pool(x, k, 1), "move it by the stride, s=2"),
    (lambda x, k, s: loop_pool(x, k, k), "The stride differs from the window size"),
    (lambda x, k, s: x, "That is the input's shape"),
    (lambda x, k, s: None, "forget the `return`"),
])
def test_max_pool_feedback_is_precise(answer, words):
    with pytest.raises(ExerciseFailed) as info:
        check_max_pool(answer)
    assert words in str(info.value)


def test_max_pool_hidden_cases_catch_square_only_solutions():
    def square_only(x, k, s):
        n = (x.shape[0] - k) // s + 1
        return np.array([[x[i * s:i * s + k, j * s:j * s + k].max() for j in range(n)] for i in range(n)])
    assert check_max_pool(square_only)
    with pytest.raises(ExerciseFailed):
        check_max_pool(square_only, hidden=True)


@pytest.mark.parametrize("answer, words", [
    (lambda g, x, k, s: loop_pool_backward(g, x, k, s, spread=True), "the gradient goes only to the position of the maximum"),
    (lambda g, x, k, s: loop_pool_backward(np.ones_like(g), x, k, s), "You marked the maxima with 1"),
    (lambda g, x, k, s: loop_pool_backward(g, x, k, s, ties_first=False), "give the gradient to the first one only"),
    (lambda g, x, k, s: loop_pool_backward(g, x, k, s, add=False), "add up the gradients"),
    (lambda g, x, k, s: g, "has the shape of x, not of the pooled output"),
])
def test_max_pool_backward_feedback_is_precise(answer, words):
    with pytest.raises(ExerciseFailed) as info:
        check_max_pool_backward(answer)
    assert words in str(info.value)


@pytest.mark.parametrize("answer, words", [
    (lambda x: x.mean(axis=(2, 3), keepdims=True), "drop the two axes of size 1"),
    (lambda x: x.sum(axis=(2, 3)), "divide by the number of positions"),
    (lambda x: x.max(axis=(2, 3)), "global max pooling"),
    (lambda x: x.mean(axis=(1, 2, 3)), "You averaged over the channels too"),
    (lambda x: x.mean(axis=1), "average over the two spatial axes"),
    (lambda x: x.mean(axis=0), "You averaged over the batch"),
])
def test_global_avg_pool_feedback_is_precise(answer, words):
    with pytest.raises(ExerciseFailed) as info:
        check_global_avg_pool(answer)
    assert words in str(info.value)


def relu_in_place(x):
    x[x < 0] = 0
    return x


@pytest.mark.parametrize("answer, answer_grad, words", [
    (np.abs, relu_grad, "Negative inputs must become 0, not |x|"),
    (lambda x: np.minimum(x, 0), relu_grad, "ReLU keeps max(x, 0)"),
    (relu_in_place, relu_grad, "changed its input array x in place"),
    (relu, relu, "That is ReLU itself, not its derivative"),
    (relu, lambda x: (x >= 0).astype(float), "use 0 there, as PyTorch does"),
    (relu, lambda x: (x < 0).astype(float), "not the other way round"),
    (relu, lambda x: 1.0, "returned float, expected an array of numbers"),
])
def test_relu_feedback_is_precise(answer, answer_grad, words):
    with pytest.raises(ExerciseFailed) as info:
        check_relu(answer, answer_grad)
    assert words in str(info.value)


def softmax_in_place(x):
    x -= x.max(axis=1, keepdims=True)
    return stable_softmax(x)


@pytest.mark.parametrize("answer, words", [
    (lambda x: np.exp(x) / np.exp(x).sum(axis=1, keepdims=True), "subtract the max before exp"),
    (lambda x: np.exp(x - x.max()) / np.exp(x - x.max()).sum(axis=1, keepdims=True), "each row's own maximum"),
    (lambda x: np.exp(x - x.max(axis=1, keepdims=True)), "Each row must add up to 1: divide by its sum"),
    (lambda x: np.exp(x - x.max()) / np.exp(x - x.max()).sum(), "not over the whole array"),
    (lambda x: stable_softmax(x.T).T, "You normalised the columns"),
    (lambda x: stable_softmax(x).sum(axis=1), "don't return them"),
    (softmax_in_place, "changed its input array x in place"),
])
def test_softmax_feedback_is_precise(answer, words):
    with np.errstate(all="ignore"):
        with pytest.raises(ExerciseFailed) as info:
            check_softmax(answer)
    assert words in str(info.value)


@pytest.mark.parametrize("answer, words", [
    (lambda g, y: y * (1 - y) * g, "only the diagonal of the Jacobian"),
    (lambda g, y: g - (g * y).sum(axis=1, keepdims=True), "multiply by y at the end"),
    (lambda g, y: y * (g - (g * y).sum()), "The sum runs over each row on its own"),
    (lambda g, y: g, "Softmax changes the gradient on its way back"),
])
def test_softmax_backward_feedback_is_precise(answer, words):
    with pytest.raises(ExerciseFailed) as info:
        check_softmax_backward(answer)
    assert words in str(info.value)


def test_monkeypatched_numpy_cannot_fool_the_checks(monkeypatch):
    monkeypatch.setattr(np, "isclose", lambda *a, **k: np.ones(np.shape(a[0]), dtype=bool))
    monkeypatch.setattr(np, "isfinite", lambda *a, **k: np.ones(np.shape(a[0]), dtype=bool))
    monkeypatch.setattr(np, "array_equal", lambda *a, **k: True)
    with pytest.raises(ExerciseFailed):
        check_max_pool(lambda x, k, s: loop_pool(x, k, s) + 1)
    with np.errstate(all="ignore"), pytest.raises(ExerciseFailed, match="subtract the max"):
        check_softmax(lambda x: np.exp(x) / np.exp(x).sum(axis=1, keepdims=True))
    with pytest.raises(ExerciseFailed, match="in place"):
        check_relu(relu_in_place, relu_grad)
