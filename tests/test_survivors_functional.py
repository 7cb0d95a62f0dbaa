"""Survivors of mutation testing in cnncourse.functional's activations, dropout, losses,
normalization and regularization: boundary cases, defaults and errors, against torch or by hand."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnncourse.functional import (ACTIVATIONS, batch_norm, batch_norm_backward, cross_entropy,
                                  cross_entropy_backward, dropout, dropout2d, dropout_backward,
                                  get_activation, l1_penalty, l1_penalty_grad, l2_penalty,
                                  l2_penalty_grad, log_softmax, mse_loss, mse_loss_backward, softmax,
                                  softmax_backward)


def raises(error, words, call, *args, **kwargs):
    """call(*args, **kwargs) raises ``error`` whose message starts with ``words[0]`` (the name of
    the parameter first) and contains every one of ``words``."""
    with pytest.raises(error) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert message.startswith(words[0]), message
    for word in words:
        assert word in message, (word, message)


# --- activations -------------------------------------------------------------------------------

# What each registry entry's description starts with, and that formula written with torch.
FORMULAS = {
    "relu": ("max(x, 0)", lambda t: torch.clamp(t, min=0)),
    "relu6": ("ReLU capped at 6", lambda t: torch.clamp(t, 0, 6)),
    "softplus": ("log(1 + e^x)", lambda t: torch.log1p(torch.exp(t))),
    "sigmoid": ("1 / (1 + e^-x)", lambda t: 1 / (1 + torch.exp(-t))),
    "tanh": ("tanh(x)", torch.tanh),
    "leaky_relu": ("x, or 0.01 x for x <= 0", lambda t: torch.where(t > 0, t, 0.01 * t)),
    "elu": ("x, or e^x - 1 for x <= 0", lambda t: torch.where(t > 0, t, torch.exp(t) - 1)),
    "gelu": ("x Phi(x)", lambda t: t * 0.5 * torch.erfc(-t / 2 ** 0.5)),
    "silu": ("x sigmoid(x)", lambda t: t / (1 + torch.exp(-t))),
}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_each_description_leads_with_the_formula_the_function_computes(name):
    prefix, formula = FORMULAS[name]
    function, derivative, description = ACTIVATIONS[name]
    assert description.startswith(prefix)
    x = np.linspace(-8, 8, 33)
    np.testing.assert_allclose(function(x), formula(torch.tensor(x)).numpy(), atol=1e-12)
    # every function and derivative names its argument x on bad input
    raises(TypeError, ["x must be an array of numbers"], function, ["a"])
    raises(TypeError, ["x must be an array of numbers"], derivative, ["a"])


def test_get_activation_names_the_type_it_got():
    raises(TypeError, ["activation name must be a str, got int"], get_activation, 3)


def test_softmax_axis_bounds_and_the_default_last_axis():
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    for axis in (-3, 2):  # the first and last valid axes
        np.testing.assert_allclose(softmax(x, axis), F.softmax(torch.tensor(x), dim=axis).numpy(), atol=1e-12)
    np.testing.assert_allclose(softmax(x), F.softmax(torch.tensor(x), dim=-1).numpy(), atol=1e-12)
    raises(ValueError, ["axis -4 is out of range for an array with 3 dimensions"], softmax, x, -4)
    raises(TypeError, ["x must be an array of numbers"], softmax, ["a"])
    y, g = softmax(x, -3), np.random.default_rng(1).normal(size=x.shape)
    t = torch.tensor(x, requires_grad=True)
    F.softmax(t, dim=-3).backward(torch.tensor(g))
    np.testing.assert_allclose(softmax_backward(g, y, -3), t.grad.numpy(), atol=1e-12)
    t = torch.tensor(x, requires_grad=True)
    F.softmax(t, dim=-1).backward(torch.tensor(g))
    np.testing.assert_allclose(softmax_backward(g, softmax(x)), t.grad.numpy(), atol=1e-12)
    raises(TypeError, ["y must be an array of numbers"], softmax_backward, g, ["a"])
    raises(TypeError, ["grad_output must be an array of numbers"], softmax_backward, ["a"], y)
    raises(ValueError, ["grad_output must have the shape of y (2, 3, 4), got (2, 4)"], softmax_backward, np.zeros((2, 4)), y)


# --- dropout -----------------------------------------------------------------------------------

def test_dropout_accepts_every_kind_of_number_and_seed_it_documents():
    x = np.ones((6, 7))
    np.testing.assert_array_equal(dropout(x, 0, rng=1), x)  # an int p
    np.testing.assert_array_equal(dropout(x, np.float32(0.5), rng=np.int64(3)), dropout(x, 0.5, rng=3))
    np.testing.assert_array_equal(dropout(x, np.int64(0), rng=2), x)
    np.testing.assert_array_equal(dropout(x, 0.5, training=np.bool_(False)), x)
    expected = np.random.default_rng(5).random((6, 7)) >= 0.25
    np.testing.assert_array_equal(dropout(x, 0.25, rng=5), expected / 0.75)


def test_dropout_keeps_a_value_whose_draw_equals_p_and_defaults_to_p_one_half():
    # documented rule: with u = rng.random(shape), a value is kept where u >= p
    draws = np.random.default_rng(7).random(6)
    _, keep = dropout(np.ones(6), float(draws[2]), rng=7, return_mask=True)
    np.testing.assert_array_equal(keep, draws >= draws[2])
    assert keep[2]
    x = np.ones((3, 4, 2, 2))
    np.testing.assert_array_equal(dropout(x, rng=1), (np.random.default_rng(1).random(x.shape) >= 0.5) * 2.0)
    channels = np.random.default_rng(2).random((3, 4, 1, 1)) >= 0.5
    np.testing.assert_array_equal(dropout2d(x, rng=2), np.broadcast_to(channels * 2.0, x.shape))


@pytest.mark.parametrize("drop, shape, mask_shape", [(dropout, (2, 3, 4), (2, 3, 4)),
                                                     (dropout2d, (2, 3, 4, 5), (2, 3, 1, 1)),
                                                     (dropout2d, (3, 4, 5), (3, 1, 1))])
def test_evaluation_returns_x_and_a_mask_that_keeps_everything(drop, shape, mask_shape):
    x = np.random.default_rng(0).normal(size=shape)
    out, mask = drop(x, 0.5, training=False, return_mask=True)
    assert out is x
    assert mask.dtype == bool and mask.shape == mask_shape and mask.all()
    out, mask = drop(x, 0.5, rng=0, return_mask=True)
    assert mask.shape == mask_shape and 0 < mask.sum() < mask.size


def test_float32_dropout_stays_float32_and_scales_exactly():
    x = np.ones(1000, dtype=np.float32)
    out = dropout(x, 0.2, rng=0)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(np.unique(out), np.array([0, 1 / np.float32(0.8)], dtype=np.float32))


def test_dropout_bad_arguments_name_the_parameter():
    x = np.ones(3)
    raises(TypeError, ["p must be a number in [0, 1)", "bool True"], dropout, x, True)
    raises(TypeError, ["p must be a number", "str '0.5'"], dropout, x, "0.5")
    raises(ValueError, ["p must be in [0, 1)", "got 1.0"], dropout, x, 1.0)
    raises(TypeError, ["rng must be a numpy.random.Generator, an int seed or None, got bool"],
           dropout, x, 0.5, rng=True)
    raises(TypeError, ["rng must be a numpy.random.Generator, an int seed or None, got float"],
           dropout, x, 0.5, rng=1.5)
    raises(TypeError, ["training must be True or False, got 1"], dropout, x, 0.5, training=1)
    raises(TypeError, ["x must be an array of numbers"], dropout, ["a"])
    raises(TypeError, ["x must be an array of numbers"], dropout2d, [[["a"]]])
    raises(ValueError, ["x must have 3 or 4 dimensions"], dropout2d, np.ones((2, 2)))


def test_dropout_backward_checks_the_mask_and_p():
    grad = np.arange(6.0).reshape(2, 3)
    mask = np.array([[True, False, True]])  # broadcasts, as dropout2d's masks do
    np.testing.assert_allclose(dropout_backward(grad, mask, 0.25), grad * mask / 0.75)
    raises(TypeError, ["mask must be the boolean keep mask", "got dtype float64"],
           dropout_backward, grad, mask.astype(float), 0.5)
    raises(ValueError, ["mask of shape (2, 2) does not fit grad_output of shape (2, 3)"],
           dropout_backward, grad, np.ones((2, 2), bool), 0.5)
    raises(ValueError, ["p must be in [0, 1)"], dropout_backward, grad, mask, 1.0)
    raises(TypeError, ["grad_output must be an array of numbers"], dropout_backward, ["a"], mask, 0.5)


# --- losses ------------------------------------------------------------------------------------

def test_log_softmax_defaults_to_the_last_axis_and_names_its_input():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)) * 50
    np.testing.assert_allclose(log_softmax(x), F.log_softmax(torch.tensor(x), dim=-1).numpy(), atol=1e-9)
    np.testing.assert_allclose(log_softmax(x, 0), F.log_softmax(torch.tensor(x), dim=0).numpy(), atol=1e-9)
    raises(TypeError, ["logits must be an array of numbers"], log_softmax, ["a"])


def test_loss_inputs_are_named():
    raises(TypeError, ["input must be an array of numbers"], mse_loss, ["a"], [1.0])
    raises(TypeError, ["target must be an array of numbers"], mse_loss, [1.0], ["a"])
    raises(ValueError, ["input and target must have the same shape, got (3,) and (4,)"],
           mse_loss_backward, np.zeros(3), np.zeros(4))
    raises(TypeError, ["target must hold integer class labels, got dtype float64"],
           cross_entropy, np.zeros((2, 3)), np.zeros(2))
    raises(ValueError, ["target labels must lie in [0, 3) for 3 classes, got values from 1 to 3"],
           cross_entropy_backward, np.zeros((2, 3)), np.array([1, 3]))
    raises(ValueError, ["target must have shape (2,), one label per row of logits, got (2, 1)"],
           cross_entropy, np.zeros((2, 3)), np.zeros((2, 1), int))


def test_loss_gradients_default_to_grad_output_one_and_labels_reach_the_last_class():
    logits, target = np.array([[0.0, 1.0, 2.0], [2.0, 0.0, -1.0]]), np.array([2, 0])
    t = torch.tensor(logits, requires_grad=True)
    F.cross_entropy(t, torch.tensor(target)).backward()
    np.testing.assert_allclose(cross_entropy_backward(logits, target), t.grad.numpy(), atol=1e-12)
    assert abs(cross_entropy(logits, target) - F.cross_entropy(torch.tensor(logits), torch.tensor(target)).item()) < 1e-12
    np.testing.assert_allclose(mse_loss_backward(np.array([3.0, 1.0]), np.array([1.0, 1.0])), [2.0, 0.0])


# --- normalization -----------------------------------------------------------------------------

def test_batch_norm_accepts_the_smallest_valid_settings_like_torch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 1, 1))  # two values per channel: the fewest training accepts
    for momentum in (0, 1.0, np.float32(0.5)):
        mean, var = rng.normal(size=3), rng.uniform(1, 2, size=3)
        t_mean, t_var = torch.tensor(mean), torch.tensor(var)
        out = batch_norm(x, mean, var, training=True, momentum=momentum, eps=1)
        expected = F.batch_norm(torch.tensor(x), t_mean, t_var, training=True, momentum=float(momentum), eps=1)
        np.testing.assert_allclose(out, expected.numpy(), atol=1e-12)
        np.testing.assert_allclose(mean, t_mean.numpy(), atol=1e-12)
        np.testing.assert_allclose(var, t_var.numpy(), atol=1e-12)
    grads = batch_norm_backward(np.ones_like(x), x, eps=np.float64(1e-5))
    assert grads[0].shape == x.shape


def test_batch_norm_in_evaluation_uses_weight_and_bias_per_channel():
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    out = batch_norm(x, np.array([1.0, 2.0]), np.array([4.0, 1.0]), np.array([2.0, 3.0]),
                     np.array([0.5, -1.0]), eps=1e-300)
    np.testing.assert_allclose(out, [[0.5, -1.0], [2.5, 5.0], [4.5, 11.0]])


def test_batch_norm_defaults_are_torchs_momentum_and_eps():
    rng = np.random.default_rng(3)
    x, weight = rng.normal(size=(4, 2, 3)), rng.uniform(0.5, 2, size=2)
    mean, var = np.zeros(2), np.ones(2)
    t_mean, t_var = torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(weight, requires_grad=True)
    out = F.batch_norm(tx, t_mean, t_var, tw, training=True)
    np.testing.assert_allclose(batch_norm(x, mean, var, weight, training=True), out.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(mean, t_mean.numpy(), atol=1e-12)
    np.testing.assert_allclose(var, t_var.numpy(), atol=1e-12)
    grad = rng.normal(size=x.shape)
    out.backward(torch.tensor(grad))
    grad_x, grad_weight, _ = batch_norm_backward(grad, x, weight=weight)
    np.testing.assert_allclose(grad_x, tx.grad.numpy(), atol=1e-9)
    np.testing.assert_allclose(grad_weight, tw.grad.numpy(), atol=1e-9)
    # evaluation with a tiny variance: eps=1e-5 keeps the scale finite, as in torch
    small = np.full(2, 1e-6)
    expected = F.batch_norm(torch.tensor(x), torch.zeros(2, dtype=torch.float64), torch.tensor(small))
    np.testing.assert_allclose(batch_norm(x, np.zeros(2), small.copy()), expected.numpy(), rtol=1e-12)


def test_batch_norm_of_zero_channels():
    assert batch_norm(np.ones((4, 0)), np.zeros(0), np.ones(0)).shape == (4, 0)
    raises(ValueError, ["x of shape (4, 0) has only 0 value per channel"], batch_norm, np.ones((4, 0)),
           None, None, training=True)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"eps": True}, ValueError, ["eps must be a number > 0", "got True"]),
    ({"eps": "1"}, ValueError, ["eps must be a number > 0"]),
    ({"momentum": True}, ValueError, ["momentum must be a number in [0, 1], got True"]),
    ({"momentum": "0.1"}, ValueError, ["momentum must be a number in [0, 1]"]),
    ({"momentum": -0.1}, ValueError, ["momentum must be a number in [0, 1], got -0.1"]),
    ({"bias": np.ones(2)}, ValueError, ["bias must have shape (3,), one value per channel of x, got (2,)"]),
    ({"bias": ["a"] * 3}, TypeError, ["bias must be an array of numbers"]),
    ({"weight": np.ones((3, 1))}, ValueError, ["weight must have 1 dimensions"]),
    ({"running_var": np.ones(3, int)}, TypeError, ["running_var must be a float NumPy array of shape (3,)",
                                                    "got ndarray"]),
    ({"running_var": None, "training": False}, ValueError, ["running_var is None"]),
    ({"running_mean": np.zeros(4)}, ValueError, ["running_mean must have shape (3,), one value per channel "
                                                 "of x, got (4,)"]),
])
def test_batch_norm_bad_arguments_name_the_parameter(kwargs, error, words):
    args = {"running_mean": np.zeros(3), "running_var": np.ones(3), "training": True, **kwargs}
    raises(error, words, batch_norm, np.ones((4, 3)), **args)


def test_batch_norm_backward_checks_its_arguments():
    x = np.random.default_rng(0).normal(size=(4, 3))
    raises(TypeError, ["x must be an array of numbers"], batch_norm_backward, np.ones((4, 3)), [["a"] * 3] * 4)
    raises(TypeError, ["x must be an array of numbers"], batch_norm, [["a"] * 3] * 4, None, None, training=True)
    with pytest.raises(ValueError) as info:
        batch_norm(x, None, np.ones(3))
    assert str(info.value) == ("running_mean is None: evaluation mode (training=False) normalizes with the "
                               "running statistics, so pass them")
    raises(ValueError, ["running_mean is None"], batch_norm_backward, np.ones((4, 3)), x, training=False,
           running_var=np.ones(3))
    raises(ValueError, ["running_var is None"], batch_norm_backward, np.ones((4, 3)), x, training=False,
           running_mean=np.ones(3))
    raises(ValueError, ["eps must be a number > 0"], batch_norm_backward, np.ones((4, 3)), x, eps=0.0)
    raises(ValueError, ["weight must have shape (3,)"], batch_norm_backward, np.ones((4, 3)), x,
           weight=np.ones(2))
    raises(ValueError, ["x of shape (1, 3) has only 1 value per channel"], batch_norm_backward,
           np.ones((1, 3)), np.ones((1, 3)))
    raises(TypeError, ["grad_output must be an array of numbers"], batch_norm_backward, [["a"] * 3] * 4, x)
    raises(ValueError, ["x must be (N, C) or (N, C, *)", "got shape (3,)"], batch_norm_backward,
           np.ones(3), np.ones(3))
    raises(ValueError, ["x of shape (1, 3, 1) has only 1 value per channel: training mode needs more"],
           batch_norm, np.ones((1, 3, 1)), None, None, training=True)


# --- regularization ----------------------------------------------------------------------------

def test_penalties_take_a_tuple_of_arrays_and_name_bad_ones():
    theta = (np.array([1.0, -2.0]), np.array([[3.0]]))
    assert l2_penalty(theta) == 14.0 and l1_penalty(theta) == 6.0
    grads = l2_penalty_grad(theta)
    assert len(grads) == 2
    np.testing.assert_array_equal(grads[1], [[6.0]])
    np.testing.assert_array_equal(l1_penalty_grad(np.array([-3.0, 0.0, 2.0])), [-1.0, 0.0, 1.0])
    raises(TypeError, ["params must be an array of numbers"], l2_penalty, "w")
    raises(TypeError, ["params[0] must be an array of numbers"], l1_penalty_grad, ("w",))
    raises(ValueError, ["params must hold at least one array"], l2_penalty_grad, ())
