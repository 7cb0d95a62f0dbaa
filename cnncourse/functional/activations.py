"""Activation functions and their derivatives, with torch's values and torch's choices at kinks.

Every function takes an array of any shape and works element by element (except
:func:`softmax`), returning float64, or float32 for float32 input. ``<name>_grad(x)`` is the
derivative d<name>/dx at x, the number autograd multiplies the incoming gradient by. Where a
function has a kink, the derivative there is the one torch's autograd uses (ReLU'(0) = 0).
All are written to survive huge inputs: nothing overflows for |x| = 1e4.

:data:`ACTIVATIONS` lists the element-wise ones for widgets and notebooks.
"""

import math
from typing import Callable, NamedTuple

import numpy as np

from ..validation import as_array, as_int

SQRT_HALF = math.sqrt(0.5)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def relu(x):
    """Rectified linear unit: max(x, 0)."""
    x = as_array(x, "x")
    return np.maximum(x, 0)


def relu_grad(x):
    """1 where x > 0, else 0 (also at x = 0, as in torch)."""
    x = as_array(x, "x")
    return (x > 0).astype(x.dtype)


def relu6(x):
    """ReLU capped at 6: min(max(x, 0), 6)."""
    x = as_array(x, "x")
    return np.clip(x, 0, 6)


def relu6_grad(x):
    """1 where 0 < x < 6, else 0 (torch's choice at both kinks)."""
    x = as_array(x, "x")
    return ((x > 0) & (x < 6)).astype(x.dtype)


def softplus(x):
    """log(1 + e^x), a smooth ReLU; computed as max(x, 0) + log(1 + e^-|x|) so e^x never overflows.

    (torch returns x itself above x = 20, where the two differ by less than 1e-8.)
    """
    x = as_array(x, "x")
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_grad(x):
    """The derivative of softplus is the sigmoid."""
    return sigmoid(x)


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + e^-x), in (0, 1).

    Computed from e^-|x| <= 1: 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) for x < 0, which are
    equal, so neither overflows.
    """
    x = as_array(x, "x")
    small = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, small) / (1.0 + small)


def sigmoid_grad(x):
    """sigmoid(x) (1 - sigmoid(x)): at most 1/4 (at x = 0), and nearly 0 once |x| > 5."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    """Hyperbolic tangent, in (-1, 1): 2 sigmoid(2x) - 1."""
    x = as_array(x, "x")
    return np.tanh(x)


def tanh_grad(x):
    """1 - tanh(x)^2: at most 1 (at x = 0), and nearly 0 once |x| > 3."""
    t = tanh(x)
    return 1 - t * t


def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, negative_slope * x otherwise: negative inputs keep a small gradient."""
    x = as_array(x, "x")
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_grad(x, negative_slope=0.01):
    """1 where x > 0, else negative_slope (also at x = 0, as in torch)."""
    x = as_array(x, "x")
    return np.where(x > 0, 1.0, negative_slope).astype(x.dtype)


def elu(x, alpha=1.0):
    """Exponential linear unit: x for x > 0, alpha (e^x - 1) otherwise (smooth, tends to -alpha)."""
    x = as_array(x, "x")
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_grad(x, alpha=1.0):
    """1 where x > 0, else alpha e^x (alpha at x = 0, as in torch)."""
    x = as_array(x, "x")
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0))).astype(x.dtype)


def gelu(x):
    """Gaussian error linear unit, exact form (torch's default): x Phi(x), Phi the normal CDF.

    Phi(x) = erfc(-x / sqrt 2) / 2, which stays accurate far into the negative tail.
    """
    x = as_array(x, "x")
    return x * _normal_cdf(x)


def gelu_grad(x):
    """Phi(x) + x phi(x), with phi the standard normal density; negative below x = -0.75, GELU's minimum."""
    x = as_array(x, "x")
    z = np.minimum(np.abs(x), 40.0)  # the density is 0 in float64 beyond 40, and x * x could overflow
    return _normal_cdf(x) + x * INV_SQRT_2PI * np.exp(-0.5 * z * z)


def silu(x):
    """Sigmoid linear unit (also called swish): x sigmoid(x)."""
    x = as_array(x, "x")
    return x * sigmoid(x)


def silu_grad(x):
    """sigmoid(x) (1 + x (1 - sigmoid(x)))."""
    x = as_array(x, "x")
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


def softmax(x, axis=-1):
    """Softmax along ``axis``: e^x_i / sum_j e^x_j, positive and summing to 1.

    x: any shape (e.g. (N, classes) scores). Subtracting the maximum first changes nothing
    mathematically (it cancels in the ratio) but keeps every exponent <= 0, so e^1000 never
    overflows to inf and the result is never nan.
    """
    x = as_array(x, "x")
    axis = _check_axis(axis, x.ndim)
    exps = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)


def softmax_backward(grad_output, y, axis=-1):
    """Gradient through softmax: the vector-Jacobian product, as in torch's autograd.

    y = softmax(x, axis) (the forward output; the input is not needed); grad_output: shaped like y.
    The Jacobian of one softmax vector is dy_i/dx_j = y_i (delta_ij - y_j), so the gradient with
    respect to x is ``y * (grad_output - sum(grad_output * y, axis))``. Returns an array shaped like y.
    """
    y = as_array(y, "y")
    grad_output = as_array(grad_output, "grad_output")
    if grad_output.shape != y.shape:
        raise ValueError(f"grad_output must have the shape of y {y.shape}, got {grad_output.shape}")
    axis = _check_axis(axis, y.ndim)
    return y * (grad_output - np.sum(grad_output * y, axis=axis, keepdims=True))


class Activation(NamedTuple):
    """One entry of :data:`ACTIVATIONS`: f(x), f'(x) and what the function is known for."""

    function: Callable
    derivative: Callable
    description: str


ACTIVATIONS = {
    "relu": Activation(relu, relu_grad, "max(x, 0): cheap, no saturation for x > 0; the default"),
    "relu6": Activation(relu6, relu6_grad, "ReLU capped at 6: bounded, friendly to low-precision "
                        "hardware (MobileNet, EfficientNet-Lite)"),
    "softplus": Activation(softplus, softplus_grad, "log(1 + e^x): a smooth ReLU whose derivative "
                           "is the sigmoid"),
    "sigmoid": Activation(sigmoid, sigmoid_grad, "1 / (1 + e^-x) in (0, 1): saturates at both ends, "
                          "derivative at most 1/4"),
    "tanh": Activation(tanh, tanh_grad, "tanh(x) in (-1, 1): zero-centred, but saturates at both ends"),
    "leaky_relu": Activation(leaky_relu, leaky_relu_grad, "x, or 0.01 x for x <= 0: negative inputs "
                             "keep a small gradient"),
    "elu": Activation(elu, elu_grad, "x, or e^x - 1 for x <= 0: smooth, negative outputs down to -1"),
    "gelu": Activation(gelu, gelu_grad, "x Phi(x), Phi the normal CDF: smooth ReLU of transformers "
                       "and ConvNeXt"),
    "silu": Activation(silu, silu_grad, "x sigmoid(x), also called swish: smooth, used in "
                       "EfficientNet"),
}


def get_activation(name):
    """The :class:`Activation` called ``name``, or a clear error listing the known names."""
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a str, got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def _normal_cdf(x):
    from scipy.special import erfc  # here, not above: importing SciPy's special functions takes 0.3 s

    return 0.5 * erfc(-x * SQRT_HALF)


def _check_axis(axis, ndim):
    axis = as_int(axis, "axis")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array with {ndim} dimensions")
    return axis
