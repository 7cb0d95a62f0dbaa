"""Chapters 1-4 and 7 as a learner sees them in JupyterLab and in the book (issue 18's pass).

Read from the stored outputs, which tests/test_notebooks.py keeps fresh: no figure drawn twice,
no figure so wide that the page scales its text down, no raw warning or traceback, code lines a
narrow notebook column shows whole.
"""

import base64
import struct
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ("01_convolution", "02_padding_stride", "03_pooling", "04_activations",
            "07_architectures")
# JupyterLab's notebook column at 1366 px, and about the book's: a wider PNG is scaled down
MAX_FIGURE_PX = 920
MAX_LINE = 80


def code_cells(name):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def png_width(data):
    """Width in pixels of a base64 PNG, read from its IHDR chunk."""
    return struct.unpack(">I", base64.b64decode(data)[16:20])[0]


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_figure_is_drawn_twice(name):
    """A cell's last expression returning a Figure is drawn by the inline backend and again as
    the cell's result."""
    for i, cell in code_cells(name):
        for out in cell.outputs:
            if out.output_type == "execute_result":
                data = out.get("data", {})
                assert "image/png" not in data and not data.get("text/plain", "").startswith(
                    "<Figure"), f"{name}, cell {i}: the figure is also the cell's result (end with ';')"


@pytest.mark.parametrize("name", CHAPTERS)
def test_figures_fit_the_column(name):
    for i, cell in code_cells(name):
        for out in cell.outputs:
            png = out.get("data", {}).get("image/png")
            if png:
                width = png_width(png)
                assert width <= MAX_FIGURE_PX, f"{name}, cell {i}: a {width} px wide figure"


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_warning_or_traceback_reaches_the_learner(name):
    for i, cell in code_cells(name):
        for out in cell.outputs:
            assert out.output_type != "error", f"{name}, cell {i}: {out.ename}"
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"{name}, cell {i} writes to stderr: {out.text[:200]}")


@pytest.mark.parametrize("name", CHAPTERS)
def test_code_lines_fit_a_narrow_column(name):
    long = [(i, line) for i, cell in code_cells(name) for line in cell.source.splitlines()
            if len(line) > MAX_LINE]
    assert not long, f"{name}: {len(long)} code lines over {MAX_LINE} characters, first {long[0]}"


def test_png_width_reads_the_header():
    # a 1x1 PNG whose IHDR says 1000 px wide: the oracle is the header's layout
    header = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 1000, 1)
    assert png_width(base64.b64encode(header + b"\x08\x02\x00\x00\x00").decode()) == 1000
