"""Translation explorer: shift a photo by a few pixels and compare feature maps before and after pooling.

The pure part is :func:`cnncourse.demos.invariance.compare_shift`; this module wires it to controls.
"""

import ipywidgets as w
import numpy as np

from .. import data
from ..demos.invariance import POOLS, compare_shift
from ..validation import as_int
from .images import png_bytes, to_rgb

POOL_SIZES = (1, 2, 4, 8)
MAX_SHIFT = 8
DISPLAY_ZOOM = 2  # every picture is shown with its pixels doubled


def _same_scale_pngs(a, b, zoom):
    """Two non-negative maps as PNGs on one brightness scale (their common maximum is white),
    each pixel repeated ``zoom`` times along both axes."""
    top = max(float(a.max()), float(b.max())) or 1.0
    return [png_bytes(to_rgb(np.repeat(np.repeat(m / top, zoom, axis=0), zoom, axis=1))) for m in (a, b)]


class TranslationExplorer:
    """Pick a photo, a shift and a pooling window; see both feature maps and how alike they stay.

    The controls are attributes (``photo``, ``shift``, ``pool_size``, ``mode``); setting their
    ``value`` updates ``view`` (a :class:`cnncourse.demos.invariance.ShiftComparison`) and the pictures.
    """

    def __init__(self, photo="camera", shift=2, pool_size=4, mode="max", image_size=128):
        data.check_photo_name(photo)
        self.image_size = as_int(image_size, "image_size", minimum=2 * MAX_SHIFT + 8)
        self.photo = w.Dropdown(options=data.PHOTOS, value=photo, description="photo")
        self.shift = w.IntSlider(value=shift, min=-MAX_SHIFT, max=MAX_SHIFT, description="shift (px)",
                                 continuous_update=False)
        self.pool_size = w.ToggleButtons(options=POOL_SIZES, value=pool_size, description="pool",
                                         style={"button_width": "40px"})
        self.mode = w.ToggleButtons(options=tuple(POOLS), value=mode, description="pooling")
        self.images = {name: w.Image(format="png") for name in
                       ("original", "shifted", "features", "shifted_features", "pooled", "shifted_pooled")}
        self.caption = w.HTML()
        self._image = None
        self.photo.observe(self._on_photo, "value")
        for control in (self.shift, self.pool_size, self.mode):
            control.observe(lambda change: self.update(), "value")
        self._on_photo()

    def _on_photo(self, change=None):
        self._image = data.load_image(self.photo.value, grey=True, size=self.image_size)
        self.update()

    def update(self):
        """Recompute the comparison from the controls and redraw."""
        v = self.view = compare_shift(self._image, self.shift.value, self.pool_size.value,
                                      self.mode.value, margin=MAX_SHIFT)
        zoom = self.pool_size.value
        pictures = (_same_scale_pngs(v.original, v.shifted, DISPLAY_ZOOM)
                    + _same_scale_pngs(v.features, v.shifted_features, DISPLAY_ZOOM)
                    + _same_scale_pngs(v.pooled, v.shifted_pooled, DISPLAY_ZOOM * zoom))
        for image, png in zip(self.images.values(), pictures):
            image.value = png
        self.caption.value = (
            f"Correlation between the maps of the original and the shifted photo, compared position "
            f"by position: <b>{v.correlation_before:.2f}</b> before pooling, "
            f"<b>{v.correlation_after:.2f}</b> after {zoom}x{zoom} {self.mode.value} pooling "
            "(1 = identical up to brightness)."
        )

    def widget(self):
        """The assembled interface."""
        def row(title, left, right):
            return w.HBox([w.HTML(f"<b>{title}</b>", layout=w.Layout(width="110px")),
                           self.images[left], self.images[right]])
        controls = w.VBox([w.HBox([self.photo, self.shift]), w.HBox([self.pool_size, self.mode])])
        return w.VBox([controls, self.caption,
                       w.HTML("<i>left: original, right: shifted</i>"),
                       row("photo", "original", "shifted"),
                       row("edge features", "features", "shifted_features"),
                       row("pooled (enlarged)", "pooled", "shifted_pooled")])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget())
