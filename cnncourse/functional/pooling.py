"""Max and average pooling, forward and backward, like ``torch.nn.functional``.

A pooling window slides over each channel on its own (no weights, no mixing of channels) and
keeps one number per position: the largest value (max pooling) or the mean (average pooling).
Output size per axis: ``(n + 2 p - k) // s + 1`` (torch's ``ceil_mode=False``).

The backward passes route ``grad_output`` back to the input: max pooling sends each output's
gradient to the one input that was the maximum of its window, average pooling spreads it evenly
over the window. Where windows overlap, the contributions add up.
"""

import numpy as np

from ..validation import as_array, as_pair
from .convolution import _windows, _zero_pad

NO_DILATION = (1, 1)


def max_pool2d(x, kernel_size, stride=None, padding=0, return_indices=False):
    """Max pooling like ``torch.nn.functional.max_pool2d``.

    x: (N, C, H, W) or (C, H, W). kernel_size, stride (default: kernel_size), padding: int or
    (height, width); padding is at most half the window and is filled with -inf, so it never wins.
    Returns (N, C, H_out, W_out), and with ``return_indices`` also the int64 position of each
    maximum as a flat index ``row * W + col`` into its (H, W) input channel, as torch does.
    """
    x, unbatched, (kernel, stride, pad) = _check_pool_args(x, kernel_size, stride, padding)
    values, winners = _window_maxima(x, kernel, stride, pad)
    if return_indices:
        indices = _flat_input_index(winners, x.shape[-1], kernel, stride, pad)
        return (values[0], indices[0]) if unbatched else (values, indices)
    return values[0] if unbatched else values


def avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True):
    """Average pooling like ``torch.nn.functional.avg_pool2d`` (``ceil_mode=False``).

    x: (N, C, H, W) or (C, H, W); arguments as in :func:`max_pool2d`. Padding adds zeros; with
    torch's default ``count_include_pad=True`` they count in the mean (every window divides by
    kH * kW), with False a window divides by the number of real input values it covers.
    Returns (N, C, H_out, W_out) (or (C, H_out, W_out)).
    """
    x, unbatched, (kernel, stride, pad) = _check_pool_args(x, kernel_size, stride, padding)
    sums = _windows(_zero_pad(x, pad), kernel, stride, NO_DILATION).sum(axis=(-2, -1))
    out = sums / _window_counts(x.shape, kernel, stride, pad, count_include_pad).astype(x.dtype)
    return out[0] if unbatched else out


def adaptive_avg_pool2d(x, output_size):
    """Average pooling to a fixed output size, like ``torch.nn.functional.adaptive_avg_pool2d``.

    x: (N, C, H, W) or (C, H, W); output_size: int or (H_out, W_out). Output row i averages input
    rows ``floor(i H / H_out)`` to ``ceil((i + 1) H / H_out) - 1`` (columns likewise), so windows
    may differ in size by one. ``output_size=1`` is global average pooling: one mean per channel.
    """
    x = as_array(x, "x", ndim=(3, 4))
    out_h, out_w = as_pair(output_size, "output_size", minimum=1)
    rows = _averaging_matrix(x.shape[-2], out_h).astype(x.dtype)
    cols = _averaging_matrix(x.shape[-1], out_w).astype(x.dtype)
    return rows @ x @ cols.T


def max_pool2d_backward(grad_output, x, kernel_size, stride=None, padding=0):
    """Gradient of max pooling with respect to its input x.

    grad_output: shaped like ``max_pool2d(x, ...)``; the other arguments as given to it.
    Each output's gradient goes to the position of its window's maximum (the first one, on ties,
    as in torch); every other input gets nothing from that window. Returns an array shaped like x.
    """
    x, unbatched, (kernel, stride, pad) = _check_pool_args(x, kernel_size, stride, padding)
    _, winners = _window_maxima(x, kernel, stride, pad)
    grad = _check_grad_output(grad_output, x, winners.shape, unbatched)
    one_hot = winners[..., None] == np.arange(kernel[0] * kernel[1])  # (N, C, H', W', kH * kW)
    per_window = (grad[..., None] * one_hot).reshape(grad.shape + kernel)
    return _unpad(_fold(per_window, x.shape, stride, pad), pad, unbatched)


def avg_pool2d_backward(grad_output, x, kernel_size, stride=None, padding=0, count_include_pad=True):
    """Gradient of average pooling with respect to its input x.

    grad_output: shaped like ``avg_pool2d(x, ...)``; the other arguments as given to it.
    Each output's gradient, divided by its window's divisor, goes to every input in the window
    (the share that falls on padding is dropped). Returns an array shaped like x.
    """
    x, unbatched, (kernel, stride, pad) = _check_pool_args(x, kernel_size, stride, padding)
    counts = _window_counts(x.shape, kernel, stride, pad, count_include_pad)
    grad = _check_grad_output(grad_output, x, x.shape[:2] + counts.shape, unbatched)
    share = grad / counts.astype(x.dtype)
    per_window = np.broadcast_to(share[..., None, None], share.shape + kernel)
    return _unpad(_fold(per_window, x.shape, stride, pad), pad, unbatched)


def _check_pool_args(x, kernel_size, stride, padding):
    """Validate pooling arguments; return x as (N, C, H, W), whether it was unbatched, and the
    normalised (kernel, stride, ((top, bottom), (left, right))) as torch checks them."""
    x = as_array(x, "x", ndim=(3, 4))
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    kernel = as_pair(kernel_size, "kernel_size", minimum=1)
    stride = kernel if stride is None else as_pair(stride, "stride", minimum=1)
    ph, pw = as_pair(padding, "padding", minimum=0)
    for axis, name in enumerate(("height", "width")):
        k, p = kernel[axis], (ph, pw)[axis]
        if p > k // 2:
            raise ValueError(
                f"padding {name} {p} is more than half the window {name} {k}: torch allows at most "
                f"kernel_size // 2 = {k // 2}"
            )
        padded = x.shape[2 + axis] + 2 * p
        if k > padded:
            raise ValueError(
                f"kernel_size {name} {k} is larger than the padded input {name} {padded} "
                f"(input {x.shape[2 + axis]} + 2 x padding {p})"
            )
    return x, unbatched, (kernel, stride, ((ph, ph), (pw, pw)))


def _window_maxima(x, kernel, stride, pad):
    """Max of every window of x (N, C, H, W) padded with -inf, and where it lies in its window
    (a flat index ``a * kW + b``, the first maximum on ties). Both (N, C, H_out, W_out)."""
    padded = np.pad(x, ((0, 0), (0, 0)) + pad, constant_values=-np.inf)
    windows = _windows(padded, kernel, stride, NO_DILATION)
    flat = windows.reshape(windows.shape[:4] + (-1,))
    winners = flat.argmax(axis=-1)
    return np.take_along_axis(flat, winners[..., None], axis=-1)[..., 0], winners


def _flat_input_index(winners, width, kernel, stride, pad):
    """Turn window positions of maxima into torch's indices ``row * W + col`` of the unpadded input."""
    a, b = np.divmod(winners, kernel[1])
    out_rows, out_cols = np.arange(winners.shape[2])[:, None], np.arange(winners.shape[3])
    rows = out_rows * stride[0] + a - pad[0][0]
    cols = out_cols * stride[1] + b - pad[1][0]
    return (rows * width + cols).astype(np.int64)


def _window_counts(shape, kernel, stride, pad, count_include_pad):
    """Divisor of each output of average pooling, (H_out, W_out): the window size, or with
    ``count_include_pad=False`` the number of real (unpadded) inputs in the window."""
    ones = np.ones((1, 1) + tuple(shape[2:]))
    padded = np.pad(ones, ((0, 0), (0, 0)) + pad, constant_values=1.0 if count_include_pad else 0.0)
    return _windows(padded, kernel, stride, NO_DILATION).sum(axis=(-2, -1))[0, 0]


def _averaging_matrix(size, out_size):
    """(out_size, size) matrix whose row i averages torch's adaptive window i of an axis of ``size``."""
    starts = np.arange(out_size) * size // out_size
    ends = -(-(np.arange(out_size) + 1) * size // out_size)  # ceiling division
    positions = np.arange(size)
    inside = (positions >= starts[:, None]) & (positions < ends[:, None])
    return inside / (ends - starts)[:, None]


def _check_grad_output(grad_output, x, expected_shape, unbatched):
    """grad_output as a batched array of the forward output's shape, or a clear error."""
    grad = as_array(grad_output, "grad_output", ndim=3 if unbatched else 4)
    expected = tuple(expected_shape)[1:] if unbatched else tuple(expected_shape)
    if grad.shape != expected:
        raise ValueError(f"grad_output must have the shape of the pooling output {expected}, got {grad.shape}")
    grad = grad[None] if unbatched else grad
    return grad.astype(np.result_type(grad, x), copy=False)


def _fold(per_window, shape, stride, pad):
    """Add window-shaped pieces back onto the padded input grid: the adjoint of ``_windows``.

    per_window: (N, C, H_out, W_out, kH, kW), what each window sends to each of its cells.
    shape: (N, C, H, W) of the unpadded input. Returns (N, C, H + pads, W + pads).
    """
    n, c, h_out, w_out, kh, kw = per_window.shape
    sh, sw = stride
    (top, bottom), (left, right) = pad
    grid = np.zeros((n, c, shape[2] + top + bottom, shape[3] + left + right), dtype=per_window.dtype)
    for a in range(kh):  # one strided slice per cell of the window: kH * kW vectorised additions
        for b in range(kw):
            grid[:, :, a:a + sh * (h_out - 1) + 1:sh, b:b + sw * (w_out - 1) + 1:sw] += per_window[..., a, b]
    return grid


def _unpad(grid, pad, unbatched):
    """Cut the padding off a (N, C, H_padded, W_padded) array (and the batch axis if unbatched)."""
    (top, bottom), (left, right) = pad
    grid = grid[:, :, top:grid.shape[2] - bottom, left:grid.shape[3] - right]
    return grid[0] if unbatched else grid
