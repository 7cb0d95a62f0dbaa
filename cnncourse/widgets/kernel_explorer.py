"""Kernel explorer: slide a kernel over a photo and look inside one output pixel's dot product.

``explore_kernel`` is the pure part (arrays in, arrays out) and the reference for the widget's
JavaScript (js/kernel_explorer.js), which computes the same in the browser: ``KernelExplorer``
carries the photos (downscaled, uint8) and the named kernels, and the page redraws with no kernel.
"""

from dataclasses import dataclass

import anywidget
import numpy as np
import traitlets

from .. import data, kernels
from ..functional import corr2d
from ..validation import as_array, as_int
from .images import grey_uint8
from .live import esm, one_of, pack

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


class KernelExplorer(anywidget.AnyWidget):
    """Pick a photo and a kernel (or type one), see input, kernel and output, and one pixel's sum.

    The controls are traits: ``photo``, ``kernel`` (a name from :func:`cnncourse.kernels.names`
    or "custom"), ``size`` (3 or 5: the side of a fresh custom kernel), ``mode``, ``row``,
    ``col`` and ``weights`` (the kernel in use, row by row). Setting them follows the rules the
    browser follows: a named kernel fills ``weights``; "custom" or a new ``size`` starts from the
    identity; weights that differ from the named kernel make it "custom"; ``row`` and ``col``
    stay inside the output. ``view`` is what is shown, from :func:`explore_kernel`.
    """

    _esm = esm("kernel_explorer")
    photo = traitlets.Unicode("camera").tag(sync=True)
    kernel = traitlets.Unicode("sobel_left").tag(sync=True)
    size = traitlets.Int(3).tag(sync=True)
    mode = traitlets.Unicode(MODES[0]).tag(sync=True)
    row = traitlets.Int(0).tag(sync=True)
    col = traitlets.Int(0).tag(sync=True)
    weights = traitlets.List(traitlets.Float()).tag(sync=True)
    photos = traitlets.Dict().tag(sync=True)   # name -> pack(uint8 (H, W))
    kernels = traitlets.Dict().tag(sync=True)  # name -> {"values": (k, k) lists, "about": str}

    def __init__(self, photo="camera", kernel="sobel_left", image_size=96, **kwargs):
        image_size = as_int(image_size, "image_size", minimum=8)
        if image_size > 256:
            raise ValueError(f"image_size must be <= 256 (each photo travels with the page), got {image_size}")
        pixels = {name: grey_uint8(data.load_image(name, grey=True, size=image_size)) for name in data.PHOTOS}
        self._images = {name: p / 255 for name, p in pixels.items()}
        super().__init__(photos={name: pack(p, "uint8") for name, p in pixels.items()},
                         kernels={name: {"values": kernels.get(name).tolist(), "about": kernels.describe(name)}
                                  for name in kernels.names()}, **kwargs)
        self.photo = photo
        self.kernel = kernel
        if not self.weights:  # the default kernel kept, or "custom" chosen before any weights
            self.weights = self._identity() if kernel == CUSTOM else kernels.get(kernel).ravel().tolist()

    # -- rules, the same as in the browser -------------------------------------------------
    @traitlets.validate("photo")
    def _valid_photo(self, proposal):
        data.check_photo_name(proposal["value"])
        return proposal["value"]

    @traitlets.validate("kernel")
    def _valid_kernel(self, proposal):
        if proposal["value"] != CUSTOM:
            kernels.describe(proposal["value"])  # a clear error for an unknown kernel name
        return proposal["value"]

    _valid_mode = one_of("mode", MODES)

    _valid_size = one_of("size", (3, 5))

    @traitlets.validate("weights")
    def _valid_weights(self, proposal):
        side = int(round(len(proposal["value"]) ** 0.5))
        if side < 1 or side * side != len(proposal["value"]):
            raise ValueError(f"weights must hold k*k numbers (a square kernel), got {len(proposal['value'])}")
        return proposal["value"]

    @traitlets.validate("row", "col")
    def _inside_output(self, proposal):
        """A pixel past the output's end moves to its last row or column, as the sliders do."""
        name = proposal["trait"].name
        value = as_int(proposal["value"], name, minimum=0)
        if not self.weights:
            return value
        last = self._images[self.photo].shape[0 if name == "row" else 1] - self.kernel_values().shape[0]
        return min(value, last)

    def _identity(self):
        return np.pad([[1.0]], self.size // 2).ravel().tolist()

    @traitlets.observe("kernel")
    def _on_kernel(self, change):
        if change["new"] != CUSTOM:
            self.weights = kernels.get(change["new"]).ravel().tolist()
        elif change["old"] == CUSTOM or self.weights == kernels.get(change["old"]).ravel().tolist():
            self.weights = self._identity()  # "custom" chosen from the list: start from the identity
        # else the weights were edited (here or in the browser): they stay, under the name "custom"

    @traitlets.observe("size")
    def _on_size(self, change):
        if self.kernel == CUSTOM:
            self.weights = self._identity()
        else:
            self.kernel = CUSTOM

    @traitlets.observe("weights")
    def _on_weights(self, change):
        if self.kernel != CUSTOM and change["new"] != kernels.get(self.kernel).ravel().tolist():
            self.kernel = CUSTOM  # an edited kernel is no longer the named one
        self._clamp()

    @traitlets.observe("photo")
    def _on_photo(self, change):
        self._clamp()

    def _clamp(self):
        self.row, self.col = self.row, self.col  # validated again against the new output size

    # -- what is shown ---------------------------------------------------------------------
    def kernel_values(self):
        """The kernel now in use: (k, k) float64."""
        side = int(round(len(self.weights) ** 0.5))
        return np.array(self.weights, dtype=float).reshape(side, side)

    @property
    def image(self):
        """The photo as the browser has it: (H, W) grey levels k / 255."""
        return self._images[self.photo]

    @property
    def view(self):
        """What the widget shows now: a :class:`KernelView`."""
        return explore_kernel(self.image, self.kernel_values(), self.row, self.col, self.mode)
