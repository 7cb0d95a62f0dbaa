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
import os
import queue
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..exercises import EXERCISES
from .chapter import draw_cases, read_chapter
from .exchange import loads, pack, unpack
from .gradebook import Grades, Outcome, write_csv, write_feedback
from .nbgrader_course import chapter_notebooks
from .program import build_program, read_submission
from .sandbox import Limits, SandboxUnavailable, bwrap_problem, run_program
from .submissions import LAYOUT, find_submissions


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
    return EXERCISES[task.check].judge(cases, records, task.names)


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
    limits = limits or Limits()
    workers = workers or os.cpu_count() or 1
    secret = secret if secret is not None else os.urandom(32)
    # the arguments first (folders, notebooks), then the environment (bubblewrap)
    notebooks = chapter_notebooks(source_dir)
    submissions, problems = find_submissions(submissions_dir, [nb.name for nb in notebooks])
    if sandboxed:
        problem = bwrap_problem()
        if problem:
            raise SandboxUnavailable(
                f"{problem} Grading runs every learner's code in a bubblewrap sandbox; to run it with your "
                "own rights instead (trusted submissions only), pass --unsafe-no-sandbox.")
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
