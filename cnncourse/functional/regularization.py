"""L2 and L1 penalties on a network's parameters, and their gradients.

A penalty Omega(theta) is added to the loss, scaled by a strength lambda:
``J(theta) + lambda * Omega(theta)``.

- L2: ``Omega = sum_i theta_i ** 2``, gradient ``2 theta``: every weight is pulled towards zero
  in proportion to its size, so weights become small but rarely exactly zero.
- L1: ``Omega = sum_i |theta_i|``, gradient ``sign(theta)`` (0 at 0, as torch's ``abs``): a
  pull of constant size, which drives many weights to exactly zero (sparse weights).

``params`` is one array or a list of arrays (a network's weights); the gradients come back in the
same form.
"""

import numpy as np

from ..validation import as_array


def l2_penalty(params):
    """``sum(theta ** 2)`` over every value of every array in ``params``, a float."""
    return float(sum(np.sum(p * p) for p in _as_list(params)))


def l2_penalty_grad(params):
    """Gradient of :func:`l2_penalty`: ``2 theta``, shaped like ``params``."""
    return _like(params, [2.0 * p for p in _as_list(params)])


def l1_penalty(params):
    """``sum(|theta|)`` over every value of every array in ``params``, a float."""
    return float(sum(np.sum(np.abs(p)) for p in _as_list(params)))


def l1_penalty_grad(params):
    """Gradient (sub-gradient at 0) of :func:`l1_penalty`: ``sign(theta)``, shaped like ``params``."""
    return _like(params, [np.sign(p) for p in _as_list(params)])


def _as_list(params):
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("params must hold at least one array")
        return [as_array(p, f"params[{i}]") for i, p in enumerate(params)]
    return [as_array(params, "params")]


def _like(params, grads):
    return grads if isinstance(params, (list, tuple)) else grads[0]
