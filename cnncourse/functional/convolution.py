"""2-D convolution, three ways: the sliding dot product, a readable loop, and a fast im2col version.

What deep-learning layers call "convolution" is a cross-correlation: the kernel slides over the
input *without* being flipped. :func:`convolve2d` is the textbook convolution (kernel flipped) so
the two can be compared.
"""

import numpy as np

from ..validation import as_array, as_int, as_pair


def corr2d(x, k):
    """Valid 2-D cross-correlation of one image with one kernel.

    x: (H, W), k: (kH, kW) -> (H - kH + 1, W - kW + 1), where
    ``out[i, j] = sum(x[i:i + kH, j:j + kW] * k)``.
    """
    x = as_array(x, "x", ndim=2)
    k = as_array(k, "k", ndim=2)
    if k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]:
        raise ValueError(f"kernel k {k.shape} is larger than the input x {x.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(x, k.shape)  # (H', W', kH, kW)
    return np.einsum("ijkl,kl->ij", windows, k)


def convolve2d(x, k):
    """Valid 2-D convolution (the kernel is flipped in both axes before sliding).

    x: (H, W), k: (kH, kW) -> (H - kH + 1, W - kW + 1). Equal to ``corr2d(x, k[::-1, ::-1])``.
    """
    k = as_array(k, "k", ndim=2)
    return corr2d(x, k[::-1, ::-1])


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Vectorised 2-D convolution (cross-correlation) like ``torch.nn.functional.conv2d``.

    x: (N, C_in, H, W) or (C_in, H, W); weight: (C_out, C_in / groups, kH, kW); bias: (C_out,).
    stride, dilation: int or (sH, sW); padding: int, (pH, pW), 'valid' or 'same'.
    Returns (N, C_out, H_out, W_out) (or (C_out, H_out, W_out)), with
    ``H_out = (H + 2 pH - dH (kH - 1) - 1) // sH + 1``.
    """
    x, weight, bias, unbatched, (stride, pad, dilation, groups) = _check_conv_args(
        x, weight, bias, stride, padding, dilation, groups
    )
    n = x.shape[0]
    c_out, c_group, kh, kw = weight.shape
    x = _zero_pad(x, pad)
    windows = _windows(x, (kh, kw), stride, dilation)  # (N, C_in, H_out, W_out, kH, kW)
    h_out, w_out = windows.shape[2:4]
    # im2col: for each group, a matrix with one column per output position and one row per
    # (input channel, kernel row, kernel column); the filters times it give every output at once.
    windows = windows.reshape(n, groups, c_group, h_out, w_out, kh, kw)
    cols = windows.transpose(0, 1, 2, 5, 6, 3, 4).reshape(n, groups, c_group * kh * kw, h_out * w_out)
    filters = weight.reshape(groups, c_out // groups, c_group * kh * kw)
    out = (filters[None] @ cols).reshape(n, c_out, h_out, w_out)  # (N, G, C_out / G, ...) in order
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out[0] if unbatched else out


def conv2d_naive(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The same computation as :func:`conv2d`, written as plain loops to be read, not to be fast.

    Every output value is one dot product: a (C_in / groups, kH, kW) window of the padded input
    times one filter, plus that filter's bias.
    """
    x, weight, bias, unbatched, (stride, pad, dilation, groups) = _check_conv_args(
        x, weight, bias, stride, padding, dilation, groups
    )
    x = _zero_pad(x, pad)
    n, _, h, w = x.shape
    c_out, c_group, kh, kw = weight.shape
    (sh, sw), (dh, dw) = stride, dilation
    h_out = (h - dh * (kh - 1) - 1) // sh + 1
    w_out = (w - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c_out, h_out, w_out), dtype=np.result_type(x, weight))
    filters_per_group = c_out // groups
    for b in range(n):
        for o in range(c_out):
            first = (o // filters_per_group) * c_group  # first input channel of o's group
            for i in range(h_out):
                for j in range(w_out):
                    top, left = i * sh, j * sw
                    window = x[b, first:first + c_group,
                               top:top + dh * (kh - 1) + 1:dh,
                               left:left + dw * (kw - 1) + 1:dw]
                    out[b, o, i, j] = np.sum(window * weight[o])
            if bias is not None:
                out[b, o] += bias[o]
    return out[0] if unbatched else out


def _check_conv_args(x, weight, bias, stride, padding, dilation, groups):
    """Validate conv2d's arguments; return arrays (x batched) and the normalised hyper-parameters."""
    x = as_array(x, "x", ndim=(3, 4))
    weight = as_array(weight, "weight", ndim=4)
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    stride = as_pair(stride, "stride", minimum=1)
    dilation = as_pair(dilation, "dilation", minimum=1)
    groups = as_int(groups, "groups", minimum=1)
    c_in, c_out, c_group = x.shape[1], weight.shape[0], weight.shape[1]
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"groups={groups} must divide both the input channels ({c_in}) and the output "
            f"channels ({c_out})"
        )
    if c_group * groups != c_in:
        raise ValueError(
            f"channel mismatch: x has {c_in} channels but weight {weight.shape} expects "
            f"{c_group} x groups={groups} = {c_group * groups}"
        )
    if bias is not None:
        bias = as_array(bias, "bias", ndim=1)
        if bias.shape[0] != c_out:
            raise ValueError(f"bias must have shape ({c_out},), one per filter, got {bias.shape}")
    pad = _padding(padding, weight.shape[2:], stride, dilation)
    for axis, name in enumerate(("height", "width")):
        padded = x.shape[2 + axis] + pad[axis][0] + pad[axis][1]
        span = dilation[axis] * (weight.shape[2 + axis] - 1) + 1
        if span > padded:
            raise ValueError(
                f"kernel {name} {weight.shape[2 + axis]} (spanning {span} with dilation "
                f"{dilation[axis]}) is larger than the padded input {name} {padded}"
            )
    return x, weight, bias, unbatched, (stride, pad, dilation, groups)


def _padding(padding, kernel_size, stride, dilation):
    """Normalise ``padding`` to ((top, bottom), (left, right))."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding == "same":
            if stride != (1, 1):
                raise ValueError("padding='same' needs stride=1 (as in torch); use an int padding")
            # Total padding d(k-1) keeps the size; an odd total puts the extra row/column last.
            totals = [d * (k - 1) for d, k in zip(dilation, kernel_size)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(f"padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    ph, pw = as_pair(padding, "padding", minimum=0)
    return ((ph, ph), (pw, pw))


def _zero_pad(x, pad):
    """Zero-pad the two spatial axes of an (N, C, H, W) array by ((top, bottom), (left, right))."""
    return np.pad(x, ((0, 0), (0, 0)) + tuple(pad))


def _windows(x, kernel_size, stride, dilation):
    """A strided view (N, C, H_out, W_out, kH, kW) of every (dilated) kernel window of x."""
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    h_out = (h - dh * (kh - 1) - 1) // sh + 1
    w_out = (w - dw * (kw - 1) - 1) // sw + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(
        x,
        shape=(n, c, h_out, w_out, kh, kw),
        strides=(s[0], s[1], s[2] * sh, s[3] * sw, s[2] * dh, s[3] * dw),
        writeable=False,
    )
