"""Chapters 6 and 8 as stored: every figure drawn once and at a size the page column shows unscaled,
the lecture texts cited by name, and the numbers the text states equal to what they describe."""

import base64
import json
import re
import struct
from pathlib import Path

import pytest

from cnncourse.data.textures import SIDE, STRIDE, TEXTURES, TRAIN_FRACTION

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CHAPTERS = ("06_regularization", "08_transfer_learning")
COLUMN = 919  # px: the notebook column at 1366 px in JupyterLab; a wider image is scaled down


def cells(chapter, kind):
    notebook = json.loads((NOTEBOOKS / f"{chapter}.ipynb").read_text())
    return [cell for cell in notebook["cells"] if cell["cell_type"] == kind]


def png_width(data):
    """The width of a base64 PNG, read from its IHDR chunk."""
    return struct.unpack(">I", base64.b64decode(data)[16:20])[0]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_is_drawn_once_and_fits_the_column(chapter):
    for cell in cells(chapter, "code"):
        images = [o["data"]["image/png"] for o in cell["outputs"] if "image/png" in o.get("data", {})]
        source = "".join(cell["source"])
        assert len(images) <= 1, f"a figure drawn {len(images)} times by:\n{source}"
        for image in images:
            assert png_width(image) <= COLUMN, f"{png_width(image)} px wide, scaled down in the column:\n{source}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_lecture_texts_are_cited_by_author_not_by_seed_number(chapter):
    for kind in ("markdown", "code"):
        for cell in cells(chapter, kind):
            text = "".join(cell["source"])
            assert not re.search(r"\bseeds? ?0\d\d\b", text, re.IGNORECASE), text[:300]


def test_chapter_8_counts_its_test_patches_right():
    """Every 'N test patches' of the text is the test split's size, counted from the split's geometry:
    rows below the train/test cut times columns, for each of the eight photos."""
    size = 48
    cut = round(SIDE * TRAIN_FRACTION)
    per_class = len(range(cut, SIDE - size + 1, STRIDE)) * len(range(0, SIDE - size + 1, STRIDE))
    stated = [int(n) for cell in cells("08_transfer_learning", "markdown")
              for n in re.findall(r"(\d+) test patches", "".join(cell["source"]))]
    assert stated and set(stated) == {per_class * len(TEXTURES)} == {640}
