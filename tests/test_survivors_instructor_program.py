"""What the grader reads from the instructor's notebook and from a submission, and what the sandbox
is told to run (cnncourse/instructor/chapter.py and program.py), on small hand-made notebooks whose
expected exercises, cells and check positions are worked out by hand."""

import json
import os
import threading

import nbformat
import pytest

from cnncourse.instructor import program
from cnncourse.instructor.chapter import Chapter, Task, draw_cases, read_chapter
from cnncourse.instructor.program import _names, build_program, read_submission

TEST = {"grade": True, "solution": False, "locked": True}
SOLUTION = {"grade": False, "solution": True}


def code(source, **nbgrader):
    cell = nbformat.v4.new_code_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def instructor_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        code("import numpy as np\n"),
        nbformat.v4.new_markdown_cell("Exercise 1"),
        code("def count(a, b, c):\n    return 0", **SOLUTION, grade_id="count-solution"),
        code("x = 1", **SOLUTION),  # a solution cell without an id
        code("print(check_conv_layer_params(count))\n", **TEST, grade_id="count-tests", points=2),
        code("def relu(x):\n    return x", **SOLUTION, grade_id="relu-solution"),
        code("check_relu(relu, 3)\ncheck_relu(lambda v: v)\nprint(relu)", **TEST, grade_id="relu-tests"),
        code("answer = 42", grade=True, solution=True, grade_id="free", points=4),  # an answer, not a test
        code("check_corr2d(corr2d, hidden=True)", **TEST, grade_id="c-tests", points=0.5),
        code("  plot()  "),
    ]
    nb.cells[-1].metadata["nbgrader"] = "not a dict"
    nbformat.write(nb, path)
    return path


def test_the_graded_exercises_their_checks_and_the_course_cells_are_read(tmp_path):
    chapter = read_chapter(instructor_notebook(tmp_path / "01_x.ipynb"))
    assert chapter.tasks == (
        Task("count-tests", 2.0, "check_conv_layer_params", ("count",), ("count-solution",),
             "print(check_conv_layer_params(count))"),
        Task("relu-tests", 0.0, "", (), ("count-solution", "relu-solution"),
             "check_relu(relu, 3)\ncheck_relu(lambda v: v)\nprint(relu)"),
        Task("c-tests", 0.5, "check_corr2d", ("corr2d",), ("count-solution", "relu-solution", "free"),
             "check_corr2d(corr2d, hidden=True)"))
    assert chapter.course_cells == {"import numpy as np", "plot()"}
    assert chapter.problems == ("01_x.ipynb: test cell relu-tests calls no check that can be graded in a "
                                "sandbox (see cnncourse.exercises.EXERCISES); it scores 0",)
    assert chapter.max_score == 2.5


def test_cases_are_the_public_ones_then_the_hidden_ones_of_the_secret(tmp_path):
    chapter = read_chapter(instructor_notebook(tmp_path / "01_x.ipynb"))
    cases = draw_cases(chapter, "s")
    assert set(cases) == {"count-tests", "c-tests"}  # an exercise without a check has no cases
    counts = cases["count-tests"]
    assert counts[:2] == [{"c_in": 3, "c_out": 2, "k": 3}, {"c_in": 1, "c_out": 256, "k": 3}]
    assert len(counts) > 2 and counts[2:] == draw_cases(chapter, "s")["count-tests"][2:]
    assert counts[2:] != draw_cases(chapter, "t")["count-tests"][2:]


def write(path, document):
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_submission_gives_its_code_cells_numbered_as_in_the_notebook(tmp_path):
    cells = [{"cell_type": "markdown", "source": "# hi"},
             {"cell_type": "code", "source": ["a = 1\n", "b = 2"], "metadata": {}},
             "not a cell",
             {"cell_type": "code", "source": "c", "metadata": {"nbgrader": {"grade_id": "g", "solution": True}}},
             {"cell_type": "code", "source": ["a", 3]},
             {"cell_type": "code", "source": 7},
             {"cell_type": "code", "metadata": ["odd"]},
             {"cell_type": "raw", "source": "x"}]
    assert read_submission(write(tmp_path / "n.ipynb", {"cells": cells})) == [
        (2, "a = 1\nb = 2", {}), (4, "c", {"grade_id": "g", "solution": True}), (7, "", {})]


def test_what_is_not_a_readable_notebook_file_is_refused_with_a_reason(tmp_path):
    target = write(tmp_path / "real.ipynb", {"cells": []})
    (tmp_path / "link.ipynb").symlink_to(target)
    (tmp_path / "bytes.ipynb").write_bytes(b'{"cells": ["\xff"]}')
    expected = {"link.ipynb": r"cannot be opened \(Too many levels of symbolic links\)",
                "none.ipynb": r"cannot be opened \(No such file or directory\)",
                ".": "is not a regular file",
                "bytes.ipynb": r"is not a notebook \(not JSON\)",
                "bad.ipynb": r"is not a notebook \(not JSON\)",
                "list.ipynb": r"is not a notebook \(no list of cells\)",
                "dict.ipynb": r"is not a notebook \(no list of cells\)"}
    (tmp_path / "bad.ipynb").write_text("{cells")
    write(tmp_path / "list.ipynb", [{"cells": []}])
    write(tmp_path / "dict.ipynb", {"cells": {}})
    for name, message in expected.items():
        with pytest.raises(ValueError, match=f"^{message}$"):
            read_submission(tmp_path / name)


def test_a_fifo_named_like_a_notebook_is_refused_at_once_instead_of_hanging_the_grader(tmp_path):
    fifo = tmp_path / "01_x.ipynb"
    os.mkfifo(fifo)
    waited = threading.Event()

    def unblock():  # only if the grader waited for a writer: a regression fails instead of hanging
        if not done.wait(5):
            waited.set()
            os.close(os.open(fifo, os.O_WRONLY))
    done = threading.Event()
    guard = threading.Thread(target=unblock)
    guard.start()
    try:
        with pytest.raises(ValueError, match="^is not a regular file$"):
            read_submission(fifo)
    finally:
        done.set()
        guard.join()
    assert not waited.is_set()


def test_a_notebook_of_exactly_the_size_limit_is_read_and_one_byte_more_is_not(tmp_path, monkeypatch):
    assert program.MAX_NOTEBOOK_BYTES == 20 * 2 ** 20  # the documented limit, tried at 2 MB here
    limit = 2 * 2 ** 20
    monkeypatch.setattr(program, "MAX_NOTEBOOK_BYTES", limit)
    path = tmp_path / "big.ipynb"
    body = b'{"cells": []}'
    path.write_bytes(body + b" " * (limit - len(body)))
    assert os.path.getsize(path) == limit and read_submission(path) == []
    with open(path, "ab") as file:
        file.write(b" ")
    with pytest.raises(ValueError, match="^is larger than 2 MB$"):
        read_submission(path)


def task(grade_id, names, solutions):
    return Task(grade_id, 1.0, "check_x", names, solutions, f"check_x({', '.join(names)})")


COURSE = ["import numpy as np", "SCALE = np.sqrt(9)", "demo = np.zeros(3)\nprint(demo)",
          "from math import *", "%matplotlib inline", "print('after')"]
CHAPTER = Chapter((task("a", ("f",), ("a-sol",)), task("b", ("g",), ("a-sol", "b-sol"))),
                  frozenset(COURSE), ())


def test_the_program_keeps_the_learner_s_cells_and_only_the_course_cells_they_need():
    cells = [(1, COURSE[0], {}), (2, COURSE[1], {}), (3, COURSE[2], {}), (4, COURSE[3], {}),
             (5, COURSE[4], {}),
             (6, "def f(x):\n    return abs(x) * SCALE", {**SOLUTION, "grade_id": "a-sol"}),
             (8, "check_x(f)", {**TEST, "grade_id": "a"}),
             (9, "extra = 1", {}),
             (10, "def g(y):\n    return y", {**SOLUTION, "grade_id": "b-sol"}),
             (11, "check_x(g)", {**TEST, "grade_id": "b"}),
             (12, COURSE[5], {})]
    built, notes = build_program(cells, CHAPTER)
    # np is needed only through SCALE, itself needed by f: found on a later pass
    assert built == {"cells": [COURSE[0], COURSE[1], COURSE[3], COURSE[4], cells[5][1], "extra = 1",
                               "def g(y):\n    return y"],
                     "numbers": [1, 2, 4, 5, 6, 9, 10], "evaluate": [[4, "a"], [6, "b"]]}
    assert notes == []


def test_a_missing_test_cell_is_checked_after_the_learner_s_last_solution_cell():
    cells = [(1, "def f(x):\n    return x", {**SOLUTION, "grade_id": "a-sol"}),
             (2, "def g(x):\n    return x", {**SOLUTION, "grade_id": "b-sol"}),
             (3, "h = 1", {**SOLUTION, "grade_id": 5}),
             (4, "check_x(g)", {**TEST, "grade_id": "b"}),
             (5, "k = 2", {"grade_id": "a-sol"})]  # the id without the solution mark: not a solution
    built, notes = build_program(cells, CHAPTER)
    assert built["evaluate"] == [[0, "a"], [2, "b"]] and built["numbers"] == [1, 2, 3]
    assert built["cells"] == [source for _, source, _ in cells[:3]]
    assert notes == ["The test cell of a was missing or moved; it was checked after your solution cells."]
    alone = Chapter((task("a", ("f",), ("gone",)),), frozenset(), ())
    built, _ = build_program([(1, "u = 1", {}), (2, "v = 2", {})], alone)
    assert built["evaluate"] == [[1, "a"]] and built["cells"] == ["u = 1", "v = 2"]


def test_copies_of_test_cells_are_dropped_and_a_check_before_every_cell_runs_first():
    cells = [(1, "check_x(f)", {**TEST, "grade_id": "a"}),
             (2, "check_x(f)", {}),
             (3, "check_x(f)", {**TEST, "grade_id": "a"}),
             (4, "print(1)", {**TEST, "grade_id": "mine"}),
             (5, "def g(y):\n    return y", {}),
             (6, "check_x(g)", {**TEST, "grade_id": "b"})]
    built, notes = build_program(cells, CHAPTER)
    assert built == {"cells": ["def g(y):\n    return y"], "numbers": [5], "evaluate": [[-1, "a"], [0, "b"]]}
    assert [note.split(" looks like")[0] for note in notes] == ["Cell 2", "Cell 3", "Cell 4"]
    assert notes[0].endswith("(added, copied or renamed); it was not run, and the original tests were used.")
    only, _ = build_program([(1, "check_x(f)", {**TEST, "grade_id": "a"})],
                            Chapter((CHAPTER.tasks[0],), frozenset(), ()))
    assert only == {"cells": [], "numbers": [], "evaluate": [[-1, "a"]]}


@pytest.mark.parametrize("source, expected", [
    ("import os\nx = y + 1", ({"os", "x"}, {"y"})),
    ("def f(a):\n    global G\n    G = a + H\n    return len(a)", ({"f", "G"}, {"H", "len"})),
    ("class C:\n    size = N\n    def m(self):\n        return M", ({"C"}, {"N", "M"})),
    ("def f():\n    return A\ndef g():\n    return B", ({"f", "g"}, {"A", "B"})),
    ("from math import *", None), ("%time x = 1", None), ("x = '\0'", None),
])
def test_the_names_a_cell_defines_and_uses(source, expected):
    assert _names(source) == expected


def test_a_chapter_without_exercises_runs_nothing():
    built, notes = build_program([(1, "a = 1", {}), (2, "b = 2", {})], Chapter((), frozenset(), ()))
    assert built == {"cells": [], "numbers": [], "evaluate": []} and notes == []


def test_a_cell_that_uses_exactly_the_checked_names_ends_the_search():
    assert program._needed(["y = f(1)", "f = len"], [False, True], {"f"}) == [True, True]
