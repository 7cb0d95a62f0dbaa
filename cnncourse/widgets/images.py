"""Photos as a widget carries them: grey, downscaled and quantized to uint8, so that its
JavaScript computes on exactly the pixels the Python reference sees."""

import numpy as np

from ..data import load_image


# Photos carried inside a widget's state, so its JavaScript can compute on them with no kernel.
CARRIED_PHOTOS = ("camera", "coins", "text", "brick", "astronaut")


def grey_uint8(image):
    """(H, W) values in [0, 1] -> (H, W) uint8, rounded: the compact form a widget carries."""
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


def carried_photo(name, size):
    """The grey photo ``name`` with its longer side ``size``, as the browser sees it: quantized to
    uint8 and back, float64 (H, W) in [0, 1]."""
    return grey_uint8(load_image(name, grey=True, size=size)) / 255.0
