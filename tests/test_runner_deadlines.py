"""Grading times a cell by the cell time-out and an exercise's check by the exercise time-out, each
from its own start (cnncourse/instructor/runner.py), seen through the public grading API.

The time-outs differ (2 s a cell, 5 s a check), so a check that takes 3 s passes only when its own
deadline was set when it started, and one that takes 8 s is cut at 5 s. Trusted code, so no sandbox.
"""

import shutil
from pathlib import Path

import nbformat

from cnncourse.instructor.grade import grade_submissions
from cnncourse.instructor.sandbox import Limits

FIXTURE = Path(__file__).parent / "fixtures" / "exercise_demo.ipynb"  # corr2d: 2 points, count: 1
CHAPTER = "01_demo"
# The check calls count several times: only its first call waits (once per check's process).
SLOW_COUNT = """import time

waited = []

def count(in_channels, out_channels, kernel_size):
    if not waited:
        waited.append(time.sleep({seconds}))
    return (in_channels * kernel_size * kernel_size + 1) * out_channels"""
SECONDS = {"patient": 3, "too_slow": 8}  # how long count's check takes


def submission(student):
    nb = nbformat.read(FIXTURE, as_version=4)
    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "count-tests":
            continue  # the visible check would run in a cell, timed as a cell
        if grade_id == "count-solution":
            cell.source = SLOW_COUNT.format(seconds=SECONDS[student])
        cells.append(cell)
    nb.cells = cells
    return nb


def test_a_check_has_its_own_deadline_longer_than_a_cells(tmp_path):
    source, submissions = tmp_path / "notebooks", tmp_path / "submissions"
    source.mkdir()
    shutil.copyfile(FIXTURE, source / f"{CHAPTER}.ipynb")
    for student in SECONDS:
        (submissions / student).mkdir(parents=True)
        nbformat.write(submission(student), submissions / student / f"{CHAPTER}.ipynb")
    grades = grade_submissions(source, submissions, tmp_path / "grading", workers=2, secret="deadlines",
                               sandboxed=False,
                               limits=Limits(cell_timeout=2, exercise_timeout=5, notebook_timeout=60))
    # patient: its 3 s check ends before its own 5 s deadline (the cell's 2 s do not apply to it);
    # too_slow: cut at 5 s, so count earns nothing
    assert grades.scores == {("patient", CHAPTER): 3, ("too_slow", CHAPTER): 2}
    feedback = tmp_path / "grading" / "feedback"
    assert "time" in (feedback / "too_slow" / f"{CHAPTER}.html").read_text(encoding="utf-8").lower()
