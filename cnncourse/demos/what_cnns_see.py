"""Chapter 9's experiments on what EfficientNet-Lite0 responds to: two photos side by side, and
every explanation method of :mod:`cnncourse.visualize` behind one name."""

import numpy as np
from skimage import transform

from ..data.photos import check_photo_name, load_image
from ..validation import as_int
from ..visualize import grad_cam, normalize_map, occlusion, saliency, smooth_saliency

METHODS = ("saliency", "smoothgrad", "grad_cam", "occlusion")


def side_by_side(left, right, size=224):
    """Two bundled photos as one (size, size, 3) image in [0, 1]: the central vertical strip, half
    as wide as it is tall, of each photo scaled to ``size`` rows, ``left`` then ``right``."""
    size = as_int(size, "size", minimum=16)
    strips = []
    for name, value in (("left", left), ("right", right)):
        image = load_image(check_photo_name(value))
        if image.ndim != 3:
            raise ValueError(f"{name}: {value!r} is a grey photo; pick a colour one")
        scale = size / image.shape[0]
        image = transform.resize(image, (size, max(size // 2, round(image.shape[1] * scale))),
                                 anti_aliasing=scale < 1)
        start = (image.shape[1] - size // 2) // 2
        strips.append(image[:, start:start + size // 2])
    if size % 2:
        strips[1] = np.pad(strips[1], ((0, 0), (0, 1), (0, 0)), mode="edge")
    return np.clip(np.concatenate(strips, axis=1), 0.0, 1.0)


def explain(model, x, target, method, layer=None, **options):
    """The map (H, W), a NumPy array in [0, 1], of ``method`` (one of :data:`METHODS`) for class
    ``target`` of x (1, 3, H, W); for a list or tuple of classes, the list of their maps (occlusion
    computes its occluded copies once for all of them).

    layer: the module Grad-CAM reads (default ``model.head``, Lite0's last convolution, 7x7 maps).
    options: passed on (e.g. ``samples`` for smoothgrad, ``patch`` and ``stride`` for occlusion).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if isinstance(target, (list, tuple)):
        if not target:
            raise ValueError("target must be a class index or a non-empty list of them, got an empty one")
        if method == "occlusion":
            return [normalize_map(heat) for heat in occlusion(model, x, list(target), **options)]
        return [explain(model, x, t, method, layer, **options) for t in target]
    if method == "saliency":
        heat = saliency(model, x, target)
    elif method == "smoothgrad":
        heat = smooth_saliency(model, x, target, **options)
    elif method == "grad_cam":
        heat = grad_cam(model, x, target, layer if layer is not None else model.head)
    else:
        heat = occlusion(model, x, target, **options)
    return normalize_map(heat)
