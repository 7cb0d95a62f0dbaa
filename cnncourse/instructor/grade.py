"""Grade every learner's submitted notebooks in one command, with nbgrader.

``python -m cnncourse.instructor.grade notebooks submissions grading`` (what ``make grade`` runs)
grades each ``submissions/<student_id>/NN_name.ipynb`` against ``notebooks/NN_name.ipynb``:
the locked test cells (hidden tests included) are restored from the source, the notebook is
executed with a time limit per cell, and each passing test cell earns its points. It writes

- ``grading/grades.csv``: nbgrader's CSV, one row per learner and chapter (column ``assignment``);
- ``grading/feedback/<student_id>/NN_name.html``: the graded notebook, hidden tests left out;

and prints a table of scores. ``grading/feedback`` is rebuilt on every run. Submissions are code
run on this machine, as with any autograder: grade in a sandbox what you do not trust.
"""

import argparse
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .nbgrader_course import DEFAULT_TIMEOUT, Course, NbgraderError, chapter_notebooks

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")
LAYOUT = "<student_id>/NN_name.ipynb"


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


@dataclass
class Grades:
    """The outcome of :func:`grade_submissions`.

    scores: ``{(student_id, chapter): points}`` for every graded submission; max_scores:
    ``{chapter: points available}``; failed: submissions nbgrader could not grade; problems:
    one line per skipped file or failed submission.
    """

    csv_path: Path
    feedback_dir: Path
    max_scores: dict
    scores: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def students(self):
        """The learners who handed in something, sorted."""
        return sorted({student for student, _ in self.scores} | {s.student_id for s in self.failed})

    def chapters(self):
        """The chapters someone handed in, in course order."""
        handed_in = {chapter for _, chapter in self.scores} | {s.chapter for s in self.failed}
        return [chapter for chapter in self.max_scores if chapter in handed_in]

    def table(self):
        """Scores per learner (rows) and chapter (columns); '-' not handed in, 'error' not gradable."""
        chapters = self.chapters()
        rows = [["student", *chapters, "total"]]
        for student in self.students():
            cells = [self.cell(student, chapter) for chapter in chapters]
            total = sum(self.scores.get((student, chapter), 0) for chapter in chapters)
            rows.append([student, *cells, _points(total, sum(self.max_scores[c] for c in chapters))])
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)

    def summary(self):
        """The table, the problems, and where the CSV and the feedback are."""
        lines = [self.table(), ""]
        if self.problems:
            lines += ["Problems:", *(f"  {problem}" for problem in self.problems), ""]
        lines += [f"Grades (CSV): {self.csv_path}",
                  f"Feedback for each learner: {self.feedback_dir}/{Path(LAYOUT).with_suffix('.html')}"]
        return "\n".join(lines)

    def cell(self, student, chapter):
        """One learner's score on one chapter as text: "2 / 3", "error" or "-"."""
        if (student, chapter) in self.scores:
            return _points(self.scores[student, chapter], self.max_scores[chapter])
        if any(s.student_id == student and s.chapter == chapter for s in self.failed):
            return "error"
        return "-"


def _points(score, max_score):
    return f"{score:g} / {max_score:g}"


def grade_submissions(source_dir, submissions_dir, output_dir, timeout=DEFAULT_TIMEOUT, progress=None):
    """Grade every ``submissions_dir/<student_id>/NN_name.ipynb``; write CSV and feedback to ``output_dir``.

    source_dir: the chapter notebooks with solutions and hidden tests. timeout: seconds a cell may
    run before it is interrupted. progress: optional callable given one line per graded notebook.
    Returns :class:`Grades`.
    """
    notebooks = chapter_notebooks(source_dir)
    submissions, problems = find_submissions(submissions_dir, [nb.name for nb in notebooks])
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cnncourse-grading-") as root:
        course = Course(root, timeout=timeout)
        course.release(notebooks)
        grades = Grades(output / "grades.csv", output / "feedback", course.max_scores(), problems=problems)
        if grades.feedback_dir.exists():
            shutil.rmtree(grades.feedback_dir)
        for submission in submissions:
            if _autograde(course, submission, grades):
                _write_feedback(course, submission, grades)
            if progress:
                progress(f"graded {submission}: {grades.cell(submission.student_id, submission.chapter)}")
        course.export_csv(grades.csv_path)
    return grades


def find_submissions(submissions_dir, chapter_names):
    """The submissions under ``submissions_dir`` whose file name is one of ``chapter_names``.

    Returns ``(submissions, problems)``: problems are lines about files that were skipped.
    """
    folder = Path(submissions_dir)
    if not folder.is_dir():
        raise ValueError(
            f"submissions_dir: the folder {folder} does not exist. Put each learner's notebooks "
            f"in {folder}/{LAYOUT}."
        )
    submissions, problems = [], []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if not entry.is_dir():
            problems.append(f"skipped {entry}: put it in a folder named after the learner ({LAYOUT})")
        elif not STUDENT_ID.fullmatch(entry.name):
            problems.append(f"skipped {entry}: a student id uses only letters, digits and _ . @ -")
        else:
            found, skipped = _learner_submissions(entry, chapter_names)
            submissions += found
            problems += skipped
    if not submissions:
        raise ValueError(
            f"submissions_dir: no submissions in {folder}. Expected {folder}/{LAYOUT}, where "
            f"NN_name.ipynb is one of: {', '.join(chapter_names)}." + "".join(f"\n  {p}" for p in problems)
        )
    return submissions, problems


def _learner_submissions(folder, chapter_names):
    """One learner's chapter notebooks, and a line for each other notebook in the folder."""
    found, skipped = [], []
    for notebook in sorted(folder.glob("*.ipynb")):
        if notebook.name in chapter_names:
            found.append(Submission(folder.name, notebook))
        else:
            skipped.append(f"skipped {notebook}: no chapter notebook is called {notebook.name}")
    return found, skipped


def _autograde(course, submission, grades):
    """Grade one submission and record its score in ``grades``; False (and a problem) if nbgrader failed."""
    course.submit(submission.student_id, submission.notebook)
    try:
        course.autograde(submission.chapter, submission.student_id)
    except NbgraderError as error:
        grades.failed.append(submission)
        grades.problems.append(f"could not grade {submission}: {error.reason}")
        return False
    grades.scores[submission.student_id, submission.chapter] = course.score(
        submission.chapter, submission.student_id
    )
    return True


def _write_feedback(course, submission, grades):
    """Write one graded submission's HTML feedback to ``feedback_dir/<student_id>/NN_name.html``."""
    try:
        course.generate_feedback(submission.chapter, submission.student_id)
    except NbgraderError as error:
        grades.problems.append(f"no feedback for {submission}: {error.reason}")
        return
    target = grades.feedback_dir / submission.student_id / f"{submission.chapter}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(course.feedback_path(submission.chapter, submission.student_id), target)


def main(argv=None):
    """Command line: ``python -m cnncourse.instructor.grade SOURCE_DIR SUBMISSIONS_DIR OUTPUT_DIR``."""
    parser = argparse.ArgumentParser(description="Grade the learners' submitted notebooks with nbgrader.")
    parser.add_argument("source_dir", help="folder of the chapter notebooks with solutions (notebooks)")
    parser.add_argument("submissions_dir", help=f"folder of the submissions, {LAYOUT} (submissions)")
    parser.add_argument("output_dir", help="folder for grades.csv and feedback/ (grading)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help=f"seconds a cell may run before it is stopped (default {DEFAULT_TIMEOUT})")
    args = parser.parse_args(argv)
    try:
        grades = grade_submissions(args.source_dir, args.submissions_dir, args.output_dir,
                                   timeout=args.timeout, progress=print)
    except (ValueError, NbgraderError) as error:
        sys.exit(f"error: {error}")
    print()
    print(grades.summary())


if __name__ == "__main__":
    main()
