"""Pooling explorer: slide a max or average window over a grid of numbers and over a photo.

``explore_pooling`` is the pure part (a grid and settings in, the pooled grid and one window
explained out); ``PoolingExplorer`` is an anywidget whose JavaScript (``js/pooling_explorer.js``)
computes the same in the browser, so the explorer stays live in the static book with no kernel.
"""

from dataclasses import dataclass
from html import escape

import anywidget
import numpy as np
import traitlets

from ..functional import avg_pool2d, max_pool2d
from ..validation import as_array, as_int
from .live import esm, one_of, pack
from .images import CARRIED_PHOTOS, carried_photo

MODES = ("max", "average")

# The lecture slides' worked examples (4x4 ones pooled 2x2, the 5x5 one 3x3) and a random grid.
GRIDS = {
    "4x4 (i)": np.array([[4, 6, 1, 3], [0, 8, 12, 9], [2, 3, 16, 100], [1, 46, 74, 27]], float),
    "4x4 (ii)": np.array([[9, 7, 3, 2], [26, 37, 14, 1], [15, 29, 16, 0], [8, 6, 54, 2]], float),
    "4x4 (iii)": np.array([[35, 19, 25, 6], [13, 22, 16, 63], [4, 3, 7, 10], [9, 8, 1, 3]], float),
    "5x5": np.array([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2],
                     [2, 0, 0, 0, 1]], float),
    "random 7x7": np.random.default_rng(0).integers(0, 10, size=(7, 7)).astype(float),
}


@dataclass(frozen=True)
class PoolingView:
    """Everything the explorer shows about one grid. Output (row, col) = value, made from window."""

    grid: np.ndarray      # (H, W) input
    padded: np.ndarray    # (H + 2p, W + 2p): the grid with -inf (max) or 0 (average) around it
    output: np.ndarray    # (H_out, W_out)
    mode: str
    kernel_size: int
    stride: int
    padding: int
    row: int
    col: int
    top: int              # the window's top-left corner, in padded coordinates
    left: int
    window: np.ndarray    # (k, k) = padded[top:top + k, left:left + k]
    winner: tuple         # (r, c) of the window's maximum in padded coordinates; () for average
    value: float


def explore_pooling(grid, mode="max", kernel_size=2, stride=2, padding=0, row=0, col=0):
    """Pool a 2-D ``grid`` with a square window and explain output (row, col).

    mode: "max" or "average" (zero padding counted in the mean, as torch does by default).
    """
    grid = as_array(grid, "grid", ndim=2)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    k = as_int(kernel_size, "kernel_size", minimum=1)
    s = as_int(stride, "stride", minimum=1)
    p = as_int(padding, "padding", minimum=0)
    pool = max_pool2d if mode == "max" else avg_pool2d
    output = pool(grid[None], k, s, p)[0]
    row, col = as_int(row, "row", minimum=0), as_int(col, "col", minimum=0)
    for value, size, name in ((row, output.shape[0], "row"), (col, output.shape[1], "col")):
        if value >= size:
            raise ValueError(f"{name}={value} is outside the output, which has {size} {name}s (0..{size - 1})")
    padded = np.pad(grid, p, constant_values=-np.inf if mode == "max" else 0.0)
    top, left = row * s, col * s
    window = padded[top:top + k, left:left + k]
    winner = ()
    if mode == "max":
        a, b = np.unravel_index(np.argmax(window), window.shape)
        winner = (top + int(a), left + int(b))
    return PoolingView(grid, padded, output, mode, k, s, p, row, col, top, left, window, winner,
                       float(output[row, col]))


def _number(value):
    return "&minus;&infin;" if value == -np.inf else f"{value:.4g}"


def pooling_html(view):
    """HTML: the padded input with the window and its winner marked, the output with the value
    marked, and one line of arithmetic."""
    k = view.kernel_size

    def cell(i, j, value):
        styles = []
        if not (view.padding <= i < view.padding + view.grid.shape[0]
                and view.padding <= j < view.padding + view.grid.shape[1]):
            styles.append("color:#999;background:#f1f1f1")
        if view.top <= i < view.top + k and view.left <= j < view.left + k:
            styles.append("background:#ffe08a")
        if (i, j) == view.winner:
            styles.append("outline:2px solid #d62728;font-weight:bold")
        return f"<td style='{';'.join(styles)}'>{_number(value)}</td>"

    def table(array, caption, make_cell):
        rows = "".join("<tr>" + "".join(make_cell(i, j, v) for j, v in enumerate(line)) + "</tr>"
                       for i, line in enumerate(array))
        return f"<table class='cnn-pool'><caption>{escape(caption)}</caption>{rows}</table>"

    def out_cell(i, j, value):
        mark = " style='background:#ffe08a;font-weight:bold'" if (i, j) == (view.row, view.col) else ""
        return f"<td{mark}>{_number(value)}</td>"

    terms = ", ".join(_number(v) for v in view.window.ravel())
    how = "max" if view.mode == "max" else "mean"
    caption = f"input, padding {view.padding}" if view.padding else "input"
    return (
        "<style>.cnn-pool td{border:1px solid #bbb;padding:2px 6px;text-align:right;"
        "font-family:monospace;min-width:2.2em}.cnn-pool{border-collapse:collapse;"
        "display:inline-table;margin-right:18px;vertical-align:middle}</style>"
        f"{table(view.padded, caption, cell)} &rarr; {table(view.output, 'output', out_cell)}"
        f"<p>output[{view.row}, {view.col}] = {how}({terms}) = <b>{_number(view.value)}</b></p>"
    )


def pooling_limits(shape, kernel_size, stride, padding):
    """The largest window, padding, output row and output col the explorer allows for a grid of
    ``shape`` (rows, cols) with these settings (window at most 5 and at most the grid)."""
    kernel = min(5, *shape)
    k = min(kernel_size, kernel)
    p = min(padding, k // 2)
    rows, cols = ((n + 2 * p - k) // stride for n in shape)
    return {"kernel_size": kernel, "padding": k // 2, "row": rows, "col": cols}


def photo_caption(name, shape, pooled_shape, kernel_size, stride, padding, mode):
    """The line under the photos: sizes before and after, and the share of values kept."""
    (h, w), (h_out, w_out) = shape, pooled_shape
    zoom = max(1, round(h / h_out))
    return (f"{name}: {h}x{w} \u2192 {h_out}x{w_out} after {kernel_size}x{kernel_size} {mode} pooling, "
            f"stride {stride}, padding {padding}: {100 * h_out * w_out / (h * w):.0f}% of the values"
            + (f" (shown enlarged {zoom}x)" if zoom > 1 else ""))


class PoolingExplorer(anywidget.AnyWidget):
    """Max or average pooling with a chosen window, stride and padding, on numbers and on a photo.

    The controls are traitlets (``grid``, ``mode``, ``kernel_size``, ``stride``, ``padding``,
    ``row``, ``col``, ``photo``); the browser computes and draws from them. Setting one here
    clamps the others as the browser does (:func:`pooling_limits`); ``view`` (a
    :class:`PoolingView` of the grid), ``photo_output`` (the pooled photo) and ``caption`` are
    what the browser shows. photos: the photos carried for the photo menu, grey, longer side
    ``image_size``.
    """

    _esm = esm("pooling_explorer", "ui", "pool2d")
    grids = traitlets.Dict().tag(sync=True)
    photos = traitlets.Dict().tag(sync=True)
    grid = traitlets.Unicode().tag(sync=True)
    mode = traitlets.Unicode().tag(sync=True)
    kernel_size = traitlets.Int(2).tag(sync=True)
    stride = traitlets.Int(2).tag(sync=True)
    padding = traitlets.Int(0).tag(sync=True)
    row = traitlets.Int(0).tag(sync=True)
    col = traitlets.Int(0).tag(sync=True)
    photo = traitlets.Unicode().tag(sync=True)

    def __init__(self, grid="4x4 (iii)", mode="max", kernel_size=2, stride=2, photo="camera",
                 image_size=96, photos=CARRIED_PHOTOS):
        image_size = as_int(image_size, "image_size", minimum=8)
        self._images = {name: carried_photo(name, image_size) for name in photos}
        super().__init__(grids={name: g.tolist() for name, g in GRIDS.items()},
                         photos={name: pack(np.round(image * 255), "uint8") for name, image in self._images.items()},
                         grid=grid, mode=mode, kernel_size=kernel_size, stride=stride, photo=photo)
        self.observe(lambda change: self._clamp(), ["grid", "kernel_size", "stride", "padding", "row", "col"])
        self._clamp()

    _check_grid = one_of("grid", GRIDS)

    _check_mode = one_of("mode", MODES)

    _check_photo = one_of("photo", lambda self: self._images)

    @traitlets.validate("kernel_size", "stride")
    def _check_positive(self, proposal):
        return as_int(proposal.value, proposal.trait.name, minimum=1)

    @traitlets.validate("padding", "row", "col")
    def _check_non_negative(self, proposal):
        return as_int(proposal.value, proposal.trait.name, minimum=0)

    def _clamp(self):
        """Keep every control inside what torch allows for the current grid and window."""
        limits = pooling_limits(GRIDS[self.grid].shape, self.kernel_size, self.stride, self.padding)
        with self.hold_trait_notifications():
            for name, top in limits.items():
                if getattr(self, name) > top:
                    setattr(self, name, top)

    @property
    def limits(self):
        """The largest value each of kernel_size, padding, row and col may take now."""
        return pooling_limits(GRIDS[self.grid].shape, self.kernel_size, self.stride, self.padding)

    @property
    def view(self):
        """The :class:`PoolingView` of the chosen grid, as the numbers table shows it."""
        return explore_pooling(GRIDS[self.grid], self.mode, self.kernel_size, self.stride, self.padding,
                               self.row, self.col)

    @property
    def image(self):
        """The chosen photo as carried: (H, W) float64 in [0, 1]."""
        return self._images[self.photo]

    @property
    def photo_output(self):
        """The chosen photo pooled with the current settings."""
        pool = max_pool2d if self.mode == "max" else avg_pool2d
        return pool(self.image[None], self.kernel_size, self.stride, self.padding)[0]

    @property
    def caption(self):
        """The text under the photos."""
        return photo_caption(self.photo, self.image.shape, self.photo_output.shape, self.kernel_size,
                             self.stride, self.padding, self.mode)
