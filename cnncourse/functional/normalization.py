"""Batch normalization, forward and backward, exactly as ``torch.nn.functional.batch_norm``.

For each channel c of a batch x of shape (N, C, ...) the layer computes

    y = weight[c] * (x - mean) / sqrt(var + eps) + bias[c]

In **training** mode, mean and var are the statistics of the current batch over every axis
but the channel one (var is the biased variance, divided by the count M = N x H x W), and the
running statistics are updated in place, as torch does:
``running = (1 - momentum) * running + momentum * batch``, where the running variance takes the
*unbiased* batch variance (divided by M - 1). In **evaluation** mode the running statistics are
used instead, so the output of an example no longer depends on the others in its batch.
"""

import numpy as np

from ..validation import as_array


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5):
    """Batch normalization like ``torch.nn.functional.batch_norm``.

    x: (N, C) or (N, C, *), e.g. (N, C, H, W). running_mean, running_var: (C,) float arrays, or
    None (then ``training`` must be True); in training mode they are updated in place.
    weight (gamma), bias (beta): (C,) or None (1 and 0). momentum in [0, 1], eps > 0.
    Returns an array shaped like x.
    """
    x, axes, count = _check_input(x)
    channels = x.shape[1]
    weight, bias = (_check_channel_vector(v, name, channels) for v, name in ((weight, "weight"), (bias, "bias")))
    eps, momentum = _check_eps(eps), _check_momentum(momentum)
    _check_running(running_mean, "running_mean", channels, training)
    _check_running(running_var, "running_var", channels, training)
    if training:
        if count < 2:
            raise ValueError(f"x of shape {x.shape} has only {count} value per channel: training "
                             "mode needs more than one to compute a variance")
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        if running_mean is not None:
            running_mean *= 1.0 - momentum
            running_mean += momentum * mean
        if running_var is not None:
            running_var *= 1.0 - momentum
            running_var += momentum * var * count / (count - 1)
    else:
        mean, var = np.asarray(running_mean), np.asarray(running_var)
    scale = 1.0 / np.sqrt(var + eps)
    if weight is not None:
        scale = scale * weight
    shift = -mean * scale + (0.0 if bias is None else bias)
    shape = (1, channels) + (1,) * (x.ndim - 2)
    return (x * scale.reshape(shape) + shift.reshape(shape)).astype(x.dtype, copy=False)


def batch_norm_backward(grad_output, x, running_mean=None, running_var=None, weight=None,
                        training=True, eps=1e-5):
    """Gradients of :func:`batch_norm` with respect to x, weight and bias.

    grad_output: shaped like x. The other arguments as given to the forward pass (in training
    mode the running statistics are not needed: the batch's own statistics are recomputed).
    Returns ``(grad_x, grad_weight, grad_bias)`` shaped like x, (C,) and (C,); without a weight,
    grad_weight is still the gradient with respect to a gamma of ones.

    In training mode, with x_hat the normalized input, g = grad_output * weight and sums over the
    M values of a channel, the mean and variance depend on x too, which gives
    ``grad_x = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)``.
    """
    x, axes, count = _check_input(x)
    channels = x.shape[1]
    grad_output = as_array(grad_output, "grad_output")
    if grad_output.shape != x.shape:
        raise ValueError(f"grad_output must have the shape of x {x.shape}, got {grad_output.shape}")
    weight = _check_channel_vector(weight, "weight", channels)
    eps = _check_eps(eps)
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if training:
        if count < 2:
            raise ValueError(f"x of shape {x.shape} has only {count} value per channel")
        mean, var = x.mean(axis=axes), x.var(axis=axes)
    else:
        _check_running(running_mean, "running_mean", channels, training=False)
        _check_running(running_var, "running_var", channels, training=False)
        mean, var = np.asarray(running_mean), np.asarray(running_var)
    inv_std = (1.0 / np.sqrt(var + eps)).reshape(shape)
    x_hat = (x - mean.reshape(shape)) * inv_std
    grad_bias = grad_output.sum(axis=axes)
    grad_weight = (grad_output * x_hat).sum(axis=axes)
    g = grad_output if weight is None else grad_output * weight.reshape(shape)
    if training:
        g_mean = g.mean(axis=axes, keepdims=True)
        g_xhat_mean = (g * x_hat).mean(axis=axes, keepdims=True)
        grad_x = (g - g_mean - x_hat * g_xhat_mean) * inv_std
    else:
        grad_x = g * inv_std
    return grad_x, grad_weight, grad_bias


def _check_input(x):
    """x as an array (N, C, ...); the axes to average over and the number M of values per channel."""
    x = as_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must be (N, C) or (N, C, *) with the channels on axis 1, got shape {x.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    return x, axes, x.size // x.shape[1] if x.shape[1] else 0


def _check_channel_vector(value, name, channels):
    if value is None:
        return None
    value = as_array(value, name, ndim=1)
    if value.shape != (channels,):
        raise ValueError(f"{name} must have shape ({channels},), one value per channel of x, got {value.shape}")
    return value


def _check_running(value, name, channels, training):
    """The running statistics must be (C,) float arrays (updated in place), or None in training."""
    if value is None:
        if not training:
            raise ValueError(f"{name} is None: evaluation mode (training=False) normalizes with the "
                             "running statistics, so pass them")
        return
    if not isinstance(value, np.ndarray) or not np.issubdtype(value.dtype, np.floating):
        raise TypeError(f"{name} must be a float NumPy array of shape ({channels},) (it is updated in "
                        f"place), got {type(value).__name__}")
    if value.shape != (channels,):
        raise ValueError(f"{name} must have shape ({channels},), one value per channel of x, got {value.shape}")


def _check_eps(eps):
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.floating)) or not eps > 0:
        raise ValueError(f"eps must be a number > 0 (it keeps sqrt(var + eps) away from zero), got {eps!r}")
    return float(eps)


def _check_momentum(momentum):
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.floating)) \
            or not 0.0 <= momentum <= 1.0:
        raise ValueError(f"momentum must be a number in [0, 1], got {momentum!r}")
    return float(momentum)
