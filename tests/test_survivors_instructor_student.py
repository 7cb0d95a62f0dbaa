"""``make student`` without nbgrader's own run (cnncourse/instructor/student.py and nbgrader_course.py):
what is done to a released notebook, the record that spares a learner's edits, the report, the
command line, and the nbgrader course folder's steps with a stand-in converter. That nbgrader
really removes the solutions and hidden tests is tested in tests/test_student.py (tens of seconds).
"""

import hashlib
import json
import logging
import os
import sys
from pathlib import Path

import nbformat
import pytest

from cnncourse.instructor import nbgrader_course, student
from cnncourse.instructor.nbgrader_course import Course, NbgraderError, chapter_notebooks
from cnncourse.instructor.student import (RECORD_NAME, StudentNotebooks, _learner_version, _read_record, install,
                                          main)

TEST = {"grade": True, "solution": False, "grade_id": "t"}


def released(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["kernelspec"] = {"name": "python3"}
    cells = [nbformat.v4.new_code_cell("check(f)"), nbformat.v4.new_code_cell("check(g)"),
             nbformat.v4.new_code_cell("def f(): raise NotImplementedError()"),
             nbformat.v4.new_code_cell("answer = 1"), nbformat.v4.new_markdown_cell("text"),
             nbformat.v4.new_code_cell("x = 1")]
    cells[0].metadata["nbgrader"] = TEST
    cells[1].metadata.update(nbgrader=TEST, tags=["raises-exception", "mine"])
    cells[2].metadata["nbgrader"] = {"grade": False, "solution": True}
    cells[3].metadata["nbgrader"] = {"grade": True, "solution": True}
    cells[4].metadata["nbgrader"] = TEST
    nb.cells = cells
    nbformat.write(nb, path)
    return path


def test_a_released_notebook_loses_its_widget_state_and_its_test_cells_run_on_past_a_failure(tmp_path):
    nb = nbformat.reads(_learner_version(released(tmp_path / "r.ipynb")).decode("utf-8"), as_version=4)
    assert "widgets" not in nb.metadata and nb.metadata["kernelspec"] == {"name": "python3"}
    assert [cell.metadata.get("tags") for cell in nb.cells] == [
        ["raises-exception"], ["raises-exception", "mine"], None, None, None, None]


def test_the_record_keeps_a_hash_of_each_version_and_spares_what_the_learner_changed(tmp_path):
    install({"01_a.ipynb": b"v1", "02_b.ipynb": b"v1"}, tmp_path)
    record = json.loads((tmp_path / RECORD_NAME).read_text(encoding="utf-8"))
    assert record["sha256"] == {"01_a.ipynb": hashlib.sha256(b"v1").hexdigest(),
                                "02_b.ipynb": hashlib.sha256(b"v1").hexdigest()}
    assert "never overwritten" in record["about"]
    assert (tmp_path / RECORD_NAME).read_text(encoding="utf-8").endswith("}\n")
    # a learner restores the generated text by hand: up to date, and still updated later
    (tmp_path / "01_a.ipynb").write_bytes(b"mine")
    (tmp_path / "01_a.ipynb").write_bytes(b"v1")
    assert install({"01_a.ipynb": b"v1"}, tmp_path).status == {"01_a.ipynb": "up to date"}
    assert install({"01_a.ipynb": b"v2"}, tmp_path).status == {"01_a.ipynb": "updated"}
    assert json.loads((tmp_path / RECORD_NAME).read_text())["sha256"]["01_a.ipynb"] == hashlib.sha256(
        b"v2").hexdigest()
    (tmp_path / "02_b.ipynb").write_bytes(b"learner's")
    assert install({"02_b.ipynb": b"v2"}, tmp_path).status == {"02_b.ipynb": "kept"}
    assert install({"02_b.ipynb": b"learner's"}, tmp_path).status == {"02_b.ipynb": "up to date"}
    assert install({"02_b.ipynb": b"v3"}, tmp_path).status == {"02_b.ipynb": "updated"}


@pytest.mark.parametrize("text", ["{not json", "[]", '{"other": {}}', '{"sha256": 5}', '{"sha256": [[1]]}'])
def test_an_unusable_record_counts_as_none(tmp_path, text):
    (tmp_path / RECORD_NAME).write_text(text)
    assert _read_record(tmp_path) == {}
    (tmp_path / "01_a.ipynb").write_bytes(b"old")
    assert install({"01_a.ipynb": b"new"}, tmp_path).status == {"01_a.ipynb": "kept"}


def test_a_missing_target_folder_is_made_with_its_parents(tmp_path):
    report = install({"01_a.ipynb": b"v1"}, tmp_path / "a" / "b")
    assert report.target_dir == tmp_path / "a" / "b" and (tmp_path / "a" / "b" / "01_a.ipynb").read_bytes() == b"v1"


def test_the_summary_says_what_happened_to_each_notebook():
    report = StudentNotebooks(Path("student"), {"01_a.ipynb": "new", "02_b.ipynb": "kept", "03_c.ipynb": "up to date"})
    assert report.kept() == ["02_b.ipynb"]
    assert report.summary().splitlines() == [
        "Learner notebooks in student:",
        "  new         01_a.ipynb",
        "  kept        02_b.ipynb  <- you edited it, so it was left as it is",
        "  up to date  03_c.ipynb",
        "To get a fresh copy of a kept notebook, delete or rename it (your work stays in the renamed file), "
        "then run `make student` again.",
        "Open them with `make lab`."]
    assert StudentNotebooks(Path("s"), {"01_a.ipynb": "updated"}).summary().splitlines() == [
        "Learner notebooks in s:", "  updated     01_a.ipynb", "Open them with `make lab`."]


class FakeCourse:
    """Stands in for the nbgrader course: 'releases' each notebook as it is, into its own folder."""

    def __init__(self, root):
        self.root = Path(root)

    def release(self, notebooks):
        out = {}
        for notebook in notebooks:
            out[notebook.name] = self.root / notebook.name
            out[notebook.name].write_bytes(notebook.read_bytes())
        return out


def course(tmp_path, *names):
    source = tmp_path / "notebooks"
    source.mkdir()
    for name in names:
        released(source / name)
    return source


def test_generating_writes_a_learner_version_of_every_chapter(tmp_path, monkeypatch, capsys):
    source = course(tmp_path, "02_b.ipynb", "01_a.ipynb", "notes.ipynb")
    monkeypatch.setattr(student, "Course", FakeCourse)
    main([str(source), str(tmp_path / "student")])
    assert capsys.readouterr().out.splitlines()[:3] == [
        f"Learner notebooks in {tmp_path / 'student'}:", "  new         01_a.ipynb", "  new         02_b.ipynb"]
    assert sorted(os.listdir(tmp_path / "student")) == [RECORD_NAME, "01_a.ipynb", "02_b.ipynb"]
    nb = nbformat.read(tmp_path / "student" / "01_a.ipynb", as_version=4)
    assert "widgets" not in nb.metadata and nb.cells[0].metadata["tags"] == ["raises-exception"]


def test_the_solutions_folder_is_never_the_target(tmp_path, monkeypatch):
    source = course(tmp_path, "01_a.ipynb")
    monkeypatch.setattr(student, "Course", FakeCourse)
    for target in (source, tmp_path / "notebooks" / ".." / "notebooks"):
        with pytest.raises(ValueError, match=r"^target_dir must differ from source_dir \(.*\): it would "
                                             r"overwrite the solutions$"):
            student.generate_student_notebooks(source, target)


@pytest.mark.parametrize("error", [ValueError("source_dir: gone"), NbgraderError("GenerateAssignment", "01_a",
                                                                                 ["bad cell"])])
def test_the_command_line_turns_a_refusal_into_one_error_line(monkeypatch, error):
    def fail(source_dir, target_dir):
        raise error
    monkeypatch.setattr(student, "generate_student_notebooks", fail)
    with pytest.raises(SystemExit, match=r"^error: (source_dir: gone|nbgrader GenerateAssignment of 01_a failed: "
                                         r"bad cell\nbad cell)$"):
        main(["a", "b"])


# ----- the nbgrader course folder


def test_chapter_notebooks_are_the_numbered_ones_in_order(tmp_path):
    for name in ("10_j.ipynb", "02_b.ipynb", "notes.ipynb", "3.txt", "x1_a.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in chapter_notebooks(str(tmp_path))] == ["02_b.ipynb", "10_j.ipynb"]
    with pytest.raises(ValueError, match=r"^source_dir: the folder \S+/none does not exist$"):
        chapter_notebooks(tmp_path / "none")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"^source_dir: no chapter notebooks \(NN_name.ipynb\) in \S+/empty$"):
        chapter_notebooks(tmp_path / "empty")


def test_the_interpreter_s_folder_goes_first_on_the_path_once(monkeypatch):
    here = os.path.dirname(sys.executable)
    monkeypatch.setenv("PATH", f"/elsewhere{os.pathsep}{here}")
    nbgrader_course.put_interpreter_bin_on_path()
    nbgrader_course.put_interpreter_bin_on_path()
    assert os.environ["PATH"] == f"{here}{os.pathsep}/elsewhere{os.pathsep}{here}"
    monkeypatch.delenv("PATH")
    nbgrader_course.put_interpreter_bin_on_path()
    assert os.environ["PATH"] == f"{here}{os.pathsep}"


@pytest.mark.parametrize("messages, reason", [
    (["first", "second"], "first"),
    (["plain", "Traceback (most recent call last):\n  File x\n\nKeyError: 'grade_id'\n\n"], "KeyError: 'grade_id'"),
    ([], "nbgrader logged no details"),
])
def test_an_nbgrader_failure_names_its_reason_first(messages, reason):
    error = NbgraderError("GenerateAssignment", "01_a", messages)
    assert error.reason == reason
    assert str(error) == f"nbgrader GenerateAssignment of 01_a failed: {reason}\n" + "\n".join(messages)


class Converter:
    """Stands in for nbgrader's GenerateAssignment: writes the release, or logs and fails."""

    runs = []
    fail = False

    def __init__(self, coursedir, config, log):
        self.coursedir, self.config, self.log, self.force = coursedir, config, log, False

    def start(self):
        type(self).runs.append((self.coursedir.assignment_id, self.force, self.config.CourseDirectory.root))
        if self.fail:
            self.log.warning("only a warning")
            self.log.error("cell %s has no grade id", "c3")
            from nbgrader.converters.base import NbGraderException  # imported here: nbgrader takes a second

            raise NbGraderException("failed")
        chapter = self.coursedir.assignment_id
        source = Path(self.coursedir.root) / "source" / chapter / f"{chapter}.ipynb"
        target = Path(self.coursedir.root) / "release" / chapter / f"{chapter}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_text(source.read_text().upper())


def nbgrader_converters():
    import nbgrader.converters

    return nbgrader.converters


def test_each_chapter_is_an_assignment_generated_by_force_in_the_course_folder(tmp_path, monkeypatch):
    notebooks = [tmp_path / "01_a.ipynb", tmp_path / "02_b.ipynb"]
    for path in notebooks:
        path.write_text(f"text of {path.stem}")
    monkeypatch.setattr(nbgrader_converters(), "GenerateAssignment", Converter)  # where release() imports it
    monkeypatch.setattr(Converter, "runs", [])
    root = tmp_path / "course"
    out = Course(str(root)).release(notebooks)
    assert out == {"01_a.ipynb": root / "release" / "01_a" / "01_a.ipynb",
                   "02_b.ipynb": root / "release" / "02_b" / "02_b.ipynb"}
    assert out["02_b.ipynb"].read_text() == "TEXT OF 02_B"
    assert Converter.runs == [("01_a", True, str(root)), ("02_b", True, str(root))]


def test_a_failed_step_raises_with_the_errors_nbgrader_logged_and_stops_listening(tmp_path, monkeypatch):
    (tmp_path / "01_a.ipynb").write_text("x")
    monkeypatch.setattr(nbgrader_converters(), "GenerateAssignment", Converter)  # where release() imports it
    monkeypatch.setattr(Converter, "fail", True)
    logger = logging.getLogger("cnncourse.instructor.nbgrader")
    handlers = list(logger.handlers)
    with pytest.raises(NbgraderError) as error:
        Course(tmp_path / "course").release([tmp_path / "01_a.ipynb"])
    assert str(error.value) == "nbgrader Converter of 01_a failed: cell c3 has no grade id\ncell c3 has no grade id"
    assert logger.handlers == handlers and logger.propagate is False and logger.level == logging.ERROR
