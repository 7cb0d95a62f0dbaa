"""NumPy reference implementations with the names, arguments and layouts of ``torch.nn.functional``.

Images are ``(N, C, H, W)`` (or ``(C, H, W)`` unbatched) and weights ``(C_out, C_in / groups, kH, kW)``.
"""

from .convolution import conv2d, conv2d_naive, convolve2d, corr2d

__all__ = ["conv2d", "conv2d_naive", "convolve2d", "corr2d"]
