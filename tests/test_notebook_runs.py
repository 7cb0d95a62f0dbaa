"""Every chapter notebook, executed once (tests/notebook_runs.py): the course cells run without an
error and the checked ones print what is stored; for a learner, every untouched exercise says
"not attempted yet"; for the instructor, every solution passes its tests, hidden ones included.

One test class per chapter, so that ``pytest -n 2 --dist loadscope`` spreads the chapters over
the workers. ``CNNCOURSE_DEVICE=cuda`` runs the same on a GPU (``make test-gpu``).
"""

from pathlib import Path

import nbformat
import pytest

from notebook_runs import (checked, combined_cells, compare_outputs, errors, learner_versions, recorded_seconds,
                           run_notebook)

ROOT = Path(__file__).resolve().parents[1]
# the slowest chapter first, as its last execution took (see SLOW_FIRST in tests/conftest.py)
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"), key=recorded_seconds, reverse=True)


@pytest.fixture(scope="class")
def run(request, tmp_path_factory, worker_id):
    """``(instructor notebook, [(step, executed cell)])``: the chapter of the requesting class, run."""
    path = request.cls.path
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base  # the run's folder, above the workers'
    learner = nbformat.read(learner_versions(shared / "learner", ROOT / "notebooks") / path.name, 4)
    instructor = nbformat.read(path, as_version=4)
    cells, steps = combined_cells(instructor, learner)
    executed = run_notebook(cells, path.parent)
    return instructor, list(zip(steps, executed.cells))


class ChapterRun:
    """The tests of one chapter's run; a subclass per notebook names it in ``path``."""

    path = None

    @staticmethod
    def where(step):
        return f"cell {step.index}" + (f" ({step.role} {step.grade_id})" if step.grade_id else "")

    def test_course_and_solution_cells_run_without_error(self, run):
        _, ran = run
        for step, cell in ran:
            if step.role in ("course", "stub", "solution"):
                assert not errors(cell), f"{self.where(step)}: {errors(cell)[0].ename}: {errors(cell)[0].evalue}"

    def test_checked_cells_print_what_is_stored(self, run):
        instructor, ran = run
        compared = 0
        for step, cell in ran:
            stored = instructor.cells[step.index]
            if step.role == "course" and checked(stored):
                difference = compare_outputs(cell.outputs, stored.outputs)
                assert difference is None, f"{self.where(step)}: {difference}"
                compared += 1
        assert compared, "no cell is tagged nbval-check-output"

    def test_untouched_exercises_say_not_attempted_yet(self, run):
        _, ran = run
        untouched = [(step, cell) for step, cell in ran if step.role == "untouched test"]
        assert untouched, "no graded exercise"
        for step, cell in untouched:
            assert errors(cell), f"{self.where(step)}: an untouched exercise's test cell passed"
            error = errors(cell)[0]
            text = error.evalue + "\n".join(error.traceback)
            assert "not attempted yet" in text, f"{self.where(step)}: {error.ename}: {error.evalue}"

    def test_solutions_pass_their_tests_hidden_ones_included(self, run):
        _, ran = run
        tests = [(step, cell) for step, cell in ran if step.role == "test"]
        assert tests
        for step, cell in tests:
            assert not errors(cell), f"{self.where(step)}: {errors(cell)[0].ename}: {errors(cell)[0].evalue}"


for _path in NOTEBOOKS:
    _name = "TestChapter" + _path.stem.title().replace("_", "")
    globals()[_name] = type(_name, (ChapterRun,), {"path": _path, "__doc__": f"{_path.name}, run once."})
