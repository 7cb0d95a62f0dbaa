"""The package's layers: a building block (the functions, models, data, training loop and the other
tools every chapter shares) never imports a chapter's demo (``cnncourse.demos``), which sits above
them. Widgets and exercise checks present the chapters, so they may."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cnncourse"
CHAPTER_LAYERS = {"demos", "widgets", "exercises", "instructor"}


def imported_modules(path):
    """Every module ``path`` imports, absolute (relative imports resolved against its package)."""
    package = ["cnncourse", *path.relative_to(PACKAGE).parent.parts]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


BUILDING_BLOCKS = sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in CHAPTER_LAYERS)


@pytest.mark.parametrize("path", BUILDING_BLOCKS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_building_block_never_imports_a_chapters_demo(path):
    demos = [name for name in imported_modules(path) if name.startswith("cnncourse.demos")]
    assert not demos, f"{path.relative_to(PACKAGE)} imports {demos[0]}, a chapter's demo"


def test_the_import_reader_resolves_relative_imports():
    names = imported_modules(PACKAGE / "training" / "loop.py")  # from ..device, from .history
    assert "cnncourse.device.get_device" in names and "cnncourse.training.history.History" in names
    widget = imported_modules(PACKAGE / "widgets" / "translation_explorer.py")  # from ..demos.invariance
    assert "cnncourse.demos.invariance.compare_shift" in widget
