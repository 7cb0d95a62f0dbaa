"""Generated scenes for segmentation and detection: bright squares, discs and triangles on a dark,
noisy background, with their per-pixel class masks and bounding boxes. Deterministic per seed."""

import numpy as np

from ..validation import as_int

CLASSES = ("background", "square", "disc", "triangle")


def draw_shape(kind, side):
    """A boolean ``side`` x ``side`` mask of one shape: 1 square, 2 disc, 3 triangle (apex up)."""
    side = as_int(side, "side", minimum=3)
    rows, cols = np.mgrid[0:side, 0:side] + 0.5
    if kind == 1:
        return np.ones((side, side), dtype=bool)
    if kind == 2:
        return (rows - side / 2) ** 2 + (cols - side / 2) ** 2 <= (side / 2) ** 2
    if kind == 3:
        return np.abs(cols - side / 2) <= rows / 2
    raise ValueError(f"kind must be 1 (square), 2 (disc) or 3 (triangle), got {kind!r}")


def shape_scenes(count, size=32, objects=(1, 3), sides=(8, 12), seed=0):
    """``count`` scenes of ``size`` x ``size`` pixels, each with a number of shapes drawn from
    ``objects`` (inclusive range) of sides drawn from ``sides``, never overlapping.

    Returns images (count, 1, size, size) float32 in [0, 1], masks (count, size, size) int64
    (indices into :data:`CLASSES`) and boxes: a list of (k, 5) int arrays, rows
    (class, x0, y0, x1, y1) with x1, y1 exclusive.
    """
    count = as_int(count, "count", minimum=1)
    size = as_int(size, "size", minimum=8)
    low, high = (as_int(v, "objects", minimum=1) for v in objects)
    small, large = (as_int(v, "sides", minimum=3) for v in sides)
    if low > high or small > large:
        raise ValueError(f"objects and sides must be (low, high) with low <= high, got {objects}, {sides}")
    if large + 2 > size:
        raise ValueError(f"sides up to {large} do not fit in a {size} x {size} scene")
    rng = np.random.default_rng(as_int(seed, "seed", minimum=0))
    images = rng.uniform(0.0, 0.3, size=(count, 1, size, size)).astype(np.float32)
    masks = np.zeros((count, size, size), dtype=np.int64)
    boxes = []
    for i in range(count):
        placed = []
        for _ in range(int(rng.integers(low, high + 1))):
            for _attempt in range(50):
                kind, side = int(rng.integers(1, 4)), int(rng.integers(small, large + 1))
                y, x = (int(v) for v in rng.integers(1, size - side, size=2))
                box = (kind, x, y, x + side, y + side)
                if all(x + side + 1 <= b[1] or b[3] + 1 <= x or y + side + 1 <= b[2] or b[4] + 1 <= y
                       for b in placed):
                    break
            else:
                continue
            shape = draw_shape(kind, side)
            masks[i, y:y + side, x:x + side][shape] = kind
            images[i, 0, y:y + side, x:x + side][shape] = rng.uniform(0.6, 1.0)
            placed.append(box)
        boxes.append(np.array(placed, dtype=np.int64).reshape(-1, 5))
    return images, masks, boxes
