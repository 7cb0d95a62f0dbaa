"""The instructor's notebook, as the grader reads it (trusted): its graded exercises, the check each
test cell calls with the names it passes, and the course's own code cells."""

import ast
from dataclasses import dataclass

import nbformat

from ..exercises import EXERCISES


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


def draw_cases(chapter, secret):
    """``{grade id: cases}``: each exercise's public cases and hidden ones drawn with ``secret``."""
    return {task.grade_id: EXERCISES[task.check].cases() + EXERCISES[task.check].cases(True, secret)
            for task in chapter.tasks if task.check}
