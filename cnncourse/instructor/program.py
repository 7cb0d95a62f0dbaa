"""A submitted notebook (untrusted) and the program its sandbox runs: the learner's code cells, the
course cells they need, and after which cell each exercise is checked."""

import ast
import os
import stat
import symtable

from .chapter import _is_test, _nbgrader
from .exchange import loads

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


def read_submission(path):
    """The code cells of a submitted notebook as ``[(cell number, source, nbgrader metadata)]``.

    Reads a regular file only (no symlink; a directory or a FIFO is refused, without waiting on it),
    of bounded size, as JSON; ValueError when it is not a notebook.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise ValueError(f"cannot be opened ({error.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ValueError("is not a regular file")
    with os.fdopen(fd, "rb") as file:
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
