"""Each chapter notebook executed once, as a learner and as the instructor in one kernel.

:func:`combined_cells` lays out one run per chapter from the instructor's notebook and its learner
version (made by ``make student``'s own code, :mod:`cnncourse.instructor.student`): every course
cell as it stands; each solution cell as the learner gets it (the stub); at each test cell, the
learner's test cell (which must say "not attempted yet"), then the instructor's solution cells for
it, then the instructor's test cell, hidden tests included (which must pass). The course cells run
once, and the learner's run and nbval's run are the same run. That equivalence needs the course
cells to use no name a solution cell defines: tests/test_notebooks.py checks it.

:func:`compare_outputs` compares a cell's new outputs with the stored ones as ``nbval`` does for
cells tagged ``nbval-check-output``: every text field (streams, ``text/plain``, HTML, ...), but not
images, metadata or widget model ids.
"""

import fcntl
from collections import defaultdict
from dataclasses import dataclass

import nbformat

from cnncourse.instructor.student import generate_student_notebooks

CHECK_OUTPUT = "nbval-check-output"
NOT_COMPARED = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
                "transient", "image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json"}


@dataclass
class Step:
    """One cell of the combined run: where it came from, and what it must do."""

    role: str          # "course", "stub", "untouched test", "solution" or "test"
    index: int         # the cell's index in the instructor's notebook
    grade_id: str = ""


def recorded_seconds(path):
    """How long the notebook at ``path`` took when it was last executed (its cells' timestamps)."""
    from datetime import datetime

    times = [datetime.fromisoformat(stamp.replace("Z", "+00:00"))
             for cell in nbformat.read(path, as_version=4).cells
             for key, stamp in cell.metadata.get("execution", {}).items()
             if key in ("iopub.execute_input", "shell.execute_reply")]
    return (max(times) - min(times)).total_seconds() if times else 0.0


def nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def is_test(cell):
    return bool(nbgrader(cell).get("grade")) and not nbgrader(cell).get("solution")


def learner_versions(folder, source_dir):
    """The learner versions of every chapter, made once per test run into ``folder`` (shared by
    the pytest-xdist workers, under a file lock)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "make.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            generate_student_notebooks(source_dir, folder / "student")
            (folder / "done").write_text("")
    return folder / "student"


def combined_cells(instructor, learner):
    """``(cells, steps)`` of the combined run of one chapter (see the module's docstring)."""
    assert len(instructor.cells) == len(learner.cells), "the learner version has other cells"
    cells, steps, pending = [], [], []
    for index, (ours, theirs) in enumerate(zip(instructor.cells, learner.cells)):
        if ours.cell_type != "code":
            continue
        grade_id = nbgrader(ours).get("grade_id", "")
        assert nbgrader(theirs).get("grade_id", "") == grade_id, f"cell {index}: grade ids differ"
        if nbgrader(ours).get("solution"):
            cells.append(theirs.source)
            steps.append(Step("stub", index, grade_id))
            pending.append((index, ours))
        elif is_test(ours):
            cells.append(theirs.source)
            steps.append(Step("untouched test", index, grade_id))
            for solution_index, solution in pending:
                cells.append(solution.source)
                steps.append(Step("solution", solution_index, nbgrader(solution)["grade_id"]))
            pending = []
            cells.append(ours.source)
            steps.append(Step("test", index, grade_id))
        else:
            assert theirs.source == ours.source, f"cell {index}: the learner gets other course code"
            cells.append(ours.source)
            steps.append(Step("course", index))
    return cells, steps


def run_notebook(cells, folder, timeout=600):
    """Execute ``cells`` (sources) in order in a fresh kernel working in ``folder``, going on past
    errors; return the executed notebook."""
    from tools.execute_notebooks import run_notebook as execute

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    execute(nb, folder, timeout, allow_errors=True)
    return nb


def errors(cell):
    return [output for output in cell.get("outputs", []) if output.output_type == "error"]


def _fields(outputs):
    """``{field: [values]}`` of the outputs that are compared; streams joined per stream."""
    fields = defaultdict(list)
    streams = defaultdict(str)
    for output in outputs:
        if output.output_type == "stream":
            streams[output.name] += output.text
            continue
        for key, value in output.items():
            if key == "data":
                for kind, data in value.items():
                    if kind not in NOT_COMPARED:
                        fields[kind].append(data if isinstance(data, str) else "".join(data))
            elif key not in NOT_COMPARED:
                fields[key].append(value)
    for name, text in streams.items():
        fields[f"stream {name}"].append(text)
    return dict(fields)


def compare_outputs(new, stored):
    """None when the outputs agree as nbval compares them, else what differs (a short text)."""
    new, stored = _fields(new), _fields(stored)
    if new.keys() != stored.keys():
        return f"output fields {sorted(new)} instead of {sorted(stored)}"
    for key in stored:
        if new[key] != stored[key]:
            return f"{key}:\n--- stored\n{''.join(map(str, stored[key]))[:1500]}\n+++ now\n" \
                   f"{''.join(map(str, new[key]))[:1500]}"
    return None


def checked(cell):
    return CHECK_OUTPUT in cell.metadata.get("tags", [])
