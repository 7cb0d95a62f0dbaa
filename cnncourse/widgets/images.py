"""Arrays to PNG bytes for ``ipywidgets.Image``: fast enough for live updates, no matplotlib."""

import io

import numpy as np
from PIL import Image

from ..data import load_image


def to_unit_range(array):
    """Map an array to [0, 1] for display: kept as is if already inside, else min-max scaled."""
    lo, hi = float(array.min()), float(array.max())
    if lo >= 0.0 and hi <= 1.0:
        return array
    return (array - lo) / (hi - lo) if hi > lo else np.zeros_like(array)


def to_rgb(grey):
    """(H, W) values in [0, 1] -> (H, W, 3) uint8."""
    return np.repeat((np.clip(grey, 0, 1) * 255).round().astype(np.uint8)[..., None], 3, axis=2)


def outline(rgb, top, left, height, width, colour=(230, 40, 40)):
    """Draw a one-pixel rectangle outline on an (H, W, 3) uint8 image, in place."""
    bottom, right = top + height - 1, left + width - 1
    rgb[top, left:right + 1] = rgb[bottom, left:right + 1] = colour
    rgb[top:bottom + 1, left] = rgb[top:bottom + 1, right] = colour
    return rgb


def png_bytes(rgb):
    """Encode an (H, W, 3) uint8 image as PNG."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


# Photos carried inside a widget's state, so its JavaScript can compute on them with no kernel.
CARRIED_PHOTOS = ("camera", "coins", "text", "brick", "astronaut")


def grey_uint8(image):
    """(H, W) values in [0, 1] -> (H, W) uint8, rounded: the compact form a widget carries."""
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


def carried_photo(name, size):
    """The grey photo ``name`` with its longer side ``size``, as the browser sees it: quantized to
    uint8 and back, float64 (H, W) in [0, 1]."""
    return grey_uint8(load_image(name, grey=True, size=size)) / 255.0
