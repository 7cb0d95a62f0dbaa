"""Pooling explorer: slide a max or average window over a grid of numbers and over a photo.

``explore_pooling`` is the pure part (a grid and settings in, the pooled grid and one window
explained out); ``PoolingExplorer`` wires it to controls.
"""

from dataclasses import dataclass
from html import escape

import ipywidgets as w
import numpy as np

from .. import data
from ..functional import avg_pool2d, max_pool2d
from ..validation import as_array, as_int
from .images import png_bytes, to_rgb

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


class PoolingExplorer:
    """Max or average pooling with a chosen window, stride and padding, on numbers and on a photo.

    The controls are attributes (``grid``, ``mode``, ``kernel_size``, ``stride``, ``padding``,
    ``row``, ``col``, ``photo``); setting their ``value`` updates ``view`` (a :class:`PoolingView`
    of the grid), ``photo_output`` (the pooled photo) and the display.
    """

    def __init__(self, grid="4x4 (iii)", mode="max", kernel_size=2, stride=2, photo="camera",
                 image_size=128):
        if grid not in GRIDS:
            raise ValueError(f"unknown grid {grid!r}; choose one of {', '.join(GRIDS)}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        data.check_photo_name(photo)
        self.image_size = as_int(image_size, "image_size", minimum=8)
        slider = dict(continuous_update=False)
        self.grid = w.Dropdown(options=list(GRIDS), value=grid, description="numbers",
                               layout=w.Layout(width="240px"))
        self.mode = w.ToggleButtons(options=MODES, value=mode, description="pooling",
                                    style={"button_width": "80px"})
        self.kernel_size = w.IntSlider(value=kernel_size, min=1, max=5, description="window", **slider)
        self.stride = w.IntSlider(value=stride, min=1, max=4, description="stride", **slider)
        self.padding = w.IntSlider(value=0, min=0, max=kernel_size // 2, description="padding", **slider)
        self.row = w.IntSlider(min=0, max=0, description="output row", **slider)
        self.col = w.IntSlider(min=0, max=0, description="output col", **slider)
        self.photo = w.Dropdown(options=data.PHOTOS, value=photo, description="photo")
        self.numbers = w.HTML()
        self.photo_input, self.photo_pooled = w.Image(format="png"), w.Image(format="png")
        self.caption = w.HTML()
        self._image = None
        self._updating = False
        self.photo.observe(self._on_photo, "value")
        for control in (self.grid, self.mode, self.kernel_size, self.stride, self.padding,
                        self.row, self.col):
            control.observe(lambda change: self.update(), "value")
        self._on_photo()

    def _on_photo(self, change=None):
        self._image = data.load_image(self.photo.value, grey=True, size=self.image_size)
        self.photo_input.value = png_bytes(to_rgb(self._image))
        self.update()

    def _clamp_controls(self, grid):
        """Keep every slider inside what torch allows for the current grid and window."""
        self.kernel_size.max = min(5, *grid.shape)
        self.padding.max = self.kernel_size.value // 2
        padded = np.array(grid.shape) + 2 * self.padding.value
        out_h, out_w = (padded - self.kernel_size.value) // self.stride.value + 1
        self.row.max, self.col.max = out_h - 1, out_w - 1

    def update(self):
        """Recompute the views from the controls and redraw."""
        if self._updating or self._image is None:
            return
        grid = GRIDS[self.grid.value]
        self._updating = True  # moving slider limits may change values: no re-entry meanwhile
        self._clamp_controls(grid)
        self._updating = False
        k, s, p = self.kernel_size.value, self.stride.value, self.padding.value
        self.view = explore_pooling(grid, self.mode.value, k, s, p, self.row.value, self.col.value)
        self.numbers.value = pooling_html(self.view)
        pool = max_pool2d if self.mode.value == "max" else avg_pool2d
        self.photo_output = pool(self._image[None], k, s, p)[0]
        zoom = max(1, round(self._image.shape[0] / self.photo_output.shape[0]))
        shown = np.repeat(np.repeat(self.photo_output, zoom, axis=0), zoom, axis=1)
        self.photo_pooled.value = png_bytes(to_rgb(shown))
        (h, w_in), (h_out, w_out) = self._image.shape, self.photo_output.shape
        self.caption.value = (
            f"{self.photo.value}: {h}x{w_in} &rarr; {h_out}x{w_out} after {k}x{k} {self.mode.value} "
            f"pooling, stride {s}, padding {p}: {100 * h_out * w_out / (h * w_in):.0f}% of the values"
            + (f" (shown enlarged {zoom}x)" if zoom > 1 else "")
        )

    def widget(self):
        """The assembled interface."""
        def column(title, child):
            return w.VBox([w.HTML(f"<b>{title}</b>"), child])
        controls = w.VBox([w.HBox([self.grid, self.mode]),
                           w.HBox([w.VBox([self.kernel_size, self.stride, self.padding]),
                                   w.VBox([self.row, self.col])])])
        photos = w.HBox([column("photo", self.photo_input), column("pooled", self.photo_pooled)])
        return w.VBox([controls, self.numbers, w.HBox([self.photo]), self.caption, photos])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget())
