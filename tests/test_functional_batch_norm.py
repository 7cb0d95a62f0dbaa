"""cnncourse.functional.batch_norm vs torch.nn.functional.batch_norm (running statistics included),
its backward pass vs torch autograd and a numerical gradient, and its errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnncourse.functional import batch_norm, batch_norm_backward
from cnncourse.gradcheck import numerical_gradient, relative_error

SHAPES = [(8, 3), (4, 3, 5, 6), (2, 5, 7), (3, 2, 4, 4)]


def random_case(shape, seed):
    rng = np.random.default_rng(seed)
    channels = shape[1]
    return (rng.normal(2.0, 3.0, size=shape), rng.normal(size=channels), rng.uniform(0.5, 2, channels),
            rng.normal(size=channels), rng.normal(size=channels))


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
def test_forward_and_running_statistics_equal_torch(shape, training):
    x, mean, var, weight, bias = random_case(shape, seed=len(shape) + shape[0])
    ours_mean, ours_var = mean.copy(), var.copy()
    torch_mean, torch_var = torch.tensor(mean), torch.tensor(var)
    for step in range(3):  # three batches: the running statistics keep moving
        batch = x + step
        ours = batch_norm(batch, ours_mean, ours_var, weight, bias, training=training, momentum=0.3, eps=1e-4)
        theirs = F.batch_norm(torch.tensor(batch), torch_mean, torch_var, torch.tensor(weight),
                              torch.tensor(bias), training=training, momentum=0.3, eps=1e-4)
        np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-6, rtol=0)
        np.testing.assert_allclose(ours_mean, torch_mean.numpy(), atol=1e-6, rtol=0)
        np.testing.assert_allclose(ours_var, torch_var.numpy(), atol=1e-6, rtol=0)
    assert np.array_equal(ours_mean, mean) != training  # updated in place only when training


def test_running_variance_is_unbiased_and_output_normalized():
    x = np.array([[1.0], [2.0], [3.0], [6.0]])  # mean 3, biased var 3.5, unbiased var 14/3
    mean, var = np.zeros(1), np.ones(1)
    out = batch_norm(x, mean, var, training=True, momentum=1.0, eps=0.0 + 1e-12)
    assert mean[0] == 3.0 and np.isclose(var[0], 14 / 3)
    np.testing.assert_allclose(out[:, 0], (x[:, 0] - 3) / np.sqrt(3.5), atol=1e-9)


def test_without_running_statistics_or_affine_parameters():
    x = np.random.default_rng(1).normal(size=(5, 4, 3, 3))
    ours = batch_norm(x, None, None, training=True)
    theirs = F.batch_norm(torch.tensor(x), None, None, training=True)
    np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-6, rtol=0)


def test_float32_keeps_its_dtype():
    x = np.random.default_rng(2).normal(size=(4, 3, 2, 2)).astype(np.float32)
    out = batch_norm(x, np.zeros(3, np.float32), np.ones(3, np.float32), training=True)
    assert out.dtype == np.float32


def torch_gradients(x, weight, bias, grad_output, training, mean, var):
    tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, weight, bias))
    out = F.batch_norm(tx, torch.tensor(mean), torch.tensor(var), tw, tb, training=training, eps=1e-3)
    out.backward(torch.tensor(grad_output))
    return tx.grad.numpy(), tw.grad.numpy(), tb.grad.numpy()


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(6, 3), (3, 2, 4, 5)])
def test_backward_equals_torch_autograd_and_numerical_gradient(shape, training):
    x, mean, var, weight, bias = random_case(shape, seed=7)
    grad_output = np.random.default_rng(8).normal(size=shape)
    ours = batch_norm_backward(grad_output, x, mean, var, weight, training=training, eps=1e-3)
    theirs = torch_gradients(x, weight, bias, grad_output, training, mean, var)
    for got, expected in zip(ours, theirs):
        np.testing.assert_allclose(got, expected, atol=1e-6, rtol=0)

    def forward(v):
        return batch_norm(v, mean.copy(), var.copy(), weight, bias, training=training, eps=1e-3)

    assert relative_error(ours[0], numerical_gradient(forward, x, grad_output)) < 1e-6
    numeric_w = numerical_gradient(
        lambda w: batch_norm(x, mean.copy(), var.copy(), w, bias, training=training, eps=1e-3),
        weight, grad_output)
    assert relative_error(ours[1], numeric_w) < 1e-6


def test_backward_without_weight_uses_gamma_one():
    x, mean, var, _, bias = random_case((4, 2, 3, 3), seed=3)
    grad_output = np.random.default_rng(4).normal(size=x.shape)
    ours = batch_norm_backward(grad_output, x, training=True, eps=1e-3)
    theirs = torch_gradients(x, np.ones(2), bias, grad_output, True, mean, var)
    for got, expected in zip(ours, theirs):
        np.testing.assert_allclose(got, expected, atol=1e-6, rtol=0)


@pytest.mark.parametrize("kwargs, match", [
    ({"running_mean": np.zeros(2)}, r"running_mean must have shape \(3,\)"),
    ({"running_var": np.ones((3, 1))}, r"running_var must have shape \(3,\)"),
    ({"running_mean": [0.0, 0.0, 0.0]}, "running_mean must be a float NumPy array"),
    ({"eps": -1e-5}, "eps must be a number > 0"),
    ({"eps": 0}, "eps must be a number > 0"),
    ({"momentum": 1.5}, r"momentum must be a number in \[0, 1\]"),
    ({"weight": np.ones(4)}, r"weight must have shape \(3,\)"),
    ({"running_mean": None, "training": False}, "running_mean is None"),
])
def test_bad_arguments_are_named(kwargs, match):
    args = {"running_mean": np.zeros(3), "running_var": np.ones(3), "training": True, **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        batch_norm(np.ones((4, 3)), **args)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="x must be"):
        batch_norm(np.ones(4), np.zeros(4), np.ones(4))
    with pytest.raises(ValueError, match="more than one"):
        batch_norm(np.ones((1, 3)), np.zeros(3), np.ones(3), training=True)
    with pytest.raises(ValueError, match="grad_output must have the shape of x"):
        batch_norm_backward(np.ones((2, 3)), np.ones((4, 3)))
