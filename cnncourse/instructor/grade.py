"""Grade every learner's submitted notebooks in one command, each in its own sandbox, in parallel.

``python -m cnncourse.instructor.grade notebooks submissions grading`` (what ``make grade`` runs)
grades each ``submissions/<student_id>/NN_name.ipynb`` against ``notebooks/NN_name.ipynb``:

1. the grader reads the exercises from the instructor's notebook (test cells, points, the check each
   calls and the names it passes) and draws each exercise's cases: the public ones and hidden ones
   from a secret (``--secret``, else fresh for every run);
2. the learner's code cells (never the test cells: a cell marked as a test, or a copy of one, is
   dropped, and the original tests are used) run in a disposable bubblewrap sandbox
   (:mod:`cnncourse.instructor.sandbox`), which calls the learner's functions on those cases and
   sends back plain results;
3. the grader, which never runs learner code, compares the results with the reference and writes
   ``grading/grades.csv`` (atomically, one row per learner, chapter and exercise group) and
   ``grading/feedback/<student_id>/NN_name.html``.

Grading refuses to run without bubblewrap unless ``--unsafe-no-sandbox`` is given.
"""

import argparse
import ast
import csv
import html
import io
import os
import queue
import re
import shutil
import stat
import symtable
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..exercises import EXERCISES
from .exchange import loads, pack, unpack
from .nbgrader_course import chapter_notebooks
from .sandbox import Limits, SandboxUnavailable, bwrap_problem, run_program

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")
LAYOUT = "<student_id>/NN_name.ipynb"
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "status"]


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


@dataclass(frozen=True)
class Task:
    """One graded exercise of a chapter: its test cell, points, check, and the names it passes."""

    grade_id: str
    points: float
    check: str
    names: tuple
    solution_ids: tuple  # grade ids of the solution cells before the test cell in the source
    source: str          # the test cell's source, to recognise copies of it


@dataclass(frozen=True)
class Chapter:
    """What the grader knows of one instructor notebook: its exercises, and the sources of its other
    code cells (the course's own, which a submission may run or, when nothing needs them, skip)."""

    tasks: tuple
    course_cells: frozenset
    problems: tuple

    @property
    def max_score(self):
        return sum(task.points for task in self.tasks)


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


# ----- the instructor's notebooks (trusted)

def _nbgrader(cell):
    meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
    return meta if isinstance(meta, dict) else {}


def _is_test(meta):
    return meta.get("grade") is True and meta.get("solution") is not True


def _check_call(source):
    """``(check name, argument names)`` of the first known check the test cell calls, or None."""
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in EXERCISES
                and all(isinstance(arg, ast.Name) for arg in node.args)):
            return node.func.id, tuple(arg.id for arg in node.args)
    return None


def read_chapter(notebook):
    """The graded exercises of one instructor notebook, in order, its other code cells, and lines
    about test cells it cannot grade: a :class:`Chapter`."""
    nb = nbformat.read(notebook, as_version=4)
    tasks, problems, solutions, course = [], [], [], set()
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if meta.get("solution") is True and meta.get("grade_id"):
            solutions.append(meta["grade_id"])
        if cell.cell_type == "code" and not _is_test(meta) and meta.get("solution") is not True:
            course.add(cell.source.strip())
        if cell.cell_type != "code" or not _is_test(meta):
            continue
        call = _check_call(cell.source)
        if call is None:
            problems.append(f"{notebook.name}: test cell {meta.get('grade_id')} calls no check that can be "
                            "graded in a sandbox (see cnncourse.exercises.EXERCISES); it scores 0")
        tasks.append(Task(meta["grade_id"], float(meta.get("points", 0)), call[0] if call else "",
                          call[1] if call else (), tuple(solutions), cell.source.strip()))
    return Chapter(tuple(tasks), frozenset(course), tuple(problems))


# ----- a submission (untrusted)

def read_submission(path):
    """The code cells of a submitted notebook as ``[(cell number, source, nbgrader metadata)]``.

    Reads a regular file only (no symlink), of bounded size, as JSON; ValueError when it is not a notebook.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        raise ValueError(f"cannot be opened ({error.strerror})") from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise ValueError("is not a regular file")
        data = file.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"is larger than {MAX_NOTEBOOK_BYTES // 2 ** 20} MB")
    try:
        nb = loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValueError("is not a notebook (not JSON)") from None
    if type(nb) is not dict or type(nb.get("cells")) is not list:
        raise ValueError("is not a notebook (no list of cells)")
    cells = []
    for number, cell in enumerate(nb["cells"], start=1):
        if type(cell) is not dict or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if type(source) is list and all(type(line) is str for line in source):
            source = "".join(source)
        if type(source) is not str:
            continue
        cells.append((number, source, _nbgrader(cell)))
    return cells


def build_program(cells, chapter):
    """What the sandbox runs: the learner's cells (test cells dropped) and where each exercise is checked.

    Cells after the last check are left out, and so are the course's own cells that define nothing
    the learner's cells or the checks use (demonstrations, plots, training runs): see :func:`_needed`.
    Returns ``(program without cases, notes)``; program["numbers"] maps run cells to notebook cell numbers.
    """
    tasks = chapter.tasks
    test_sources = {task.source for task in tasks}
    test_ids = {task.grade_id for task in tasks}
    run, numbers, notes, test_at, solution_at = [], [], [], {}, {}
    for number, source, meta in cells:
        grade_id = meta.get("grade_id")
        if _is_test(meta) or source.strip() in test_sources:
            if grade_id in test_ids and grade_id not in test_at:
                test_at[grade_id] = len(run) - 1
            elif grade_id not in test_ids or grade_id in test_at:
                notes.append(f"Cell {number} looks like a test cell that is not one of this chapter's "
                             "(added, copied or renamed); it was not run, and the original tests were used.")
            continue
        if meta.get("solution") is True and isinstance(grade_id, str):
            solution_at[grade_id] = len(run)
        run.append(source)
        numbers.append(number)
    evaluate = []
    for task in tasks:
        if task.grade_id in test_at:
            after = test_at[task.grade_id]
        else:
            known = [solution_at[s] for s in task.solution_ids if s in solution_at]
            after = max(known) if known else len(run) - 1
            notes.append(f"The test cell of {task.grade_id} was missing or moved; it was checked after "
                         "your solution cells.")
        evaluate.append([after, task.grade_id])
    last = max((after for after, _ in evaluate), default=-1)
    run, numbers = run[:last + 1], numbers[:last + 1]
    keep = _needed(run, [source.strip() in chapter.course_cells for source in run],
                   {name for task in tasks for name in task.names})
    position = [sum(keep[:i + 1]) - 1 for i in range(len(run))]  # index among the kept cells
    return {"cells": [source for source, kept in zip(run, keep) if kept],
            "numbers": [number for number, kept in zip(numbers, keep) if kept],
            "evaluate": [[position[after] if after >= 0 else -1, gid] for after, gid in evaluate]}, notes


def _names(source):
    """``(global names a cell defines, global names it uses)``, names used inside its functions and
    classes included; None when it cannot be told (a magic, a star import)."""
    try:
        table = symtable.symtable(source, "<cell>", "exec")
    except (SyntaxError, ValueError):
        return None
    if any(isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
           for node in ast.walk(ast.parse(source))):
        return None
    defined, used = set(), set()
    scopes = [table]
    while scopes:
        scope = scopes.pop()
        scopes += scope.get_children()
        for symbol in scope.get_symbols():
            name = symbol.get_name()
            if scope.get_type() == "module" or symbol.is_declared_global():
                if symbol.is_assigned() or symbol.is_imported():
                    defined.add(name)
            if symbol.is_referenced() and symbol.is_global():
                used.add(name)
    return defined, used


def _needed(sources, is_course, names):
    """Which cells to run: every cell of the learner's (solutions, added or edited cells), every cell
    that cannot be analysed, and each course cell defining a name that a cell to run, or a check
    (``names``), uses. Returns one bool per cell."""
    analysed = [_names(source) for source in sources]
    keep = [not course or analysis is None for course, analysis in zip(is_course, analysed)]
    needed = set(names)
    changed = True
    while changed:
        changed = False
        for index, analysis in enumerate(analysed):
            if analysis is None:
                continue
            if keep[index]:
                if not analysis[1] <= needed:
                    needed |= analysis[1]
                    changed = True
            elif analysis[0] & needed:
                keep[index] = changed = True
    return keep


# ----- grading

def draw_cases(chapter, secret):
    """``{grade id: cases}``: each exercise's public cases and hidden ones drawn with ``secret``."""
    return {task.grade_id: EXERCISES[task.check].cases() + EXERCISES[task.check].cases(True, secret)
            for task in chapter.tasks if task.check}


def grade_one(submission, chapter, cases, limits, slot, sandboxed):
    """Run one submission in its sandbox and judge what came back. Never raises for learner input."""
    tasks = chapter.tasks
    outcome = Outcome(submission, points={t.grade_id: 0.0 for t in tasks})
    try:
        cells = read_submission(submission.notebook)
    except ValueError as error:
        outcome.error = f"{submission.notebook.name} {error}"
        return outcome
    program, outcome.notes = build_program(cells, chapter)
    graded = [task for task in tasks if task.check]
    program["exercises"] = {task.grade_id: {"check": task.check, "names": list(task.names),
                                            "cases": [pack(case) for case in cases[task.grade_id]]}
                            for task in graded}
    program["evaluate"] = [step for step in program["evaluate"] if step[1] in program["exercises"]]
    report, problem = run_program(program, limits, slot, sandboxed)
    if problem:
        outcome.notes.append(f"Your notebook could not be run to the end: {problem}.")
    results = report.get("results") if isinstance(report, dict) else None
    results = results if isinstance(results, dict) else {}
    for task in tasks:
        message = _judge(task, cases.get(task.grade_id), results.get(task.grade_id), problem)
        outcome.messages[task.grade_id] = message
        if message is None:
            outcome.points[task.grade_id] = task.points
    outcome.notes += _cell_notes(report, program["numbers"])
    return outcome


def _judge(task, cases, result, problem):
    """None when the exercise passed, else one specific line."""
    if not task.check:
        return "This exercise cannot be graded automatically; your instructor will look at it."
    if not isinstance(result, dict):
        return f"Not checked: {problem or 'no result came back'}."
    if type(result.get("problem")) is str:
        return f"Not checked: {result['problem'][:300]}."
    try:
        document = loads(result["raw"]) if type(result.get("raw")) is str else None
        records = document["cases"] if type(document) is dict and type(document.get("cases")) is list else None
        if records is None:
            raise ValueError("no cases")
        records = [_record(record) for record in records]
    except (ValueError, KeyError, TypeError):
        return "Not checked: the results of this exercise could not be read."
    return EXERCISES[task.check].judge(cases, records)


def _record(record):
    """One case's record from the sandbox, validated: outputs unpacked, or an error's fields as text."""
    if type(record) is not dict or len(record) != 1:
        raise ValueError("record")
    if "outputs" in record:
        return {"outputs": unpack(record["outputs"])}
    error = record.get("error")
    if (type(error) is not dict or set(error) != {"name", "type", "message", "not_implemented"}
            or not all(type(error[k]) is str for k in ("name", "type", "message"))
            or type(error["not_implemented"]) is not bool):
        raise ValueError("record")
    return {"error": {k: v[:300] if type(v) is str else v for k, v in error.items()}}


def _cell_notes(report, numbers):
    """Lines about the learner's cells that raised, hung or killed the kernel (at most ten)."""
    cells = report.get("cells") if isinstance(report, dict) else None
    notes = []
    for index, status in (cells.items() if isinstance(cells, dict) else ()):
        if (type(status) is dict and type(status.get("error")) is str and index.isdigit()
                and int(index) < len(numbers)):
            notes.append(f"Cell {numbers[int(index)]}: {status['error'][:300]}")
    return notes[:10]


def grade_submissions(source_dir, submissions_dir, output_dir, limits=None, workers=None, secret=None,
                      sandboxed=True, progress=None):
    """Grade every ``submissions_dir/<student_id>/NN_name.ipynb``; write CSV and feedback to ``output_dir``.

    limits: :class:`~cnncourse.instructor.sandbox.Limits`. workers: sandboxes run at once (default:
    every core). secret: seeds the hidden cases (default: fresh randomness). sandboxed=False runs
    learner code without a sandbox (only for trusted work). Returns :class:`Grades`.
    """
    if sandboxed:
        problem = bwrap_problem()
        if problem:
            raise SandboxUnavailable(
                f"{problem} Grading runs every learner's code in a bubblewrap sandbox; to run it with your "
                "own rights instead (trusted submissions only), pass --unsafe-no-sandbox.")
    limits = limits or Limits()
    workers = workers or os.cpu_count() or 1
    secret = secret if secret is not None else os.urandom(32)
    notebooks = chapter_notebooks(source_dir)
    submissions, problems = find_submissions(submissions_dir, [nb.name for nb in notebooks])
    chapters = {}
    for notebook in notebooks:
        chapter = read_chapter(notebook)
        chapters[notebook.stem] = (chapter, draw_cases(chapter, secret))
        problems += chapter.problems
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    grades = Grades(output / "grades.csv", output / "feedback",
                    {name: chapter.max_score for name, (chapter, _) in chapters.items()},
                    problems=problems)
    slots = queue.Queue()
    for slot in range(workers):
        slots.put(slot)

    def work(submission):
        slot = slots.get()
        try:
            return grade_one(submission, *chapters[submission.chapter], limits, slot, sandboxed)
        finally:
            slots.put(slot)

    outcomes = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for outcome in pool.map(work, submissions):
            outcomes.append(outcome)
            _record_outcome(grades, outcome)
            if progress:
                progress(f"graded {outcome.submission}: "
                         f"{grades.cell(outcome.submission.student_id, outcome.submission.chapter)}")
    write_csv(grades.csv_path, outcomes, grades.max_scores)
    write_feedback(grades.feedback_dir, outcomes, chapters)
    return grades


def _record_outcome(grades, outcome):
    submission = outcome.submission
    if outcome.error:
        grades.failed.append(submission)
        grades.problems.append(f"could not grade {submission}: {outcome.error}")
    else:
        grades.scores[submission.student_id, submission.chapter] = outcome.score


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
            for notebook in sorted(entry.glob("*.ipynb")):
                if notebook.name in chapter_names:
                    submissions.append(Submission(entry.name, notebook))
                else:
                    problems.append(f"skipped {notebook}: no chapter notebook is called {notebook.name}")
    if not submissions:
        raise ValueError(
            f"submissions_dir: no submissions in {folder}. Expected {folder}/{LAYOUT}, where "
            f"NN_name.ipynb is one of: {', '.join(chapter_names)}." + "".join(f"\n  {p}" for p in problems))
    return submissions, problems


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


def main(argv=None):
    """Command line: ``python -m cnncourse.instructor.grade SOURCE_DIR SUBMISSIONS_DIR OUTPUT_DIR``."""
    parser = argparse.ArgumentParser(description="Grade the learners' submitted notebooks, each in a sandbox.")
    parser.add_argument("source_dir", help="folder of the chapter notebooks with solutions (notebooks)")
    parser.add_argument("submissions_dir", help=f"folder of the submissions, {LAYOUT} (submissions)")
    parser.add_argument("output_dir", help="folder for grades.csv and feedback/ (grading)")
    defaults = Limits()
    parser.add_argument("--timeout", type=int, default=defaults.cell_timeout,
                        help=f"seconds a cell (or one exercise's check) may run (default {defaults.cell_timeout})")
    parser.add_argument("--notebook-timeout", type=int, default=defaults.notebook_timeout,
                        help=f"seconds a whole notebook may run (default {defaults.notebook_timeout})")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="notebooks graded at once (default: every core)")
    parser.add_argument("--secret", help="text that seeds the hidden cases (default: new ones every run); "
                                         "also read from $CNNCOURSE_HIDDEN_SECRET")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="run learner code without bubblewrap, with your rights (trusted work only)")
    args = parser.parse_args(argv)
    if args.timeout < 1 or args.notebook_timeout < 1 or args.workers < 1:
        parser.error("--timeout, --notebook-timeout and --workers must be at least 1")
    limits = Limits(cell_timeout=args.timeout, exercise_timeout=args.timeout,
                    notebook_timeout=args.notebook_timeout)
    secret = args.secret or os.environ.get("CNNCOURSE_HIDDEN_SECRET")
    try:
        grades = grade_submissions(args.source_dir, args.submissions_dir, args.output_dir, limits=limits,
                                   workers=args.workers, secret=secret, sandboxed=not args.unsafe_no_sandbox,
                                   progress=print)
    except (ValueError, SandboxUnavailable) as error:
        sys.exit(f"error: {error}")
    print()
    print(grades.summary())


if __name__ == "__main__":
    main()
