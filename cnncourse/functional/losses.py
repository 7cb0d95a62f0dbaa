"""Loss functions and their gradients, like ``torch.nn.functional.mse_loss`` and ``cross_entropy``.

Both use the mean reduction (torch's default). A backward pass returns the gradient of the loss
with respect to the prediction, times ``grad_output`` (1.0 when the loss is the final output).
"""

import numpy as np

from ..validation import as_array


def mse_loss(input, target):
    """Mean squared error ``mean((input - target) ** 2)`` over every element.

    input, target: arrays of the same shape. Returns a float.
    """
    input, target = _check_same_shape(input, target)
    return float(np.mean((input - target) ** 2))


def mse_loss_backward(input, target, grad_output=1.0):
    """Gradient of :func:`mse_loss` with respect to ``input``: ``2 (input - target) / size``."""
    input, target = _check_same_shape(input, target)
    return grad_output * 2.0 * (input - target) / input.size


def log_softmax(logits, axis=-1):
    """``log(softmax(logits))`` computed stably: ``z - max - log(sum(exp(z - max)))`` along ``axis``."""
    logits = as_array(logits, "logits")
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def cross_entropy(logits, target):
    """Categorical cross-entropy of raw scores with integer class labels, averaged over the batch.

    logits: (N, C) scores (no softmax applied: it is part of the loss). target: (N,) ints in
    [0, C). Returns ``-mean(log_softmax(logits)[n, target[n]])`` as a float; with one-hot labels
    ``y`` that is the slide's ``-sum(y log y_hat) / N``.
    """
    logits, target = _check_classification(logits, target)
    picked = log_softmax(logits, axis=1)[np.arange(len(target)), target]
    return float(-picked.mean())


def cross_entropy_backward(logits, target, grad_output=1.0):
    """Gradient of :func:`cross_entropy` with respect to the logits, (N, C):
    ``(softmax(logits) - one_hot(target)) / N``, times ``grad_output``."""
    logits, target = _check_classification(logits, target)
    grad = np.exp(log_softmax(logits, axis=1))
    grad[np.arange(len(target)), target] -= 1.0
    return grad_output * grad / len(target)


def _check_same_shape(input, target):
    input, target = as_array(input, "input"), as_array(target, "target")
    if input.shape != target.shape:
        raise ValueError(f"input and target must have the same shape, got {input.shape} and {target.shape}")
    return input, target


def _check_classification(logits, target):
    """logits as a float (N, C) array and target as an int (N,) array of valid classes."""
    logits = as_array(logits, "logits", ndim=2)
    target = np.asarray(target)
    if not np.issubdtype(target.dtype, np.integer):
        raise TypeError(f"target must hold integer class labels, got dtype {target.dtype}")
    if target.shape != logits.shape[:1]:
        raise ValueError(f"target must have shape ({logits.shape[0]},), one label per row of logits, "
                         f"got {target.shape}")
    if target.size and (target.min() < 0 or target.max() >= logits.shape[1]):
        raise ValueError(f"target labels must lie in [0, {logits.shape[1]}) for {logits.shape[1]} classes, "
                         f"got values from {target.min()} to {target.max()}")
    return logits, target
