"""One assignment's whole cycle through the hub, each step done as the person who would do it:
release, fetch, submit, collect, grade (sandboxed), feedback back, and each learner fetching theirs."""

import csv
import io
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import nbformat

from cnncourse.instructor.student import generate_student_notebooks

from .accounts import RUNUSER
from .class_folder import COURSE, COURSE_ROOT
from .hub import ROOT, HubError
from .outcome import Outcome

GRADING = "grading"          # make grade's output, in the instructor's home


@dataclass
class Person:
    """An account of the class with its API client (``api``) and its server's URL prefix."""

    account: object
    api: object

    @property
    def name(self):
        return self.account.name

    def server(self, method, path, **kwargs):
        """A request to this person's own server, through the proxy."""
        return self.api.call(method, f"/user/{self.name}{path}", **kwargs)

    def contents(self, method, path, query="", **kwargs):
        """The server's contents API on ``path`` (relative to the person's home)."""
        return self.server(method, f"/api/contents/{urllib.parse.quote(path)}{query}", **kwargs)

    def read(self, path):
        """A text file of this person's home."""
        return self.contents("GET", path, "?type=file&format=text&content=1")["content"]

    def listing(self, path):
        """``[(name, type)]`` of a folder of this person's home."""
        return [(entry["name"], entry["type"]) for entry in self.contents("GET", path, "?content=1")["content"]]

    def write_notebook(self, path, notebook):
        self.contents("PUT", path, body={"type": "notebook", "format": "json", "content": notebook})

    def make_folders(self, path):
        parts = Path(path).parts
        for depth in range(1, len(parts) + 1):
            self.contents("PUT", "/".join(parts[:depth]), body={"type": "directory"})


def _ok(answer, step):
    """nbgrader's formgrader answers {"success": bool, "log"/"error": text}."""
    if not isinstance(answer, dict) or not answer.get("success"):
        text = answer.get("error") or answer.get("log") if isinstance(answer, dict) else answer
        raise HubError(f"{step} failed: {text}")
    return answer


def max_score(notebook):
    """Points of a chapter notebook's graded test cells, read from nbgrader's metadata."""
    nb = nbformat.read(notebook, as_version=4)
    return sum(float(cell.metadata["nbgrader"].get("points", 0)) for cell in nb.cells
               if cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata["nbgrader"].get("solution"))


def solved(learner_version, instructor_notebook):
    """The learner's notebook with every solution cell replaced by the instructor's (by grade id)."""
    solutions = {cell.metadata["nbgrader"]["grade_id"]: cell.source
                 for cell in nbformat.read(instructor_notebook, as_version=4).cells
                 if cell.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.reads(nbformat.writes(learner_version), as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in solutions:
            cell.source = solutions[grade_id]
    return nb


def learner_version(instructor_notebook):
    """``make student``'s learner version of one chapter notebook."""
    with tempfile.TemporaryDirectory(prefix="cnncourse-class-student-") as temporary:
        source, target = Path(temporary, "source"), Path(temporary, "student")
        source.mkdir()
        (source / instructor_notebook.name).write_bytes(instructor_notebook.read_bytes())
        generate_student_notebooks(source, target)
        return nbformat.read(target / instructor_notebook.name, as_version=4)


def as_instructor(instructor, *command):
    """Run ``python -m ...command`` as the instructor's Unix user, in their home; its output."""
    home = instructor.account.home
    done = subprocess.run([RUNUSER, "-u", instructor.name, "--", sys.executable, "-m", *command], cwd=home,
                          capture_output=True, text=True,
                          env={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": str(home),
                               "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise HubError(f"{command[0]} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def run_cycle(instructor, learners, chapter_notebook, source, workers=1, out=print):
    """Release ``chapter_notebook``'s learner version, have ``learners`` fetch and submit (the first
    solves it with the instructor's solutions, the others hand it in blank), collect, grade in the
    sandbox (``source``: the folder of graded notebooks), return feedback, fetch it. Returns an
    :class:`Outcome`."""
    chapter = chapter_notebook.stem
    outcome = Outcome(chapter, max_score(chapter_notebook))
    release_dir = f"{COURSE_ROOT}/release/{chapter}"
    fresh = learner_version(chapter_notebook)
    submissions = {learner.name: solved(fresh, chapter_notebook) if i == 0 else fresh
                   for i, learner in enumerate(learners)}
    instructor.make_folders(release_dir)
    instructor.write_notebook(f"{release_dir}/{chapter}.ipynb", fresh)
    formgrader = f"/formgrader/api/assignment/{chapter}"
    started = time.monotonic()
    _ok(instructor.server("POST", f"{formgrader}/release"), "release")
    out(f"released {chapter} (course {instructor.name})")
    step = {"course_id": COURSE, "assignment_id": chapter}
    for learner in learners:
        learner.server("POST", "/assignments/fetch", form=step)
        learner.write_notebook(f"{chapter}/{chapter}.ipynb", submissions[learner.name])
        answer = learner.server("POST", "/assignments/submit", form=step)
        if isinstance(answer, dict) and not answer.get("success", True):
            raise HubError(f"submit by {learner.name} failed: {answer.get('value')}")
        out(f"{learner.name}: fetched and submitted")
    _ok(instructor.server("POST", f"{formgrader}/collect"), "collect")
    out("collected")
    graded = time.monotonic()
    course, grading = instructor.account.home / COURSE_ROOT, instructor.account.home / GRADING
    out(as_instructor(instructor, "cnncourse.instructor.grade", str(source), str(course / "submitted"),
                      str(grading), "--workers", str(workers)).rstrip())
    outcome.seconds["grading"] = time.monotonic() - graded
    out(as_instructor(instructor, "tools.class_demo.feedback", str(course), str(grading), chapter).rstrip())
    _ok(instructor.server("POST", f"{formgrader}/release_feedback"), "release_feedback")
    for learner in learners:
        learner.server("POST", "/assignments/fetch_feedback", form=step)
        outcome.feedback[learner.name] = _fetched_feedback(learner, chapter)
    outcome.seconds["release_to_feedback"] = time.monotonic() - started
    outcome.gradebook = instructor.read(f"{GRADING}/grades.csv")
    for row in csv.DictReader(io.StringIO(outcome.gradebook)):
        if row["assignment"] == chapter:
            outcome.scores[row["student_id"]] = float(row["score"])
    return outcome


def _fetched_feedback(learner, chapter):
    """``[(path, text)]`` of every feedback page in the learner's ``<chapter>/feedback`` folder."""
    pages, folders = [], [f"{chapter}/feedback"]
    while folders:
        folder = folders.pop()
        for name, kind in learner.listing(folder):
            if kind == "directory":
                folders.append(f"{folder}/{name}")
            elif name.endswith(".html"):
                pages.append((f"{folder}/{name}", learner.read(f"{folder}/{name}")))
    return pages
