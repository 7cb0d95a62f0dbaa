"""What grading writes: the scores (:class:`Grades`), ``grades.csv`` and one HTML feedback page per
learner and chapter."""

import csv
import html
import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .submissions import LAYOUT, Submission

CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "status"]


@dataclass
class Outcome:
    """One graded submission: points per exercise and what the learner should read."""

    submission: Submission
    points: dict = field(default_factory=dict)    # grade id -> points earned
    messages: dict = field(default_factory=dict)  # grade id -> None (passed) or the problem
    notes: list = field(default_factory=list)     # lines about the notebook as a whole
    error: str = ""                               # set when nothing could be graded

    @property
    def score(self):
        return sum(self.points.values())


@dataclass
class Grades:
    """The outcome of :func:`grade_submissions`: ``scores[(student, chapter)]``, ``max_scores[chapter]``,
    ``failed`` (submissions that could not be graded at all), ``problems`` (lines for the instructor)."""

    csv_path: Path
    feedback_dir: Path
    max_scores: dict
    scores: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def students(self):
        return sorted({student for student, _ in self.scores} | {s.student_id for s in self.failed})

    def chapters(self):
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
        lines = [self.table(), ""]
        if self.problems:
            lines += ["Problems:", *(f"  {problem}" for problem in self.problems), ""]
        lines += [f"Grades (CSV): {self.csv_path}",
                  f"Feedback for each learner: {self.feedback_dir}/{Path(LAYOUT).with_suffix('.html')}"]
        return "\n".join(lines)

    def cell(self, student, chapter):
        if (student, chapter) in self.scores:
            return _points(self.scores[student, chapter], self.max_scores[chapter])
        if any(s.student_id == student and s.chapter == chapter for s in self.failed):
            return "error"
        return "-"


def _points(score, max_score):
    return f"{score:g} / {max_score:g}"


def _atomic_write(path, text):
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def write_csv(path, outcomes, max_scores):
    """grades.csv from the grader's own records: one row per learner and chapter handed in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for outcome in sorted(outcomes, key=lambda o: (o.submission.student_id, o.submission.chapter)):
        submission = outcome.submission
        writer.writerow([submission.student_id, submission.chapter, f"{outcome.score:g}",
                         f"{max_scores[submission.chapter]:g}", "error" if outcome.error else "graded"])
    _atomic_write(path, buffer.getvalue())


# ----- feedback

def write_feedback(feedback_dir, outcomes, chapters):
    """One HTML page per learner and chapter; the folder is rebuilt on every run."""
    feedback_dir = Path(feedback_dir)
    staging = feedback_dir.with_name(feedback_dir.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    for outcome in outcomes:
        target = staging / outcome.submission.student_id / f"{outcome.submission.chapter}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(feedback_html(outcome, chapters[outcome.submission.chapter][0].tasks), encoding="utf-8")
    shutil.rmtree(feedback_dir, ignore_errors=True)
    staging.rename(feedback_dir)


def feedback_html(outcome, tasks):
    """A learner's feedback on one chapter: score, each exercise's verdict, notes on the notebook."""
    e = html.escape
    submission = outcome.submission
    total = sum(task.points for task in tasks)
    rows = []
    for task in tasks:
        message = outcome.messages.get(task.grade_id, outcome.error or "not graded")
        verdict = "passed" if message is None else e(message)
        rows.append(f"<tr><td>{e(task.grade_id)}</td><td>{outcome.points.get(task.grade_id, 0):g} / "
                    f"{task.points:g}</td><td>{verdict}</td></tr>")
    notes = "".join(f"<li>{e(note)}</li>" for note in ([outcome.error] if outcome.error else []) + outcome.notes)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{e(submission.chapter)}: feedback for {e(submission.student_id)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.3em .6em;"
        "border-bottom:1px solid #ccc;text-align:left;vertical-align:top}</style></head><body>"
        f"<h1>{e(submission.chapter)}</h1><p>{e(submission.student_id)}: "
        f"<strong>{outcome.score:g} / {total:g}</strong> points</p>"
        "<table><tr><th>Exercise</th><th>Points</th><th>Feedback</th></tr>" + "".join(rows) + "</table>"
        + (f"<h2>About your notebook</h2><ul>{notes}</ul>" if notes else "") + "</body></html>\n"
    )
