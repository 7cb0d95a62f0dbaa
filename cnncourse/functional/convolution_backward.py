"""Backward pass of :func:`conv2d`: the gradients with respect to its input, weight and bias.

Every output ``y[n, o, i, j]`` is a window of the padded input times filter ``o`` plus ``b[o]``.
Going back, with ``g = dLoss/dy``:

- ``grad_weight[o, c, a, b]`` sums ``g[n, o, i, j]`` times the input value that met weight
  ``(a, b)`` in window ``(i, j)``: a correlation of the input with the upstream gradient;
- ``grad_x`` receives from every window its filters weighted by ``g``, added back where the
  window sat; for stride 1 that is a "full" convolution of ``g`` with the flipped kernel;
- ``grad_bias[o]`` sums ``g`` over the batch and every position.
"""

import numpy as np

from ..validation import as_array
from .convolution import _check_conv_args, _windows, _zero_pad
from .pooling import _fold, _unpad


def conv2d_backward(grad_output, x, weight, stride=1, padding=0, dilation=1, groups=1):
    """Gradients of ``conv2d(x, weight, bias, stride, padding, dilation, groups)``.

    grad_output: (N, C_out, H_out, W_out) (or (C_out, H_out, W_out) for an unbatched x), the
    gradient of the loss with respect to conv2d's output. x, weight and the hyper-parameters as
    given to :func:`conv2d`. Returns ``(grad_x, grad_weight, grad_bias)`` shaped like x,
    (C_out, C_in / groups, kH, kW) and (C_out,).
    """
    x, weight, _, unbatched, (stride, pad, dilation, groups) = _check_conv_args(
        x, weight, None, stride, padding, dilation, groups
    )
    n, c_in = x.shape[:2]
    c_out, c_group, kh, kw = weight.shape
    windows = _windows(_zero_pad(x, pad), (kh, kw), stride, dilation)  # (N, C_in, H', W', kH, kW)
    grad = _check_grad_output(grad_output, (n, c_out) + windows.shape[2:4], unbatched)
    grad = grad.astype(np.result_type(grad, x, weight), copy=False)
    h_out, w_out = grad.shape[2:]
    per_group = c_out // groups
    grad_g = grad.reshape(n, groups, per_group, h_out, w_out)
    filters = weight.reshape(groups, per_group, c_group, kh, kw)
    windows = windows.reshape(n, groups, c_group, h_out, w_out, kh, kw)

    grad_weight = np.einsum("ngoij,ngcijab->gocab", grad_g, windows, optimize=True)
    grad_bias = grad.sum(axis=(0, 2, 3))
    # What each window sends back to each of its cells, then added up where the windows sit.
    per_window = np.einsum("ngoij,gocab->ngcijab", grad_g, filters, optimize=True)
    per_window = per_window.reshape(n, c_in, h_out, w_out, kh, kw)
    grad_x = _unpad(_fold(_dilate_kernel_axes(per_window, dilation), x.shape, stride, pad), pad, unbatched)
    return grad_x, grad_weight.reshape(weight.shape), grad_bias


def _dilate_kernel_axes(per_window, dilation):
    """Spread the last two (kernel) axes ``dilation`` cells apart, zeros between: a dilated kernel
    touches the cells ``(a dH, b dW)`` of a window of size ``(dH (kH - 1) + 1, dW (kW - 1) + 1)``."""
    dh, dw = dilation
    if (dh, dw) == (1, 1):
        return per_window
    kh, kw = per_window.shape[-2:]
    spread = np.zeros(per_window.shape[:-2] + (dh * (kh - 1) + 1, dw * (kw - 1) + 1), per_window.dtype)
    spread[..., ::dh, ::dw] = per_window
    return spread


def _check_grad_output(grad_output, expected, unbatched):
    """grad_output as a batched array of conv2d's output shape ``expected``, or a clear error."""
    grad = as_array(grad_output, "grad_output", ndim=3 if unbatched else 4)
    wanted = expected[1:] if unbatched else expected
    if grad.shape != tuple(wanted):
        raise ValueError(f"grad_output must have the shape of conv2d's output {tuple(wanted)}, got {grad.shape}")
    return grad[None] if unbatched else grad
