"""mse_loss and cross_entropy, and their backward passes, equal torch's values and gradients."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnncourse.functional import (cross_entropy, cross_entropy_backward, log_softmax, mse_loss,
                                  mse_loss_backward)
from cnncourse.gradcheck import numerical_gradient, relative_error


@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 3, 4, 4)])
def test_mse_loss_and_gradient_equal_torch(shape):
    rng = np.random.default_rng(0)
    prediction, target = rng.normal(size=shape), rng.normal(size=shape)
    t = torch.tensor(prediction, requires_grad=True)
    loss = F.mse_loss(t, torch.tensor(target))
    loss.backward()
    assert abs(mse_loss(prediction, target) - loss.item()) < 1e-12
    np.testing.assert_allclose(mse_loss_backward(prediction, target), t.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_cross_entropy_and_gradient_equal_torch_even_for_huge_scores(scale):
    rng = np.random.default_rng(1)
    logits, target = rng.normal(size=(6, 10)) * scale, rng.integers(0, 10, size=6)
    t = torch.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(t, torch.tensor(target))
    loss.backward()
    assert np.isfinite(cross_entropy(logits, target))
    assert abs(cross_entropy(logits, target) - loss.item()) < 1e-9 * scale
    np.testing.assert_allclose(cross_entropy_backward(logits, target), t.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(log_softmax(logits, axis=1), F.log_softmax(t, 1).detach().numpy(), atol=1e-9)


def test_uniform_scores_give_log_of_the_number_of_classes():
    assert abs(cross_entropy(np.zeros((3, 10)), np.array([0, 4, 9])) - np.log(10)) < 1e-12


def test_backward_passes_scale_with_grad_output_and_pass_the_numerical_check():
    rng = np.random.default_rng(2)
    logits, target = rng.normal(size=(4, 5)), rng.integers(0, 5, size=4)
    numeric = numerical_gradient(lambda z: np.array(cross_entropy(z, target)), logits, np.array(3.0))
    assert relative_error(cross_entropy_backward(logits, target, 3.0), numeric) < 1e-7
    prediction, wanted = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    numeric = numerical_gradient(lambda p: np.array(mse_loss(p, wanted)), prediction, np.array(0.5))
    assert relative_error(mse_loss_backward(prediction, wanted, 0.5), numeric) < 1e-7


@pytest.mark.parametrize("logits, target, error, words", [
    (np.zeros((2, 3)), np.array([0.0, 1.0]), TypeError, "target must hold integer class labels"),
    (np.zeros((2, 3)), np.array([0, 1, 2]), ValueError, r"target must have shape \(2,\)"),
    (np.zeros((2, 3)), np.array([0, 3]), ValueError, r"target labels must lie in \[0, 3\)"),
    (np.zeros((2, 3)), np.array([-1, 0]), ValueError, "target labels must lie"),
    (np.zeros(3), np.array([0]), ValueError, "logits must have 2 dimensions"),
])
def test_cross_entropy_bad_input(logits, target, error, words):
    with pytest.raises(error, match=words):
        cross_entropy(logits, target)
    with pytest.raises(error, match=words):
        cross_entropy_backward(logits, target)


def test_mse_shape_mismatch_is_named():
    with pytest.raises(ValueError, match="input and target must have the same shape"):
        mse_loss(np.zeros(3), np.zeros(4))
