"""Kernel explorer: slide a kernel over a photo and look inside one output pixel's dot product.

``explore_kernel`` is the pure part (arrays in, arrays out); ``KernelExplorer`` wires it to controls.
"""

from dataclasses import dataclass

import ipywidgets as w
import numpy as np

from .. import data, kernels
from ..functional import corr2d
from ..validation import as_array, as_int
from .images import outline, png_bytes, to_rgb, to_unit_range

MODES = ("cross-correlation", "convolution")
CUSTOM = "custom"


@dataclass(frozen=True)
class KernelView:
    """Everything the explorer shows. Output pixel (row, col) = total = products.sum()."""

    image: np.ndarray     # (H, W) input
    kernel: np.ndarray    # (k, k) as chosen
    slid: np.ndarray      # (k, k) as it slides: the kernel, flipped for a convolution
    output: np.ndarray    # (H - k + 1, W - k + 1)
    row: int
    col: int
    patch: np.ndarray     # (k, k) input under the kernel for output pixel (row, col)
    products: np.ndarray  # patch * slid
    total: float


def explore_kernel(image, kernel, row=0, col=0, mode="cross-correlation"):
    """Apply ``kernel`` to a grey ``image`` (valid, no padding) and explain output pixel (row, col)."""
    image = as_array(image, "image", ndim=2)
    kernel = as_array(kernel, "kernel", ndim=2)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    slid = kernel[::-1, ::-1] if mode == "convolution" else kernel
    output = corr2d(image, slid)
    row = as_int(row, "row", minimum=0)
    col = as_int(col, "col", minimum=0)
    for value, size, name in ((row, output.shape[0], "row"), (col, output.shape[1], "col")):
        if value >= size:
            raise ValueError(f"{name}={value} is outside the output, which has {size} {name}s (0..{size - 1})")
    kh, kw = kernel.shape
    patch = image[row:row + kh, col:col + kw]
    products = patch * slid
    return KernelView(image, kernel, slid, output, row, col, patch, products, float(products.sum()))


def dot_product_html(view):
    """An HTML table: input patch, the kernel as it slides, their element-wise products and the sum."""
    def table(array, caption):
        rows = "".join("<tr>" + "".join(f"<td>{v:.2f}</td>" for v in line) + "</tr>" for line in array)
        return (f"<table class='cnn-grid'><caption>{caption}</caption>{rows}</table>")
    flipped = " (flipped)" if not np.array_equal(view.slid, view.kernel) else ""
    return (
        "<style>.cnn-grid td{border:1px solid #bbb;padding:2px 5px;text-align:right;"
        "font-family:monospace}.cnn-grid{border-collapse:collapse;display:inline-table;"
        "margin-right:14px;vertical-align:middle}</style>"
        f"{table(view.patch, 'input patch')} &times; {table(view.slid, 'kernel' + flipped)} = "
        f"{table(view.products, 'products')}"
        f"<p>output[{view.row}, {view.col}] = sum of the products = <b>{view.total:.4f}</b></p>"
    )


class KernelExplorer:
    """Pick a photo and a kernel (or type one), see input, kernel and output, and one pixel's sum.

    The controls are attributes (``photo``, ``kernel``, ``size``, ``grid``, ``mode``, ``row``,
    ``col``); setting their ``value`` updates ``view`` (a :class:`KernelView`) and the pictures.
    """

    def __init__(self, photo="camera", kernel="sobel_left", image_size=256):
        self.image_size = as_int(image_size, "image_size", minimum=8)
        data.check_photo_name(photo)
        if kernel != CUSTOM:
            kernels.describe(kernel)  # a clear error for an unknown kernel name
        self.photo = w.Dropdown(options=data.PHOTOS, value=photo, description="photo")
        self.kernel = w.Dropdown(options=kernels.names() + [CUSTOM], value=kernel, description="kernel")
        self.size = w.ToggleButtons(options=[3, 5], value=3, description="custom size",
                                    style={"button_width": "40px"})
        self.mode = w.ToggleButtons(options=MODES, value=MODES[0], description="operation")
        self.row = w.IntSlider(description="output row", continuous_update=False)
        self.col = w.IntSlider(description="output col", continuous_update=False)
        self.grid = w.GridBox(layout=w.Layout(grid_gap="2px"))
        self.input_image, self.output_image = w.Image(format="png"), w.Image(format="png")
        self.caption = w.HTML()
        self.dot_product = w.HTML()
        self._image = None
        self._updating = False
        self._editing = False
        self.photo.observe(self._on_photo, "value")
        self.kernel.observe(self._on_kernel, "value")
        self.size.observe(self._on_size, "value")
        for control in (self.mode, self.row, self.col):
            control.observe(lambda change: self.update(), "value")
        self._on_photo()
        self._on_kernel()

    # -- state -----------------------------------------------------------------------------
    def kernel_values(self):
        """The kernel now in use, read from the grid of number boxes: (k, k) float64."""
        k = int(round(len(self.grid.children) ** 0.5))
        return np.array([box.value for box in self.grid.children], dtype=float).reshape(k, k)

    def _fill_grid(self, values):
        boxes = [w.FloatText(value=float(v), layout=w.Layout(width="70px")) for v in values.ravel()]
        for box in boxes:
            box.observe(self._on_edit, "value")
        self.grid.layout.grid_template_columns = f"repeat({values.shape[1]}, 72px)"
        self.grid.children = boxes

    def _identity(self):
        return np.pad([[1.0]], self.size.value // 2)

    # -- events ----------------------------------------------------------------------------
    def _on_photo(self, change=None):
        self._image = data.load_image(self.photo.value, grey=True, size=self.image_size)
        self.update()

    def _on_kernel(self, change=None):
        if self.kernel.value != CUSTOM:
            self._fill_grid(kernels.get(self.kernel.value))
        elif not self._editing:  # "custom" chosen from the list: start from the identity
            self._fill_grid(self._identity())
        self.update()

    def _on_size(self, change):
        if self.kernel.value == CUSTOM:
            self._fill_grid(self._identity())
            self.update()
        else:
            self.kernel.value = CUSTOM  # _on_kernel fills the grid and updates

    def _on_edit(self, change):
        if self.kernel.value == CUSTOM:
            self.update()
            return
        self._editing = True  # an edited kernel is no longer the named one: relabel, keep values
        self.kernel.value = CUSTOM
        self._editing = False

    # -- view ------------------------------------------------------------------------------
    def update(self):
        """Recompute the view from the controls and redraw."""
        if self._updating or self._image is None:
            return
        kernel = self.kernel_values()
        out_h, out_w = self._image.shape[0] - kernel.shape[0] + 1, self._image.shape[1] - kernel.shape[1] + 1
        self._updating = True  # clamp the pixel sliders without re-entering update()
        self.row.max, self.col.max = out_h - 1, out_w - 1
        self._updating = False
        self.view = explore_kernel(self._image, kernel, self.row.value, self.col.value, self.mode.value)
        k = kernel.shape[0]
        self.input_image.value = png_bytes(outline(to_rgb(self._image), self.row.value, self.col.value, k, k))
        shown = to_unit_range(self.view.output)
        self.output_image.value = png_bytes(outline(to_rgb(shown), self.row.value, self.col.value, 1, 1))
        name = self.kernel.value
        about = kernels.describe(name) if name != CUSTOM else "your own kernel"
        self.caption.value = (
            f"<b>{name}</b>: {about}. Output {self.view.output.shape[0]}x{self.view.output.shape[1]}, "
            f"values {self.view.output.min():.2f} to {self.view.output.max():.2f}"
            + ("" if shown is self.view.output else " (stretched to black..white for display)")
        )
        self.dot_product.value = dot_product_html(self.view)

    def widget(self):
        """The assembled interface."""
        def column(title, child):
            return w.VBox([w.HTML(f"<b>{title}</b>"), child])
        pictures = w.HBox([column("input", self.input_image), column("kernel", self.grid),
                           column("output", self.output_image)])
        controls = w.VBox([w.HBox([self.photo, self.kernel]), w.HBox([self.mode, self.size]),
                           w.HBox([self.row, self.col])])
        return w.VBox([controls, self.caption, pictures, self.dot_product])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget())
