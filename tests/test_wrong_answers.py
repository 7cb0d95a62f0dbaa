"""Every exercise's catalogue of plausible answers (tests/wrong_answers), graded as the instructor grades.

One grading run, in the sandbox, with the grader's cases (public and hidden): one learner hands in
notebooks that hold every exercise of the nine chapters once per answer of its catalogue (the
chapter notebooks' solution and test cells, repeated: each answer is checked right after its own
cell), the reference solution last. Right answers must pass, wrong ones fail with the hint their
mistake calls for. The same catalogue is also judged in this process for another secret.
"""

import html
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from cnncourse.exercises import EXERCISES
from cnncourse.instructor.grade import grade_submissions, read_chapter
from cnncourse.instructor.nbgrader_course import chapter_notebooks
from cnncourse.instructor.sandbox import Limits, bwrap_problem
from cnncourse.threads import one_thread
from wrong_answers import CATALOGUE, PRELUDE, functions, verdict
from system_packages import skip_without

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# Two notebooks, graded side by side: chapters 1 to 6, and the module exercises of chapters 7 to 9.
PARTS = {"00_catalogue_a": range(1, 7), "00_catalogue_b": range(7, 10)}
SECRET = "catalogue secret"
ROW = re.compile(r"<tr><td>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td></tr>")


def slots(entry):
    """``(slot, source, words)`` of one exercise's answers: the right ones, the wrong ones, then the
    reference (source None; last, so that a later exercise's reference may use it)."""
    return ([(f"right{i}", source, None) for i, source in enumerate(entry["right"])]
            + [(f"wrong{i}", source, words) for i, (source, words) in enumerate(entry["wrong"])]
            + [("reference", None, None)])


def catalogue_notebooks(chapters):
    """The instructor's notebook (every exercise of ``chapters``, its solution and test cell once per
    answer, grade ids ``NN-<id>-<slot>``) and the learner's (the same with the answers in the solution cells)."""
    instructor, learner = [nbformat.v4.new_code_cell(PRELUDE)], [nbformat.v4.new_code_cell(PRELUDE)]
    for notebook in chapter_notebooks(NOTEBOOKS):
        if int(notebook.name[:2]) not in chapters:
            continue
        cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell
                 for cell in nbformat.read(notebook, as_version=4).cells}
        for task in read_chapter(notebook).tasks:
            for slot, source, _ in slots(CATALOGUE[task.check]):
                for grade_id, answer in ((task.solution_ids[-1], source), (task.grade_id, None)):
                    cell = nbformat.from_dict(cells[grade_id])
                    cell.metadata["nbgrader"] = dict(cell.metadata["nbgrader"],
                                                     grade_id=f"{notebook.name[:2]}-{grade_id}-{slot}")
                    instructor.append(cell)
                    learner.append(nbformat.from_dict(dict(cell, source=answer or cell.source)))
    return nbformat.v4.new_notebook(cells=instructor), nbformat.v4.new_notebook(cells=learner)


@pytest.fixture(scope="module")
def single_thread():
    """Torch on one thread: on a busy machine its thread pool makes these tiny layers far slower."""
    with one_thread():
        yield


@pytest.fixture(scope="module")
def catalogue_grades(tmp_path_factory, single_thread):
    """``(tasks, {(check, slot): None or the grader's message})``."""
    skip_without("bubblewrap")  # named in the run's closing line
    problem = bwrap_problem()
    if problem:
        pytest.skip(f"grading runs in a bubblewrap sandbox: {problem}")
    root = tmp_path_factory.mktemp("catalogue")
    source, submissions = root / "notebooks", root / "submissions" / "learner"
    source.mkdir()
    submissions.mkdir(parents=True)
    tasks = []
    for part, chapters in PARTS.items():
        instructor, learner = catalogue_notebooks(chapters)
        nbformat.write(instructor, source / f"{part}.ipynb")
        nbformat.write(learner, submissions / f"{part}.ipynb")
        tasks += read_chapter(source / f"{part}.ipynb").tasks
    grade_submissions(source, submissions.parent, root / "grading", workers=2, secret=SECRET,
                      limits=Limits(cell_timeout=60, exercise_timeout=60, notebook_timeout=600))
    check_of = {task.grade_id: task.check for task in tasks}
    verdicts = {}
    for part in PARTS:
        page = (root / "grading" / "feedback" / "learner" / f"{part}.html").read_text(encoding="utf-8")
        verdicts.update({(check_of[grade_id], grade_id.rsplit("-", 1)[1]):
                         None if verdict == "passed" else html.unescape(verdict)
                         for grade_id, verdict in ROW.findall(page)})
    shutil.rmtree(root, ignore_errors=True)
    return tasks, verdicts


def test_the_catalogue_covers_every_exercise_of_every_chapter(catalogue_grades):
    tasks, verdicts = catalogue_grades
    assert {task.check for task in tasks} == set(CATALOGUE) == set(EXERCISES)
    assert len(EXERCISES) == 28
    for task in tasks:  # the names the chapter's test cell passes, in order
        assert task.names == CATALOGUE[task.check]["names"], task.check
    for check, entry in CATALOGUE.items():
        assert len(entry["right"]) == 2 and len(entry["wrong"]) >= 4, check
        assert {slot for c, slot in verdicts if c == check} == {slot for slot, _, _ in slots(entry)}


@pytest.mark.parametrize("check", sorted(CATALOGUE))
def test_the_grader_passes_right_answers_and_fails_wrong_ones_with_their_hint(catalogue_grades, check):
    _, verdicts = catalogue_grades
    for slot, _, words in slots(CATALOGUE[check]):
        message = verdicts[check, slot]
        if slot.startswith("wrong"):
            assert message is not None, (check, slot)
            assert words is None or words in message, (check, slot, words, message)
        else:
            assert message is None, (check, slot, message)


@pytest.mark.parametrize("check", sorted(CATALOGUE))
def test_the_catalogue_is_judged_alike_for_another_secret(single_thread, check):
    entry = CATALOGUE[check]
    for source in entry["right"]:
        assert verdict(check, functions(source, entry["names"]), "another secret") is None, source
    for source, words in entry["wrong"]:
        message = verdict(check, functions(source, entry["names"]), "another secret")
        assert message is not None, source
        assert words is None or words in message, (words, message)
