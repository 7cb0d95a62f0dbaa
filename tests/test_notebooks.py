"""Committed notebooks carry fresh, complete, error-free outputs (the book shows them; running a
notebook, tests/test_notebook_runs.py, checks new outputs, not the stored ones), and are laid out so
that one run checks both the learner's and the instructor's version. A notebook's saved widget
modules (``_esm``) may be older than cnncourse/widgets/js: the book puts in the current ones
(book/_ext/current_widget_js.py), and a cell run in JupyterLab sends its own."""

import ast
import re
import symtable
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.execute_notebooks import code_hash  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no chapter notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_was_executed_top_to_bottom(path):
    cells = code_cells(nbformat.read(path, as_version=4))
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(cells)}; run `make notebooks`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_outputs_are_fresh(path):
    nb = nbformat.read(path, as_version=4)
    stamp = nb.metadata.get("cnncourse", {}).get("executed_source")
    assert stamp == code_hash(nb), (
        f"{path.name}: code changed since the stored outputs were made; run `make notebooks`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_checked_cells_have_outputs_and_no_cell_failed(path):
    cells = code_cells(nbformat.read(path, as_version=4))
    checked = [c for c in cells if "nbval-check-output" in c.metadata.get("tags", [])]
    assert checked, f"{path.name} checks no worked example's output (tag nbval-check-output)"
    for cell in checked:
        assert cell.outputs, f"{path.name}: a cell tagged nbval-check-output has no stored output"
    for cell in cells:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{path.name}: a stored output is an error: {errors[0].ename}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_graded_exercises_with_folded_solutions(path):
    nb = nbformat.read(path, as_version=4)
    meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    graded = [m for m in meta if m.get("grade") and m.get("points", 0) > 0]
    solutions = [c for c, m in zip(nb.cells, meta) if m.get("solution")]
    assert len(graded) >= 3, f"{path.name}: fewer than three graded exercises"
    for cell in solutions:
        assert "### BEGIN SOLUTION" in cell.source and "hide-input" in cell.metadata.get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_book_renders_each_notebook_from_its_one_source(path):
    page = ROOT / "book" / "chapters" / path.name
    assert page.is_symlink() and page.resolve() == path.resolve()
    assert f"chapters/{path.stem}" in (ROOT / "book" / "_toc.yml").read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_text_points_only_at_chapters_that_exist(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    names = {p.name for p in NOTEBOOKS}
    links = re.findall(r"\]\(([^)#\s]+\.ipynb)", text)
    assert all(link in names for link in links), f"{path.name} links to {set(links) - names}"
    numbers = {int(n) for n in re.findall(r"[Cc]hapters? (\d+)", text)}
    assert numbers <= set(range(1, len(NOTEBOOKS) + 1)), f"{path.name} names chapters {sorted(numbers)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_test_markers_are_tags_not_lines_a_learner_reads(path):
    nb = nbformat.read(path, as_version=4)
    marked = [i for i, c in enumerate(nb.cells) if re.search(r"^\s*#\s*NBVAL_", c.source, re.M)]
    assert not marked, f"{path.name}: cells {marked} start with an nbval comment; use a cell tag"


def _defined_and_used(source):
    """``(global names a cell defines, global names it uses)``, inside its functions too."""
    table = symtable.symtable(source, "<cell>", "exec")
    defined, used, scopes = set(), set(), [table]
    while scopes:
        scope = scopes.pop()
        scopes += scope.get_children()
        for symbol in scope.get_symbols():
            if scope.get_type() == "module" and (symbol.is_assigned() or symbol.is_imported()):
                defined.add(symbol.get_name())
            if symbol.is_referenced() and (scope.get_type() == "module" or symbol.is_global()):
                used.add(symbol.get_name())
    return defined, used


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_course_cells_use_no_name_a_learner_defines(path):
    """A learner's names must not shadow what the chapter's own cells use: a cell run again after a
    learner's solution (or before it) would break. It also lets one run check the learner's and the
    instructor's version (tests/test_notebook_runs.py)."""
    nb = nbformat.read(path, as_version=4)
    meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    learners = set()
    for cell, m in zip(nb.cells, meta):
        if cell.cell_type == "code" and m.get("solution"):
            learners |= _defined_and_used(ast.unparse(ast.parse(cell.source)))[0]
    for index, (cell, m) in enumerate(zip(nb.cells, meta)):
        if cell.cell_type == "code" and not m.get("grade") and not m.get("solution"):
            shadowed = _defined_and_used(cell.source)[1] & learners
            assert not shadowed, f"{path.name}, cell {index} uses {sorted(shadowed)}, which a learner defines"
