"""The classic image kernels, each with a one-line description.

>>> from cnncourse import kernels
>>> kernels.get("sobel_left")            # a fresh float64 array you may change
>>> kernels.describe("sobel_left")
>>> kernels.names()

Kernels are written the way :func:`cnncourse.functional.corr2d` applies them (cross-correlation,
no flip), so "sobel_left" responds where the image is brighter on the left than on the right.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Kernel:
    name: str
    values: tuple  # rows of numbers; use get() for an array
    description: str


def _binomial(size):
    """Normalised 2-D binomial kernel, the integer approximation of a Gaussian."""
    row = np.array([1.0])
    for _ in range(size - 1):
        row = np.convolve(row, [1.0, 1.0])
    return np.outer(row, row) / row.sum() ** 2


def _rows(array):
    return tuple(tuple(float(v) for v in row) for row in np.asarray(array, dtype=float))


_LINE = np.array([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]])
_DIAGONAL = np.array([[2, -1, -1], [-1, 2, -1], [-1, -1, 2]])
_SOBEL_TOP = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
# The 7x7 Gaussian of the lecture slides, in integer weights (they sum to 1068).
_GAUSSIAN_7X7_INTEGER = np.array([[0, 0, 0, 5, 0, 0, 0], [0, 5, 18, 32, 18, 5, 0], [0, 18, 64, 100, 64, 18, 0],
                                  [5, 32, 100, 100, 100, 32, 5], [0, 18, 64, 100, 64, 18, 0],
                                  [0, 5, 18, 32, 18, 5, 0], [0, 0, 0, 5, 0, 0, 0]])

_TABLE = [
    ("identity", np.pad([[1]], 1), "leaves the image unchanged: a single 1 in the centre"),
    ("box_blur", np.full((3, 3), 1 / 9), "the mean of the 3x3 neighbourhood, a uniform blur"),
    ("gaussian_3x3", _binomial(3), "a blur where the centre weighs most: [1 2 1] x [1 2 1] / 16"),
    ("gaussian_7x7", _binomial(7), "a wider, smoother blur: the binomial [1 6 15 20 15 6 1] / 64, squared"),
    ("gaussian_7x7_integer", _GAUSSIAN_7X7_INTEGER / _GAUSSIAN_7X7_INTEGER.sum(),
     "the lecture's 7x7 Gaussian blur in integer weights (centre 100), divided by their sum, 1068"),
    ("sharpen", [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], "the pixel plus its difference from its 4 neighbours"),
    ("emboss", [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], "a relief, as if lit from the bottom right"),
    ("laplacian_4", [[0, -1, 0], [-1, 4, -1], [0, -1, 0]], "the second derivative over the 4 neighbours, bright on edges and spots"),
    ("laplacian_8", [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], "outline: the Laplacian with diagonals (8 neighbours), all edges in any direction"),
    ("log_5x5", [[0, 0, -1, 0, 0], [0, -1, -2, -1, 0], [-1, -2, 16, -2, -1], [0, -1, -2, -1, 0], [0, 0, -1, 0, 0]],
     "Laplacian of Gaussian, which smooths first and then finds edges (less noisy than the Laplacian)"),
    ("sobel_top", _SOBEL_TOP, "horizontal edges that are brighter above (Sobel)"),
    ("sobel_bottom", -_SOBEL_TOP, "horizontal edges that are brighter below (Sobel)"),
    ("sobel_left", _SOBEL_TOP.T, "vertical edges that are brighter on the left (Sobel)"),
    ("sobel_right", -_SOBEL_TOP.T, "vertical edges that are brighter on the right (Sobel)"),
    ("vertical_edge", [[1, 0, -1]] * 3, "left column minus right column, for vertical edges (Prewitt-like)"),
    ("horizontal_edge", [[1, 1, 1], [0, 0, 0], [-1, -1, -1]], "top row minus bottom row, for horizontal edges (Prewitt-like)"),
    ("edge_corners", [[1, 0, -1], [0, 0, 0], [1, 0, -1]],
     "the lecture's edge kernel: left minus right in the top and bottom rows, for vertical edges"),
    ("line_0", _LINE, "thin horizontal lines (a line detector at 0 degrees)"),
    ("line_45", np.fliplr(_DIAGONAL), "thin lines rising to the right (a line detector at 45 degrees)"),
    ("line_90", _LINE.T, "thin vertical lines (a line detector at 90 degrees)"),
    ("line_135", _DIAGONAL, "thin lines falling to the right (a line detector at 135 degrees)"),
]

KERNELS = {name: Kernel(name, _rows(values), text) for name, values, text in _TABLE}


def names():
    """The kernel names, in teaching order."""
    return list(KERNELS)


def _lookup(name):
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if name not in KERNELS:
        raise ValueError(f"unknown kernel name {name!r}; choose one of {', '.join(KERNELS)}")
    return KERNELS[name]


def get(name):
    """The kernel called ``name`` as a new float64 array of shape (k, k)."""
    return np.array(_lookup(name).values, dtype=np.float64)


def describe(name):
    """One line saying what the kernel called ``name`` does."""
    return _lookup(name).description
