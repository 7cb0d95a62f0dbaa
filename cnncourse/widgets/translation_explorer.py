"""Translation explorer: shift a photo by a few pixels and compare feature maps before and after pooling.

The pure part is :func:`cnncourse.demos.invariance.compare_shift`; ``TranslationExplorer`` is an
anywidget whose JavaScript (``js/translation_explorer.js``) computes the same comparison in the
browser on the carried photos, so it stays live in the static book with no kernel.
"""

import anywidget
import numpy as np
import traitlets

from .. import kernels
from ..demos.invariance import POOLS, compare_shift
from ..validation import as_int
from .live import esm, one_of, pack
from .images import CARRIED_PHOTOS, carried_photo

POOL_SIZES = (1, 2, 4, 8)
MAX_SHIFT = 8
KERNEL = "sobel_left"


def shift_caption(comparison, pool_size, mode):
    """The sentence under the pictures: both correlations."""
    return ("Correlation between the maps of the original and the shifted photo, compared position by "
            f"position: {comparison.correlation_before:.2f} before pooling, "
            f"{comparison.correlation_after:.2f} after {pool_size}x{pool_size} {mode} pooling "
            "(1 = identical up to brightness).")


class TranslationExplorer(anywidget.AnyWidget):
    """Pick a photo, a shift and a pooling window; see both feature maps and how alike they stay.

    The controls are traitlets (``photo``, ``shift``, ``pool_size``, ``mode``); the browser
    recomputes from them. ``view`` (a :class:`cnncourse.demos.invariance.ShiftComparison`) and
    ``caption`` are what it shows. photos: the photos carried, grey, longer side ``image_size``.
    """

    _esm = esm("translation_explorer", "ui", "pool2d")
    photos = traitlets.Dict().tag(sync=True)
    kernel = traitlets.List().tag(sync=True)
    max_shift = traitlets.Int(MAX_SHIFT).tag(sync=True)
    pool_sizes = traitlets.List(list(POOL_SIZES)).tag(sync=True)
    photo = traitlets.Unicode().tag(sync=True)
    shift = traitlets.Int(0).tag(sync=True)
    pool_size = traitlets.Int(4).tag(sync=True)
    mode = traitlets.Unicode("max").tag(sync=True)

    def __init__(self, photo="camera", shift=2, pool_size=4, mode="max", image_size=96, photos=CARRIED_PHOTOS):
        image_size = as_int(image_size, "image_size", minimum=2 * MAX_SHIFT + 8)
        self._images = {name: carried_photo(name, image_size) for name in photos}
        super().__init__(photos={name: pack(np.round(image * 255), "uint8") for name, image in self._images.items()},
                         kernel=kernels.get(KERNEL).tolist(), photo=photo, shift=shift, pool_size=pool_size, mode=mode)

    _check_photo = one_of("photo", lambda self: self._images)

    @traitlets.validate("shift")
    def _check_shift(self, proposal):
        shift = as_int(proposal.value, "shift")
        if abs(shift) > MAX_SHIFT:
            raise ValueError(f"shift must be between {-MAX_SHIFT} and {MAX_SHIFT}, got {shift}")
        return shift

    _check_pool_size = one_of("pool_size", POOL_SIZES)

    _check_mode = one_of("mode", POOLS)

    @property
    def image(self):
        """The chosen photo as carried: (H, W) float64 in [0, 1]."""
        return self._images[self.photo]

    @property
    def view(self):
        """The comparison the browser shows for the current controls."""
        return compare_shift(self.image, self.shift, self.pool_size, self.mode, KERNEL, margin=MAX_SHIFT)

    @property
    def caption(self):
        """The sentence under the pictures."""
        return shift_caption(self.view, self.pool_size, self.mode)
