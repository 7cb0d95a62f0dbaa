"""Offline data: scikit-image's bundled photos as float arrays in [0, 1]. Nothing downloads."""

import numpy as np
from skimage import color, data, transform

from ..validation import as_int

# Photos that ship inside scikit-image (others, such as cells3d or eagle, need a download).
PHOTOS = (
    "astronaut", "brick", "camera", "chelsea", "coffee", "coins", "grass", "gravel",
    "horse", "hubble_deep_field", "immunohistochemistry", "moon", "page", "retina",
    "rocket", "text",
)


def check_photo_name(name):
    """Return ``name`` if it is one of :data:`PHOTOS`, else raise a clear error."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if name not in PHOTOS:
        raise ValueError(f"unknown photo name {name!r}; choose one of {', '.join(PHOTOS)}")
    return name


def load_image(name, grey=False, size=None):
    """Load a bundled photo.

    name: one of :data:`PHOTOS`. grey: convert colour photos to one channel.
    size: None (native) or an int, the length of the longer side after resizing.
    Returns float64 in [0, 1], shaped (H, W) for grey photos or (H, W, 3) for colour.
    """
    image = np.asarray(getattr(data, check_photo_name(name))())
    # horse is a boolean mask; every other bundled photo is 8-bit (grey, or RGB without alpha)
    image = image.astype(np.float64) if image.dtype == bool else image / 255.0
    if grey and image.ndim == 3:
        image = color.rgb2gray(image)
    if size is not None:
        size = as_int(size, "size", minimum=8)
        scale = size / max(image.shape[:2])
        # resize smooths (anti-aliases) before it shrinks, and clips to the input's range
        image = transform.resize(image, tuple(round(s * scale) for s in image.shape[:2]))
    return np.clip(image, 0.0, 1.0)
