"""Boxes-and-arrows drawings of the architectures' building blocks (matplotlib), data flowing upwards.

Each block is data: boxes at (x, y) with a label and a kind (which sets the colour), and arrows
between them. :func:`draw_block` turns one into a figure; :data:`BLOCKS` holds the course's blocks.
"""

from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

COLOURS = {"input": "#eeeeee", "conv": "#aec7e8", "cheap": "#c5e0b4", "pool": "#ffbb78", "norm": "#f7e1a0",
           "merge": "#ff9896", "attention": "#d5b4e8"}


@dataclass(frozen=True)
class Diagram:
    """A block: ``boxes`` {id: (x, y, label, kind)} and ``arrows`` [(from id, to id)], with a title."""

    title: str
    boxes: dict
    arrows: tuple


def _chain(ids):
    return tuple(zip(ids, ids[1:]))


BLOCKS = {
    "residual": Diagram("Residual block: ReLU(F(x) + x)", {
        "x": (0, 0, "x", "input"), "c1": (0, 1, "3x3 conv, BN, ReLU", "conv"), "c2": (0, 2, "3x3 conv, BN", "conv"),
        "add": (0, 3, "+  then ReLU", "merge"), "skip": (1.6, 1.5, "identity x", "input")},
        _chain(["x", "c1", "c2", "add"]) + (("x", "skip"), ("skip", "add"))),
    "projection": Diagram("Projection shortcut: ReLU(F(x) + W_s x), (C,H,W) -> (2C,H/2,W/2)", {
        "x": (0, 0, "x  (C, H, W)", "input"), "c1": (0, 1, "3x3 conv stride 2, BN, ReLU", "conv"),
        "c2": (0, 2, "3x3 conv, BN", "conv"), "add": (0, 3, "+  then ReLU", "merge"),
        "skip": (1.9, 1.5, "W_s: 1x1 conv stride 2, BN", "cheap")},
        _chain(["x", "c1", "c2", "add"]) + (("x", "skip"), ("skip", "add"))),
    "inception": Diagram("Inception module (with 1x1 reductions)", {
        "x": (2.55, 0, "previous layer", "input"),
        "b1": (0, 1.5, "1x1 conv", "cheap"), "r3": (1.7, 1, "1x1 conv", "cheap"), "b3": (1.7, 2, "3x3 conv", "conv"),
        "r5": (3.4, 1, "1x1 conv", "cheap"), "b5": (3.4, 2, "5x5 conv", "conv"), "p": (5.1, 1, "3x3 max pool", "pool"),
        "pp": (5.1, 2, "1x1 conv", "cheap"), "cat": (2.55, 3, "concatenate channels", "merge")},
        (("x", "b1"), ("x", "r3"), ("x", "r5"), ("x", "p"), ("r3", "b3"), ("r5", "b5"), ("p", "pp"),
         ("b1", "cat"), ("b3", "cat"), ("b5", "cat"), ("pp", "cat"))),
    "dense": Diagram("Dense block: each layer sees all earlier maps", {
        "x0": (0.9, 0, "x0", "input"), "h1": (-0.9, 1, "H1: BN-ReLU-1x1, BN-ReLU-3x3", "conv"),
        "c1": (0.9, 2, "concat [x0, x1]", "merge"), "h2": (-0.9, 3, "H2: the same, k new maps", "conv"),
        "c2": (0.9, 4, "concat [x0, x1, x2]", "merge")},
        (("x0", "h1"), ("h1", "c1"), ("x0", "c1"), ("c1", "h2"), ("h2", "c2"), ("c1", "c2"))),
    "separable": Diagram("Depthwise-separable convolution", {
        "x": (0, 0, "x  (C_in maps)", "input"), "dw": (0, 1, "3x3 depthwise (one filter per map), BN, ReLU", "cheap"),
        "pw": (0, 2, "1x1 pointwise (mixes maps), BN, ReLU", "cheap"), "y": (0, 3, "C_out maps", "input")},
        _chain(["x", "dw", "pw", "y"])),
    "inverted_residual": Diagram("Inverted residual (MobileNet v2) / MBConv (EfficientNet)", {
        "x": (0, 0, "x  (narrow)", "input"), "ex": (0, 1, "1x1 expand x t, BN, ReLU6", "cheap"),
        "dw": (0, 2, "3x3 depthwise, BN, ReLU6", "cheap"), "se": (0, 3, "squeeze-excite (MBConv only)", "attention"),
        "pr": (0, 4, "1x1 project, BN (linear)", "cheap"), "add": (0, 5, "+", "merge"), "skip": (1.7, 2.5, "identity x", "input")},
        _chain(["x", "ex", "dw", "se", "pr", "add"]) + (("x", "skip"), ("skip", "add"))),
}


def draw_block(name, ax=None, box_width=1.5):
    """Draw the block called ``name`` (a key of :data:`BLOCKS`) on ``ax`` (a new figure if None)."""
    if name not in BLOCKS:
        raise ValueError(f"unknown block {name!r}; choose one of {', '.join(BLOCKS)}")
    diagram = BLOCKS[name]
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 0.8 + 0.75 * max(y for _, y, _, _ in diagram.boxes.values())))
    for x, y, label, kind in diagram.boxes.values():
        ax.add_patch(FancyBboxPatch((x - box_width / 2, y - 0.25), box_width, 0.5, boxstyle="round,pad=0.03",
                                    facecolor=COLOURS[kind], edgecolor="#555555"))
        ax.text(x, y, label, ha="center", va="center", fontsize=7.5, wrap=True)
    for start, end in diagram.arrows:
        (x0, y0, *_), (x1, y1, *_) = diagram.boxes[start], diagram.boxes[end]
        ax.annotate("", xy=(x1, y1 - 0.27), xytext=(x0, y0 + 0.27),
                    arrowprops=dict(arrowstyle="->", color="#333333", shrinkA=0, shrinkB=0))
    xs = [x for x, *_ in diagram.boxes.values()]
    ys = [y for _, y, *_ in diagram.boxes.values()]
    ax.set_xlim(min(xs) - box_width / 2 - 0.1, max(xs) + box_width / 2 + 0.1)
    ax.set_ylim(min(ys) - 0.4, max(ys) + 0.4)
    ax.set_title(diagram.title, fontsize=9)
    ax.axis("off")
    return ax
