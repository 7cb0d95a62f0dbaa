"""Inverted dropout and spatial dropout, forward and backward, like ``torch.nn.functional``.

In training, each value is kept with probability ``1 - p`` and set to zero otherwise; the kept
values are multiplied by ``1 / (1 - p)``, so every value's expected output equals its input
and nothing has to change at evaluation time, where dropout is the identity. Spatial dropout
(``dropout2d``) drops whole channels of an (N, C, H, W) batch at once: neighbouring pixels of a
feature map are strongly correlated, so dropping single pixels would hardly hide anything.

The random draw is ``u = rng.random(shape)``, and a value is kept where ``u >= p``; the same
``rng`` seed gives the same mask, and the backward pass reuses that mask.
"""

import numpy as np

from ..validation import as_array


def dropout(x, p=0.5, training=True, rng=None, return_mask=False):
    """Inverted dropout like ``torch.nn.functional.dropout``.

    x: any shape. p: probability of zeroing each value, in [0, 1). rng: a ``numpy.random.Generator``,
    an int seed, or None (fresh randomness). Returns an array shaped like x (x itself, unchanged,
    when ``training`` is False), and with ``return_mask`` also the boolean keep mask.
    """
    x = as_array(x, "x")
    return _drop(x, p, training, rng, return_mask, x.shape)


def dropout2d(x, p=0.5, training=True, rng=None, return_mask=False):
    """Spatial dropout like ``torch.nn.functional.dropout2d``: whole channels are zeroed.

    x: (N, C, H, W) or (C, H, W). The keep mask is (N, C, 1, 1) (or (C, 1, 1)): one draw per
    channel, broadcast over its H x W map. Other arguments as in :func:`dropout`.
    """
    x = as_array(x, "x", ndim=(3, 4))
    return _drop(x, p, training, rng, return_mask, x.shape[:-2] + (1, 1))


def dropout_backward(grad_output, mask, p):
    """Gradient of :func:`dropout` or :func:`dropout2d` with respect to x, in training mode.

    grad_output: shaped like the output. mask: the keep mask the forward pass returned (it
    broadcasts for dropout2d). Dropped values pass no gradient; kept ones pass it times 1 / (1 - p).
    """
    grad_output = as_array(grad_output, "grad_output")
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be the boolean keep mask from the forward pass, got dtype {mask.dtype}")
    try:
        np.broadcast_shapes(mask.shape, grad_output.shape)
    except ValueError:
        raise ValueError(f"mask of shape {mask.shape} does not fit grad_output of shape "
                         f"{grad_output.shape}") from None
    return grad_output * mask / (1.0 - check_probability(p))


def check_probability(p):
    """Return the dropout probability ``p`` as a float, if it lies in [0, 1)."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)):
        raise TypeError(f"p must be a number in [0, 1), got {type(p).__name__} {p!r}")
    if not 0.0 <= p < 1.0:
        raise ValueError(f"p must be in [0, 1) (the probability of dropping a value; 1 would drop "
                         f"everything and the scaling 1 / (1 - p) would divide by zero), got {p!r}")
    return float(p)


def as_generator(rng):
    """A ``numpy.random.Generator`` from a Generator, an int seed or None."""
    if rng is None or isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None, got {type(rng).__name__}")


def _drop(x, p, training, rng, return_mask, mask_shape):
    p = check_probability(p)
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training must be True or False, got {training!r}")
    if not training:
        return (x, np.ones(mask_shape, dtype=bool)) if return_mask else x
    keep = as_generator(rng).random(mask_shape) >= p
    out = x * keep / x.dtype.type(1.0 - p)
    return (out, keep) if return_mask else out
