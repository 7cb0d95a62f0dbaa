"""Grading every submission in one command (``make grade``), on the small fixture notebook.

Learners hand in tests/fixtures/exercise_demo.ipynb as 01_demo.ipynb (corr2d: 2 points,
count: 1 point): ada the full solutions, ben the untouched learner version, cy a wrong corr2d
whose test cell she replaced and a test cell she deleted, dee a count that never returns, and
eve a file that is not a notebook.
"""

import csv
import shutil
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from cnncourse.instructor.grade import grade_submissions, main
from cnncourse.instructor.student import generate_student_notebooks

FIXTURE = Path(__file__).parent / "fixtures" / "exercise_demo.ipynb"
CHAPTER = "01_demo"
EXPECTED = {"ada": 3, "ben": 0, "cy": 1, "dee": 2}


def replace_cells(nb, sources):
    """Give the cells with these grade ids new sources (None deletes the cell)."""
    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in sources:
            if sources[grade_id] is None:
                continue
            cell.source = sources[grade_id]
        cells.append(cell)
    nb.cells = cells
    return nb


def hand_in(submissions, student_id, nb):
    folder = submissions / student_id
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{CHAPTER}.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    source, submissions = root / "notebooks", root / "submissions"
    source.mkdir()
    shutil.copyfile(FIXTURE, source / f"{CHAPTER}.ipynb")
    generate_student_notebooks(source, root / "student")

    def solutions():
        return nbformat.read(source / f"{CHAPTER}.ipynb", as_version=4)

    hand_in(submissions, "ada", solutions())
    hand_in(submissions, "ben", nbformat.read(root / "student" / f"{CHAPTER}.ipynb", as_version=4))
    hand_in(submissions, "cy", replace_cells(solutions(), {
        "corr2d-solution": "def corr2d(x, k):\n    return corr2d_flipped(x, k)\n\n"
                           "def corr2d_flipped(x, k):\n    from scipy.signal import convolve2d\n"
                           "    return convolve2d(x, k, mode='valid')",
        "corr2d-tests": "print('all tests pass')",
        "count-tests": None,
    }))
    hand_in(submissions, "dee", replace_cells(solutions(), {
        "count-solution": "def count(in_channels, out_channels, kernel_size):\n    while True:\n        pass",
    }))
    (submissions / "eve").mkdir()
    (submissions / "eve" / f"{CHAPTER}.ipynb").write_text("{not a notebook")
    (submissions / "ada" / "scratch.ipynb").write_text("{}")
    (submissions / "notes.txt").write_text("not a submission")
    output = root / "grading"
    grades = grade_submissions(source, submissions, output, timeout=10)
    return SimpleNamespace(grades=grades, output=output)


def feedback(graded, student_id):
    return (graded.output / "feedback" / student_id / f"{CHAPTER}.html").read_text(encoding="utf-8")


def test_scores(graded):
    assert graded.grades.scores == {(student, CHAPTER): points for student, points in EXPECTED.items()}
    assert graded.grades.max_scores == {CHAPTER: 3}
    assert [str(s) for s in graded.grades.failed] == [f"eve/{CHAPTER}.ipynb"]


def test_csv_has_one_row_per_learner_and_chapter(graded):
    with open(graded.output / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {row["student_id"]: float(row["score"]) for row in rows} == {**EXPECTED, "eve": 0}
    assert {(row["assignment"], row["max_score"]) for row in rows} == {(CHAPTER, "3.0")}


def test_feedback_for_every_learner(graded):
    files = {p.relative_to(graded.output / "feedback").as_posix()
             for p in (graded.output / "feedback").rglob("*") if p.is_file()}
    assert files == {f"{student}/{CHAPTER}.html" for student in EXPECTED}


def test_unattempted_exercises_say_so_in_the_feedback(graded):
    html = feedback(graded, "ben")
    assert "not attempted yet" in html
    assert "check_corr2d(corr2d)" in html


@pytest.mark.parametrize("student_id", sorted(EXPECTED))
def test_feedback_does_not_show_the_hidden_tests(graded, student_id):
    html = feedback(graded, student_id)
    assert "HIDDEN TESTS" not in html and "hidden=True" not in html


def test_edited_and_deleted_test_cells_are_restored(graded):
    html = feedback(graded, "cy")
    assert "all tests pass" not in html
    assert "kernel was flipped" in html  # the restored check ran and explained the mistake
    assert "was missing from the submission" in html  # count's test cell, added back and passed


def test_a_never_ending_cell_is_stopped(graded):
    html = feedback(graded, "dee")
    assert "corr2d is correct" in html
    assert "Timeout" in html or "KeyboardInterrupt" in html


def test_summary_table_and_problems(graded):
    summary = graded.grades.summary()
    lines = summary.splitlines()
    assert lines[0].split() == ["student", CHAPTER, "total"]
    assert lines[1].split() == ["ada", "3", "/", "3", "3", "/", "3"]
    assert lines[2].split() == ["ben", "0", "/", "3", "0", "/", "3"]
    assert lines[5].split() == ["eve", "error", "0", "/", "3"]
    assert f"could not grade eve/{CHAPTER}.ipynb: nbformat.reader.NotJSONError" in summary
    assert "scratch.ipynb: no chapter notebook is called scratch.ipynb" in summary
    assert "notes.txt: put it in a folder named after the learner" in summary


def test_missing_or_empty_submissions_folder(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    shutil.copyfile(FIXTURE, source / f"{CHAPTER}.ipynb")
    args = [str(source), str(tmp_path / "submissions"), str(tmp_path / "grading")]
    with pytest.raises(SystemExit, match="submissions_dir: the folder .*submissions does not exist"):
        main(args)
    (tmp_path / "submissions" / "ada").mkdir(parents=True)
    with pytest.raises(SystemExit, match=f"submissions_dir: no submissions in .*one of: {CHAPTER}.ipynb"):
        main(args)
    assert not (tmp_path / "grading").exists()
