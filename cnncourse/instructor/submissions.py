"""Where the submissions are: ``<folder>/<student_id>/NN_name.ipynb``, or nbgrader's collected
layout ``<folder>/<student_id>/<assignment>/NN_name.ipynb`` (its ``submitted/`` folder)."""

import re
from dataclasses import dataclass
from pathlib import Path

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")
LAYOUT = "<student_id>/NN_name.ipynb"  # or <student_id>/<assignment>/NN_name.ipynb


@dataclass(frozen=True)
class Submission:
    """One learner's notebook for one chapter."""

    student_id: str
    notebook: Path

    @property
    def chapter(self):
        return self.notebook.stem

    def __str__(self):
        return f"{self.student_id}/{self.notebook.name}"


def find_submissions(submissions_dir, chapter_names):
    """The submissions under ``submissions_dir`` whose file name is one of ``chapter_names``.

    Returns ``(submissions, problems)``: problems are lines about files that were skipped.
    """
    folder = Path(submissions_dir)
    if not folder.is_dir():
        raise ValueError(f"submissions_dir: the folder {folder} does not exist. Put each learner's notebooks "
                         f"in {folder}/{LAYOUT}.")
    submissions, problems = [], []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() or not entry.is_dir():
            problems.append(f"skipped {entry}: put it in a folder named after the learner ({LAYOUT})")
        elif not STUDENT_ID.fullmatch(entry.name):
            problems.append(f"skipped {entry}: a student id uses only letters, digits and _ . @ -")
        else:
            found, skipped = _learner_notebooks(entry, chapter_names)
            submissions += [Submission(entry.name, notebook) for notebook in found]
            problems += skipped
    if not submissions:
        raise ValueError(
            f"submissions_dir: no submissions in {folder}. Expected {folder}/{LAYOUT}, where "
            f"NN_name.ipynb is one of: {', '.join(chapter_names)}." + "".join(f"\n  {p}" for p in problems))
    return submissions, problems


def _learner_notebooks(folder, chapter_names):
    """``(notebooks, problems)`` of one learner: ``folder/NN_name.ipynb`` and, as nbgrader collects
    them, ``folder/<assignment>/NN_name.ipynb``; one notebook per chapter."""
    candidates = sorted(folder.glob("*.ipynb")) + sorted(
        notebook for assignment in sorted(folder.iterdir())
        if assignment.is_dir() and not assignment.is_symlink() and not assignment.name.startswith(".")
        for notebook in assignment.glob("*.ipynb"))
    found, problems = {}, []
    for notebook in candidates:
        if notebook.name not in chapter_names:
            problems.append(f"skipped {notebook}: no chapter notebook is called {notebook.name}")
        elif notebook.name in found:
            problems.append(f"skipped {notebook}: {found[notebook.name]} is graded for this chapter")
        else:
            found[notebook.name] = notebook
    return list(found.values()), problems
