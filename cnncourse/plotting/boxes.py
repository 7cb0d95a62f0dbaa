"""Boxes with readable labels on an image: each label is dark text on a light tag edged in its
box's colour, placed above its box, below it, or inside it, wherever it overlaps no label drawn
before it (the least overlapping place when none is free)."""

import numpy as np
from matplotlib.patches import Rectangle

TAG = {"facecolor": "white", "alpha": 0.9, "boxstyle": "square,pad=0.15"}


def draw_boxes(ax, boxes, labels, colours, fontsize=9):
    """Draw ``boxes`` (N, 4) as (x0, y0, x1, y1) in pixels of an image shown with ``imshow`` (x1, y1
    exclusive) on ``ax``, with ``labels`` (N strings) and ``colours`` (N matplotlib colours).
    Call it once the figure's size and layout are final (label overlaps are measured on screen).
    Returns the N label Text artists."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4) if len(boxes) else np.zeros((0, 4))
    labels, colours = list(labels), list(colours)
    if not len(labels) == len(colours) == len(boxes):
        raise ValueError(f"labels and colours need one entry per box ({len(boxes)}), got "
                         f"{len(labels)} and {len(colours)}")
    if fontsize < 8:
        raise ValueError(f"fontsize must be at least 8 to be readable, got {fontsize!r}")
    renderer = ax.figure.canvas.get_renderer()
    placed, texts = [], []
    for (x0, y0, x1, y1), label, colour in zip(boxes, labels, colours):
        left, top, bottom = x0 - 0.5, y0 - 0.5, y1 - 0.5
        ax.add_patch(Rectangle((left, top), x1 - x0, y1 - y0, fill=False, color=colour, lw=1.5))
        best = None
        for y, va in ((top, "bottom"), (bottom, "top"), (top, "top"), (bottom, "bottom")):
            text = ax.text(left, y, label, fontsize=fontsize, color="black", va=va, ha="left",
                           bbox={**TAG, "edgecolor": colour}, clip_on=False)
            extent = text.get_window_extent(renderer).padded(2)
            overlap = sum(_area(extent, other) for other in placed)
            if best is None or overlap < best[0]:
                if best is not None:
                    best[1].remove()
                best = (overlap, text, extent)
            else:
                text.remove()
            if overlap == 0:
                break
        placed.append(best[2])
        texts.append(best[1])
    return texts


def _area(a, b):
    """Area of the intersection of two matplotlib Bboxes (0 if they do not meet)."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(0.0, width) * max(0.0, height)
