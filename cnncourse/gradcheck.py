"""Numerical gradient checking: is a hand-written backward pass right?

A backward pass receives ``grad_output`` (the gradient of some loss with respect to the output of
``f``) and returns the gradient with respect to the input, ``grad_output`` times the Jacobian of
``f``. :func:`numerical_gradient` estimates the same vector with centred differences, one input
element at a time, and :func:`relative_error` says how far apart the two are (CS231n's measure:
below about 1e-7 in float64 means the backward pass is right).
"""

import numpy as np

from .validation import as_array


def numerical_gradient(f, x, grad_output, eps=1e-6):
    """Centred-difference estimate of the gradient of ``sum(f(x) * grad_output)`` with respect to x.

    f: a function of one array returning an array shaped like ``grad_output``.
    x: any shape; a float64 copy is perturbed, ``x`` itself is left alone.
    Returns an array shaped like x whose element i is
    ``sum((f(x + eps e_i) - f(x - eps e_i)) * grad_output) / (2 eps)``.
    The outputs are subtracted before they are weighted and summed, so outputs that x_i does not
    touch cancel exactly and add no rounding error. Costs 2 x.size calls of f.
    """
    x = as_array(x, "x").astype(np.float64)  # a copy: perturbed in place below
    grad_output = as_array(grad_output, "grad_output")
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps!r}")
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + eps
        above = np.asarray(f(x), dtype=np.float64)
        flat_x[i] = original - eps
        below = np.asarray(f(x), dtype=np.float64)
        flat_x[i] = original
        if i == 0 and above.shape != grad_output.shape:
            raise ValueError(f"f(x) has shape {above.shape} but grad_output has shape {grad_output.shape}")
        flat_grad[i] = np.sum((above - below) * grad_output) / (2 * eps)
    return grad


def relative_error(a, b):
    """max over elements of |a - b| / max(1e-8, |a| + |b|): 0 for equal arrays, at most 1.

    a, b: arrays of the same shape.
    """
    a, b = as_array(a, "a"), as_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
