"""cnncourse.functional activations vs torch (values) and torch autograd (derivatives), incl. huge inputs."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from cnncourse.functional import (ACTIVATIONS, elu, elu_grad, get_activation, leaky_relu, leaky_relu_grad,
                                  softmax, softmax_backward)
from cnncourse.gradcheck import numerical_gradient, relative_error

TORCH = {
    "relu": F.relu, "relu6": F.relu6, "softplus": F.softplus, "sigmoid": torch.sigmoid,
    "tanh": torch.tanh, "leaky_relu": F.leaky_relu, "elu": F.elu, "gelu": F.gelu, "silu": F.silu,
}
# The kinks, both sides of torch's softplus threshold (20), and magnitudes where exp overflows.
SPECIAL = np.array([0.0, -0.0, 6.0, 20.0, 21.0, -20.0, 30.0, -30.0, 88.0, 710.0, -710.0,
                    -745.0, 1e4, -1e4, 1e300, -1e300])


def torch_value_and_derivative(name, x):
    t = torch.tensor(x, requires_grad=True)
    y = TORCH[name](t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


def test_the_registry_lists_every_activation():
    assert list(ACTIVATIONS) == list(TORCH)
    for name, (function, derivative, description) in ACTIVATIONS.items():
        assert callable(function) and callable(derivative)
        assert function.__name__ == name and derivative.__name__ == name + "_grad"
        assert description and "\n" not in description
        assert get_activation(name) is ACTIVATIONS[name]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from([1.0, 5.0, 50.0, 1e3]))
def test_values_and_derivatives_equal_torch(seed, scale):
    x = np.concatenate([np.random.default_rng(seed).normal(size=200) * scale, SPECIAL])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, no invalid value, no division by zero
        for name, (function, derivative, _) in ACTIVATIONS.items():
            value, slope = torch_value_and_derivative(name, x)
            got_value, got_slope = function(x), derivative(x)
            assert np.isfinite(got_value[np.abs(x) < 1e300]).all() and np.isfinite(got_slope).all(), name
            np.testing.assert_allclose(got_value, value, atol=1e-6, rtol=1e-12, err_msg=name)
            np.testing.assert_allclose(got_slope, slope, atol=1e-6, rtol=0, err_msg=name)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_derivatives_pass_the_numerical_gradient_check(name):
    function, derivative, _ = ACTIVATIONS[name]
    # Off the kinks (ReLU's 0). Deep in a saturated tail f' is so small next to the rounding error
    # of f that no finite difference can resolve it to 1e-7; the tests against torch cover the tails.
    x = np.linspace(-4, 4, 41) + 0.013
    g = np.random.default_rng(2).normal(size=x.shape)
    assert relative_error(derivative(x) * g, numerical_gradient(function, x, g)) < 1e-7


@pytest.mark.parametrize("slope", [0.01, 0.2, 1.5])
def test_leaky_relu_and_elu_parameters_equal_torch(slope):
    x = np.linspace(-5, 5, 101)
    t = torch.tensor(x, requires_grad=True)
    F.leaky_relu(t, slope).sum().backward()
    np.testing.assert_allclose(leaky_relu(x, slope), F.leaky_relu(torch.tensor(x), slope).numpy())
    np.testing.assert_allclose(leaky_relu_grad(x, slope), t.grad.numpy())
    t = torch.tensor(x, requires_grad=True)
    F.elu(t, alpha=slope).sum().backward()
    np.testing.assert_allclose(elu(x, slope), F.elu(torch.tensor(x), alpha=slope).numpy(), atol=1e-12)
    np.testing.assert_allclose(elu_grad(x, slope), t.grad.numpy(), atol=1e-12)


def test_dtypes_and_shapes_are_kept():
    x32 = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    for name, (function, derivative, _) in ACTIVATIONS.items():
        assert function(x32).dtype == derivative(x32).dtype == np.float32, name
        assert function(x32).shape == derivative(x32).shape == (3, 4), name
        assert function([1, 2]).dtype == np.float64, name
    assert softmax(x32).dtype == softmax_backward(x32, softmax(x32)).dtype == np.float32


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_equals_torch_even_for_huge_scores(axis):
    x = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0], [1e4, -1e4, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = softmax(x, axis=axis)
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y.sum(axis=axis), 1.0)
    np.testing.assert_allclose(y, F.softmax(torch.tensor(x), dim=axis).numpy(), atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from([-1, 0, 1, 2]), st.sampled_from([1.0, 10.0, 1e3]))
def test_softmax_backward_equals_autograd(seed, axis, scale):
    rng = np.random.default_rng(seed)
    x, g = rng.normal(size=(3, 4, 5)) * scale, rng.normal(size=(3, 4, 5))
    t = torch.tensor(x, requires_grad=True)
    F.softmax(t, dim=axis).backward(torch.tensor(g))
    np.testing.assert_allclose(softmax_backward(g, softmax(x, axis), axis), t.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_softmax_backward_passes_the_numerical_gradient_check(axis):
    # Fixed inputs: a gradient entry that happens to lie near 0 makes any element-wise relative
    # error large, so random ones would make the test flaky. Each x_i moves every output of its
    # row; eps=1e-5 keeps their summed rounding error small.
    rng = np.random.default_rng(axis + 10)
    x, g = rng.normal(size=(3, 4, 5)), rng.normal(size=(3, 4, 5))
    got = softmax_backward(g, softmax(x, axis), axis)
    assert relative_error(got, numerical_gradient(lambda v: softmax(v, axis), x, g, eps=1e-5)) < 1e-7


def test_saturation_sigmoid_and_tanh_derivatives_vanish():
    sigmoid_grad, tanh_grad = ACTIVATIONS["sigmoid"].derivative, ACTIVATIONS["tanh"].derivative
    assert sigmoid_grad(0.0) == 0.25 and tanh_grad(0.0) == 1.0
    assert sigmoid_grad(10.0) < 1e-4 and tanh_grad(10.0) < 1e-8
    assert ACTIVATIONS["relu"].derivative(10.0) == 1.0


@pytest.mark.parametrize("call, error, words", [
    (lambda: get_activation("swish"), ValueError, "unknown activation 'swish'; choose one of relu, relu6"),
    (lambda: get_activation(None), TypeError, "activation name must be a str"),
    (lambda: ACTIVATIONS["relu"].function(["a"]), TypeError, "x must be an array of numbers"),
    (lambda: ACTIVATIONS["gelu"].derivative([1j]), TypeError, "x must hold real numbers"),
    (lambda: softmax(np.zeros((2, 3)), axis=2), ValueError, "axis 2 is out of range for an array with 2 dimensions"),
    (lambda: softmax(np.zeros(3), axis=0.5), TypeError, "axis must be an int"),
    (lambda: softmax_backward(np.zeros(3), np.zeros(4)), ValueError, "grad_output must have the shape of y (4,)"),
])
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
