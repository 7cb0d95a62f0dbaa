"""Transposed convolution: every input value stamps a scaled copy of the kernel onto the output.

Where a convolution gathers a window of inputs into one output, a transposed convolution scatters
one input into a window of outputs; windows of neighbouring inputs lie ``stride`` cells apart and
overlapping stamps add up. It is the transpose (adjoint) of :func:`conv2d` with the same settings,
so it maps a conv2d output shape back to (one of) the input shapes: the usual way to upsample.
"""

import numpy as np

from ..validation import as_array, as_pair


def conv_transpose_output_size(n, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """Output length of a transposed convolution: ``(n - 1) s - 2p + d(k - 1) + output_padding + 1``.

    Ints give an int, pairs (height, width) a tuple. ``padding`` crops p cells from each side of
    the full result; ``output_padding`` adds cells at the bottom/right only, to pick among the input
    sizes a strided conv2d maps to the same size, and must be smaller than the stride or the dilation.
    A size below 1 raises ValueError (where torch returns an empty tensor for a size of 0).
    """
    args = (n, kernel_size, stride, padding, output_padding, dilation)
    pairs = zip(as_pair(n, "n", minimum=1), as_pair(kernel_size, "kernel_size", minimum=1),
                as_pair(stride, "stride", minimum=1), as_pair(padding, "padding", minimum=0),
                as_pair(output_padding, "output_padding", minimum=0), as_pair(dilation, "dilation", minimum=1))
    scalar = not any(isinstance(a, (tuple, list)) for a in args)
    sizes = tuple(_transposed_length(*values, axis="" if scalar else name + " ")
                  for values, name in zip(pairs, ("height", "width")))
    return sizes[0] if scalar else sizes


def _transposed_length(n, k, s, p, op, d, axis):
    if op >= max(s, d):
        raise ValueError(f"output_padding {axis}must be smaller than the stride or the dilation: "
                         f"got output_padding {op}, stride {s}, dilation {d}")
    size = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
    if size < 1:
        raise ValueError(
            f"no output: (n-1)s - 2p + d(k-1) + output_padding + 1 = ({n}-1)*{s} - 2*{p} + "
            f"{d}*({k}-1) + {op} + 1 = {size} {axis}cells; padding {p} crops more than the full result has"
        )
    return size


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    """NumPy ``torch.nn.functional.conv_transpose2d`` for groups=1 (grouped versions are not supported).

    x: (N, C_in, H, W) or (C_in, H, W); weight: (C_in, C_out, kH, kW), torch's layout for a
    transposed convolution (input channels first); bias: (C_out,). stride, padding,
    output_padding, dilation: int or pair. Returns (N, C_out, H_out, W_out) (or unbatched) with
    ``H_out = (H - 1) sH - 2 pH + dH (kH - 1) + output_padding + 1``.
    """
    x = as_array(x, "x", ndim=(3, 4))
    weight = as_array(weight, "weight", ndim=4)
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    n, c_in, h, w = x.shape
    if weight.shape[0] != c_in:
        raise ValueError(f"channel mismatch: x has {c_in} channels but weight {weight.shape} expects "
                         f"{weight.shape[0]} (a transposed convolution's weight is (C_in, C_out, kH, kW))")
    c_out, kh, kw = weight.shape[1:]
    if bias is not None:
        bias = as_array(bias, "bias", ndim=1)
        if bias.shape[0] != c_out:
            raise ValueError(f"bias must have shape ({c_out},), one per output channel, got {bias.shape}")
    h_out, w_out = conv_transpose_output_size((h, w), (kh, kw), stride, padding, output_padding, dilation)
    (sh, sw), (ph, pw), (dh, dw) = (as_pair(stride, "stride"), as_pair(padding, "padding"),
                                    as_pair(dilation, "dilation"))
    # Uncropped result: every kernel tap (a, b) adds input * weight[:, :, a, b] on a grid of step s,
    # shifted by (a dH, b dW). Padding then crops pH / pW cells from each side.
    full = np.zeros((n, c_out, h_out + 2 * ph, w_out + 2 * pw), dtype=np.result_type(x, weight))
    for a in range(kh):
        for b in range(kw):
            stamp = np.einsum("nchw,co->nohw", x, weight[:, :, a, b])
            full[:, :, a * dh:a * dh + (h - 1) * sh + 1:sh, b * dw:b * dw + (w - 1) * sw + 1:sw] += stamp
    out = full[:, :, ph:ph + h_out, pw:pw + w_out]
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out[0] if unbatched else out
