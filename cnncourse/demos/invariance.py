"""Translation invariance: after pooling, a feature map changes less when the input shifts a little.

An edge detector's feature map moves with the image: shift the photo by one pixel and, compared
position by position, the map is a different map. Max pooling reports only the strongest response
in each window, and a small shift usually keeps that response inside the same window, so the
pooled maps of the original and the shifted photo stay alike. :func:`compare_shift` measures this
as the correlation between the two maps, before and after pooling.
"""

from dataclasses import dataclass

import numpy as np

from .. import kernels
from ..functional import avg_pool2d, corr2d, max_pool2d
from ..validation import as_array, as_int

POOLS = {"max": max_pool2d, "average": avg_pool2d}


@dataclass(frozen=True)
class ShiftComparison:
    """A photo and its shifted copy, their feature maps and pooled maps, and how alike they are."""

    shift: int
    original: np.ndarray          # (H, W - 2 margin) crop of the photo
    shifted: np.ndarray           # the same crop with the content moved right by ``shift`` pixels
    features: np.ndarray          # ReLU of the kernel's response to ``original``
    shifted_features: np.ndarray
    pooled: np.ndarray            # ``features`` pooled with (pool_size, stride pool_size) windows
    shifted_pooled: np.ndarray
    correlation_before: float     # Pearson correlation of features and shifted_features
    correlation_after: float      # the same for the pooled maps


def shifted_crops(image, shift, margin=8):
    """Two crops of a 2-D image, the second with its content moved ``shift`` pixels to the right.

    Both are (H, W - 2 margin): cropping, rather than rolling, brings in real pixels at the edge.
    Needs |shift| <= margin.
    """
    image = as_array(image, "image", ndim=2)
    shift, margin = as_int(shift, "shift"), as_int(margin, "margin", minimum=0)
    if abs(shift) > margin:
        raise ValueError(f"|shift| must be at most margin={margin}, got shift={shift}")
    if image.shape[1] <= 2 * margin:
        raise ValueError(f"image width {image.shape[1]} leaves nothing after cropping margin={margin} per side")
    width = image.shape[1] - 2 * margin
    return image[:, margin:margin + width], image[:, margin - shift:margin - shift + width]


def correlation(a, b):
    """Pearson correlation of two equally shaped arrays (1: same up to scale; 0 for a constant one)."""
    a, b = np.ravel(a) - np.mean(a), np.ravel(b) - np.mean(b)
    norm = np.sqrt(np.sum(a * a) * np.sum(b * b))
    return float(np.sum(a * b) / norm) if norm > 0 else 0.0


def compare_shift(image, shift, pool_size=4, mode="max", kernel="sobel_left", margin=8):
    """Feature maps of a photo and of its copy shifted by ``shift`` pixels, before and after pooling.

    image: (H, W) grey photo. kernel: a name from :mod:`cnncourse.kernels`; features are
    ReLU(cross-correlation with it). pool_size: window and stride of the pooling (1 = none).
    mode: "max" or "average".
    """
    if mode not in POOLS:
        raise ValueError(f"mode must be one of {tuple(POOLS)}, got {mode!r}")
    pool_size = as_int(pool_size, "pool_size", minimum=1)
    original, shifted = shifted_crops(image, shift, margin)
    weights = kernels.get(kernel)
    features = np.maximum(corr2d(original, weights), 0)
    shifted_features = np.maximum(corr2d(shifted, weights), 0)
    pooled, shifted_pooled = (POOLS[mode](f[None], pool_size)[0] for f in (features, shifted_features))
    return ShiftComparison(int(shift), original, shifted, features, shifted_features, pooled,
                           shifted_pooled, correlation(features, shifted_features),
                           correlation(pooled, shifted_pooled))


def correlation_by_shift(image, shifts, pool_size=4, mode="max", kernel="sobel_left", margin=8):
    """``compare_shift(...).correlation_after`` for each shift: an array shaped like ``shifts``.

    With pool_size=1 (no pooling) this is the correlation of the raw feature maps.
    """
    return np.array([compare_shift(image, s, pool_size, mode, kernel, margin).correlation_after
                     for s in np.ravel(shifts)]).reshape(np.shape(shifts))
