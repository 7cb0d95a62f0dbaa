"""``make grade`` against a class of honest, careless and hostile learners, on the small fixture notebook.

Every learner hands in tests/fixtures/exercise_demo.ipynb as 01_demo.ipynb (corr2d: 2 points,
count: 1 point) with some cells replaced. All are graded in one run, two sandboxes at a time. Each
must score exactly what its code earns, and no file outside the grading output may change. Several
hostile learners pass ``count`` only when an attack FAILS (a file outside could be read, the network
was reachable, ...), so their score also proves the sandbox held.
"""

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

import cnncourse
from cnncourse.instructor import sandbox
from cnncourse.instructor.grade import grade_submissions, main
from cnncourse.instructor.sandbox import Limits, SandboxUnavailable
from cnncourse.instructor.student import generate_student_notebooks
from system_packages import needs, skip_without

FIXTURE = Path(__file__).parent / "fixtures" / "exercise_demo.ipynb"
CHAPTER = "01_demo"
PACKAGE = Path(cnncourse.__file__).resolve().parent

RIGHT_CORR2D = """def corr2d(x, k):
    out = np.zeros((x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (x[i:i + k.shape[0], j:j + k.shape[1]] * k).sum()
    return out"""
RIGHT_COUNT = """def count(in_channels, out_channels, kernel_size):
    return (in_channels * kernel_size ** 2 + 1) * out_channels"""
# count is right only when every attempt in ``attacks`` failed: its point proves they did.
COUNT_IF_ALL_FAIL = """def count(in_channels, out_channels, kernel_size):
    return (in_channels * kernel_size ** 2 + 1) * out_channels + ATTACKS_SUCCEEDED"""

# Each learner: {grade id or "before:<grade id>" (a new cell before it): source}; None deletes a cell.
LEARNERS = {
    "ada": ({}, 3),
    "cy": ({"corr2d-solution": "from scipy.signal import convolve2d\n\n"
                               "def corr2d(x, k):\n    return convolve2d(x, k, mode='valid')",
            "corr2d-tests": "print('all tests pass')", "count-tests": None}, 1),
    "dee": ({"count-solution": "import signal\n\ndef count(in_channels, out_channels, kernel_size):\n"
                               "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    while True:\n"
                               "        pass"}, 2),
    # Writes everywhere it should not; its wrong corr2d must stay wrong.
    "vandal": ({"before:corr2d-solution": """import os
ATTACKS_SUCCEEDED = 0
for path in [{grading!r} + '/grades.csv', {submissions!r} + '/ada/01_demo.ipynb',
             {notebooks!r} + '/01_demo.ipynb', {package!r} + '/exercises/__init__.py',
             {package!r} + '/exercises/feedback.py']:
    try:
        with open(path, 'r+') as f:  # only files that exist, in place
            f.seek(0, 2)
            f.write('\\nraise SystemExit("pwned")\\n')
        ATTACKS_SUCCEEDED += 1
    except OSError:
        pass
try:
    os.makedirs({tmp!r}, exist_ok=True)  # the sandbox's own /tmp: allowed, and gone afterwards
    open({tmp!r} + '/pwned', 'w').write('pwned')
except OSError:
    pass""", "corr2d-solution": "def corr2d(x, k):\n    return np.zeros((1, 1))",
                "count-solution": COUNT_IF_ALL_FAIL}, 1),
    # Reads what it should not see; the network; other processes.
    "spy": ({"before:corr2d-solution": """import os, socket
ATTACKS_SUCCEEDED = 0
for path in [{notebooks!r} + '/01_demo.ipynb', {submissions!r} + '/ada/01_demo.ipynb',
             {grading!r}, '/etc/shadow', {package!r} + '/../.git/config']:
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path).read()
        ATTACKS_SUCCEEDED += 1
    except OSError:
        pass
for address in [('1.1.1.1', 80), ('127.0.0.1', 22)]:
    try:
        socket.create_connection(address, timeout=1)
        ATTACKS_SUCCEEDED += 1
    except OSError:
        pass
ATTACKS_SUCCEEDED += sum(name.isdigit() and name not in ('1', str(os.getpid()), str(os.getppid()))
                         and os.path.exists(f'/proc/{{name}}/cmdline')
                         and b'pytest' in open(f'/proc/{{name}}/cmdline', 'rb').read()
                         for name in os.listdir('/proc'))""",
             "corr2d-solution": RIGHT_CORR2D, "count-solution": COUNT_IF_ALL_FAIL}, 3),
    # Leaves processes behind that would rewrite the grades after grading.
    "ghost": ({"before:corr2d-solution": """import os, subprocess, time
subprocess.Popen(['sh', '-c', 'sleep 2; echo ghost,{chapter},3,3,graded >> {grading}/grades.csv'],
                 start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(2)
        open({grading!r} + '/grades.csv', 'a').write('ghost,{chapter},3,3,graded\\n')
    os._exit(0)""", "corr2d-solution": "def corr2d(x, k):\n    return x"}, 1),
    # Kills whatever it can reach: the grader, the supervisor, every process it may signal.
    "killer": ({"before:corr2d-solution": "import os, signal\nfor pid in (os.getppid(), 1, -1):\n"
                                          "    try:\n        os.kill(pid, signal.SIGKILL)\n"
                                          "    except OSError:\n        pass"}, 3),
    # Replaces the checks, their helpers, NumPy's comparisons and __import__, then hands in wrong work.
    "forger": ({"before:corr2d-solution": """import builtins, sys
import numpy
import cnncourse.exercises as ex
import cnncourse.exercises.feedback as fb
pass_all = lambda *a, **k: 'correct'
for name in dir(ex):
    if name.startswith('check_'):
        setattr(ex, name, pass_all)
fb.compare_arrays = fb.compare_numbers = lambda *a, **k: None
numpy.isclose = lambda a, b, **k: numpy.ones(numpy.shape(a), dtype=bool)
numpy.allclose = numpy.array_equal = lambda *a, **k: True
original_import = builtins.__import__
def fake_import(name, *args, **kwargs):
    module = original_import(name, *args, **kwargs)
    if name.startswith('cnncourse.exercises'):
        for attribute in dir(module):
            if attribute.startswith('check_'):
                setattr(module, attribute, pass_all)
    return module
builtins.__import__ = fake_import""",
                "corr2d-solution": "def corr2d(x, k):\n    return np.ones((2, 2))",
                "count-solution": "def count(in_channels, out_channels, kernel_size):\n    return 7"}, 0),
    # Objects that claim to equal everything.
    "liar": ({"corr2d-solution": """class Everything(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)
    __ne__ = lambda self, other: np.zeros(np.shape(other), dtype=bool)
    def __array_ufunc__(self, *args, **kwargs):
        return True

def corr2d(x, k):
    return np.zeros((3, 3)).view(Everything)""",
              "count-solution": """class Anything(int):
    __eq__ = lambda self, other: True
    __ne__ = lambda self, other: False
    __hash__ = int.__hash__
    __int__ = __index__ = lambda self: 56

def count(in_channels, out_channels, kernel_size):
    return Anything(1)"""}, 0),
    # Hard-codes the public cases' answers.
    "memoriser": ({"corr2d-solution": "def corr2d(x, k):\n    if x.shape == (4, 4):\n"
                                      "        return np.array([[7., 8, 9], [11, 12, 13], [15, 16, 17]])\n"
                                      "    return np.zeros((1, 1))",
                   "count-solution": "def count(in_channels, out_channels, kernel_size):\n"
                                     "    return {(3, 2, 3): 56, (1, 256, 3): 2560}.get("
                                     "(in_channels, out_channels, kernel_size), 0)"}, 0),
    # Duplicated, renamed and invented grade cells around honest solutions.
    "shuffler": ({"corr2d-tests": {"copy": 2}, "count-tests": {"rename": "count-tests-mine"},
                  "before:count-solution": {"invent": "print('my own test')"}}, 3),
    # A kernel that dies in one cell, a loop that ignores Ctrl-C in another, a huge allocation.
    "crasher": ({"before:corr2d-solution": "import numpy\nhuge = numpy.ones(10 ** 12)",
                 "corr2d-tests": {"before": "import os\nos.kill(os.getpid(), 9)"},
                 "count-solution": "import os\nos._exit(1)\n" + RIGHT_COUNT}, 2),
    # Starts more processes than a sandbox may hold, all left sleeping.
    "forker": ({"before:corr2d-solution": "import os, time\nfor _ in range(400):\n    if os.fork() == 0:\n"
                                          "        time.sleep(60)\n        os._exit(0)"}, 3),
    "hang": ({"before:count-solution": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                       "while True:\n    pass"}, 3),
}


def build(nb, changes, paths):
    """The solution notebook with ``changes`` applied (see LEARNERS); ``{grading}`` and the like
    in a template become the course's real paths."""
    def fill(source):
        return source.format(**paths) if any("{" + key in source for key in paths) else source

    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        new = changes.get(f"before:{grade_id}")
        if new is not None:
            cells.append(nbformat.v4.new_code_cell(fill(new) if isinstance(new, str) else new["invent"]))
            if isinstance(new, dict):
                cells[-1].metadata["nbgrader"] = {"grade": True, "grade_id": "invented", "points": 5,
                                                  "solution": False, "locked": True, "schema_version": 3}
        change = changes.get(grade_id, "keep")
        if change is None:
            continue
        if isinstance(change, dict):
            if "before" in change:
                cells.append(nbformat.v4.new_code_cell(change["before"]))
                cells.append(cell)
            for _ in range(change.get("copy", 0)):
                cells.append(nbformat.from_dict(cell))
            if "rename" in change:
                cell.metadata["nbgrader"]["grade_id"] = change["rename"]
                cells.append(cell)
            continue
        if change != "keep":
            cell.source = fill(change)
        cells.append(cell)
    nb.cells = cells
    return nb


# The package files the vandal writes to (the rest of the package is being edited by others meanwhile;
# that every write failed is also proved by the vandal's point for count).
TARGETS = [PACKAGE / "exercises" / "__init__.py", PACKAGE / "exercises" / "feedback.py"]


def tree_digest(*folders):
    """{path: sha256} of every file under the folders, and of the package files under attack."""
    files = [p for folder in folders for p in sorted(Path(folder).rglob("*")) if p.is_file()] + TARGETS
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    skip_without("bubblewrap")
    root = tmp_path_factory.mktemp("course")
    source, submissions, output = root / "notebooks", root / "submissions", root / "grading"
    source.mkdir()
    shutil.copyfile(FIXTURE, source / f"{CHAPTER}.ipynb")
    generate_student_notebooks(source, root / "student")
    paths = {"grading": str(output), "submissions": str(submissions), "notebooks": str(source),
             "package": str(PACKAGE), "tmp": str(root), "chapter": CHAPTER}
    for student_id, (changes, _) in LEARNERS.items():
        nb = build(nbformat.read(source / f"{CHAPTER}.ipynb", as_version=4), changes, paths)
        (submissions / student_id).mkdir(parents=True)
        nbformat.write(nb, submissions / student_id / f"{CHAPTER}.ipynb")
    shutil.copyfile(root / "student" / f"{CHAPTER}.ipynb", _folder(submissions / "ben") / f"{CHAPTER}.ipynb")
    (_folder(submissions / "eve") / f"{CHAPTER}.ipynb").write_text("{not a notebook")
    (submissions / "ada" / "scratch.ipynb").write_text("{}")
    (submissions / "notes.txt").write_text("not a submission")
    before = tree_digest(source, submissions)
    started = time.monotonic()
    grades = grade_submissions(source, submissions, output, workers=2, secret="test secret",
                               limits=Limits(cell_timeout=6, exercise_timeout=6, notebook_timeout=60, processes=64))
    seconds = time.monotonic() - started
    csv_after_grading = (output / "grades.csv").read_bytes()
    time.sleep(3)  # longer than the ghost's processes wait before they write
    return SimpleNamespace(grades=grades, output=output, root=root, before=before, seconds=seconds,
                           after=tree_digest(source, submissions), csv=csv_after_grading,
                           folders=(source, submissions))


def _folder(path):
    path.mkdir(parents=True, exist_ok=True)
    return path


def feedback(graded, student_id):
    return (graded.output / "feedback" / student_id / f"{CHAPTER}.html").read_text(encoding="utf-8")


EXPECTED = {student: points for student, (_, points) in LEARNERS.items()} | {"ben": 0}


def test_every_learner_scores_exactly_what_their_code_earns(graded):
    assert graded.grades.scores == {(student, CHAPTER): points for student, points in EXPECTED.items()}
    assert graded.grades.max_scores == {CHAPTER: 3}
    assert [str(s) for s in graded.grades.failed] == [f"eve/{CHAPTER}.ipynb"]


def test_no_file_outside_the_sandbox_changed(graded):
    assert graded.after == graded.before
    assert not (graded.root / "pwned").exists()
    assert (graded.output / "grades.csv").read_bytes() == graded.csv  # nothing left running wrote to it
    files = {p.relative_to(graded.output).as_posix() for p in graded.output.rglob("*") if p.is_file()}
    assert files == {"grades.csv"} | {f"feedback/{student}/{CHAPTER}.html" for student in [*EXPECTED, "eve"]}


def test_csv_is_the_graders_own_record(graded):
    with open(graded.output / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {row["student_id"]: float(row["score"]) for row in rows} == {**EXPECTED, "eve": 0}
    assert {(row["assignment"], row["max_score"]) for row in rows} == {(CHAPTER, "3")}
    assert {row["student_id"] for row in rows if row["status"] == "error"} == {"eve"}


@pytest.mark.parametrize("student_id", sorted(EXPECTED))
def test_feedback_shows_no_hidden_tests_no_tracebacks_and_no_checker_source(graded, student_id):
    html = feedback(graded, student_id)
    for leak in ("HIDDEN TESTS", "hidden=True", "Traceback", "compare_arrays", "conv2d_param_count",
                 "File \"", "check_corr2d("):
        assert leak not in html


@pytest.mark.parametrize("student_id, words", [
    ("ben", ["not attempted yet"]),
    ("cy", ["kernel was flipped", "The test cell of count-tests was missing or moved"]),
    ("dee", ["corr2d-tests</td><td>2 / 2</td><td>passed", "the check ran past its time limit"]),
    ("forger", ["output shape (2, 2)", "gave 7, expected"]),
    ("liar", ["values differ", "gave 1, expected"]),
    ("memoriser", ["output shape (1, 1)", "gave 0, expected"]),
    ("shuffler", ["not one of this chapter"]),
    ("crasher", ["MemoryError", "kernel died (SIGKILL)", "kernel exited (code 1)",
                 "count is not defined: run the cell that defines it"]),
    ("hang", ["ran past its time limit and was stopped"]),
    ("forker", ["BlockingIOError"]),
])
def test_every_problem_line_is_specific(graded, student_id, words):
    html = feedback(graded, student_id)
    for word in words:
        assert word in html


def test_summary_table_and_problems(graded):
    summary = graded.grades.summary()
    lines = summary.splitlines()
    assert lines[0].split() == ["student", CHAPTER, "total"]
    assert lines[1].split() == ["ada", "3", "/", "3", "3", "/", "3"]
    assert [line.split()[:2] for line in lines[1:len(EXPECTED) + 2]] == sorted(
        [[s, "error" if s == "eve" else str(EXPECTED[s])] for s in [*EXPECTED, "eve"]])
    assert f"could not grade eve/{CHAPTER}.ipynb: {CHAPTER}.ipynb is not a notebook (not JSON)" in summary
    assert "scratch.ipynb: no chapter notebook is called scratch.ipynb" in summary
    assert "notes.txt: put it in a folder named after the learner" in summary


def test_hidden_cases_come_from_the_secret():
    from cnncourse.exercises import EXERCISES
    exercise = EXERCISES["check_corr2d"]
    first, again, other = (exercise.cases(True, secret) for secret in ("a", "a", "b"))
    assert [c["x"].tolist() for c in first] == [c["x"].tolist() for c in again]
    assert [c["x"].tolist() for c in first] != [c["x"].tolist() for c in other]
    assert all(c["x"].shape[0] != c["x"].shape[1] for c in first)  # rectangles, never square


def test_grading_refuses_to_run_without_bubblewrap(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    source = _folder(tmp_path / "notebooks")
    shutil.copyfile(FIXTURE, source / f"{CHAPTER}.ipynb")
    shutil.copyfile(FIXTURE, _folder(tmp_path / "submissions" / "ada") / f"{CHAPTER}.ipynb")
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap.*--unsafe-no-sandbox"):
        grade_submissions(source, tmp_path / "submissions", tmp_path / "grading")
    with pytest.raises(SystemExit, match="bubblewrap .* is not installed"):
        main([str(source), str(tmp_path / "submissions"), str(tmp_path / "grading")])
    assert not (tmp_path / "grading").exists()


def test_without_the_sandbox_only_when_asked(tmp_path):
    """--unsafe-no-sandbox runs the same runner as a plain child process: still out of the grader's process."""
    source, submissions = _folder(tmp_path / "notebooks"), _folder(tmp_path / "submissions" / "ada")
    shutil.copyfile(FIXTURE, source / f"{CHAPTER}.ipynb")
    shutil.copyfile(FIXTURE, submissions / f"{CHAPTER}.ipynb")
    main([str(source), str(tmp_path / "submissions"), str(tmp_path / "grading"), "--unsafe-no-sandbox",
          "--workers", "1", "--secret", "s"])
    assert (tmp_path / "grading" / "grades.csv").read_text().splitlines()[1] == f"ada,{CHAPTER},3,3,graded"


def test_missing_or_empty_submissions_folder(tmp_path, monkeypatch):
    # the arguments are checked before the environment: the same messages with or without bwrap
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    source = _folder(tmp_path / "notebooks")
    shutil.copyfile(FIXTURE, source / f"{CHAPTER}.ipynb")
    args = [str(source), str(tmp_path / "submissions"), str(tmp_path / "grading")]
    with pytest.raises(SystemExit, match="submissions_dir: the folder .*submissions does not exist"):
        main(args)
    (tmp_path / "submissions" / "ada").mkdir(parents=True)
    with pytest.raises(SystemExit, match=f"submissions_dir: no submissions in .*one of: {CHAPTER}.ipynb"):
        main(args)
    assert not (tmp_path / "grading").exists()


@needs("bubblewrap")
def test_a_course_checked_out_under_tmp_stays_visible_in_the_sandbox(monkeypatch, tmp_path):
    # the sandbox's private /tmp is mounted first, so the read-only binds of a venv or package
    # that lie under /tmp (a CI clone there) land on top of it instead of being hidden by it
    package = Path("/tmp/some-clone/cnncourse")
    monkeypatch.setattr(sandbox, "_readonly_paths", lambda: [Path("/tmp/some-clone/.venv"), package])
    command = sandbox.bwrap_command(tmp_path, Limits())
    tmpfs = command.index("--tmpfs")
    assert command[tmpfs + 1] == "/tmp"
    binds = [i for i, word in enumerate(command[:-1]) if word == "--ro-bind" and command[i + 1] == str(package)]
    assert binds and all(i > tmpfs for i in binds)


@pytest.mark.skipif(os.getuid() != 0 or not os.access(sandbox.CGROUP_MEMORY, os.W_OK),
                    reason="a memory cgroup needs root and cgroup v1's memory controller")
def test_the_sandbox_memory_cap_counts_every_process_together(tmp_path):
    # three processes of 120 MB each stay far below the per-process limit, but not below a
    # 200 MB cap on the sandbox as a whole: the cgroup's OOM killer stops them
    hog = ("import multiprocessing as mp, time\n"
           "def hold():\n    block = bytearray(120 * 2**20)\n    block[::4096] = b'x' * len(block[::4096])\n"
           "    time.sleep(1.5)\n"  # long enough for all three to hold their block at once
           "procs = [mp.Process(target=hold) for _ in range(3)]\n"
           "[p.start() for p in procs]; [p.join() for p in procs]\n"
           "print('codes', *[p.exitcode for p in procs])\n")
    with sandbox.memory_cgroup(200 * 2**20) as group:
        assert (group / "memory.limit_in_bytes").read_text().strip() == str(200 * 2**20)
        command = ["/bin/sh", "-c", f'echo $$ > {group / "cgroup.procs"} && exec "$@"', "sh",
                   sys.executable, "-c", hog]
        output, problem = sandbox._collect(command, timeout=60)
    assert problem is None and output.startswith(b"codes")
    assert -9 in [int(code) for code in output.split()[1:]], output  # one was killed: the cap held
    assert not group.exists(), "the sandbox's cgroup was left behind"
    output, _ = sandbox._collect([sys.executable, "-c", hog], timeout=60)  # the same, uncapped
    assert output.split()[1:] == [b"0", b"0", b"0"], output


def test_a_failed_start_reports_the_last_lines_of_its_errors():
    command = [sys.executable, "-c", "import sys\nfor i in range(50): print('line', i, file=sys.stderr)\n"
               "sys.exit('cnncourse could not be imported')"]
    output, problem = sandbox._collect(command, timeout=30)
    assert output == b""
    assert problem.startswith("the sandbox stopped (exit status 1) before it reported: ")
    assert problem.endswith("line 48 / line 49 / cnncourse could not be imported")


def test_the_runner_imports_the_package_the_grader_bound(tmp_path):
    # another `cnncourse` first on the path (an editable install of another checkout, say)
    fake = tmp_path / "other" / "cnncourse"
    (fake / "instructor").mkdir(parents=True)
    (fake / "__init__.py").write_text("raise SystemExit('imported the other checkout')\n")
    (fake / "instructor" / "__init__.py").write_text("")
    environment = {**os.environ, "PYTHONPATH": str(fake.parent)}
    plain = subprocess.run([sys.executable, "-m", "cnncourse.instructor.runner", str(tmp_path)],
                           capture_output=True, text=True, env=environment, cwd=tmp_path)
    assert "imported the other checkout" in plain.stderr  # what `python -m` would have done
    command = [word for word in sandbox.runner_command(tmp_path) if word != "-I"]  # -I drops PYTHONPATH
    booted = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=tmp_path)
    assert "other checkout" not in booted.stderr
    assert "program.json" in booted.stderr  # the course's own runner ran, and found no program


def test_submissions_are_found_in_nbgrader_s_collected_layout_too(tmp_path):
    from cnncourse.instructor.submissions import find_submissions
    names = [f"{CHAPTER}.ipynb", "02_other.ipynb"]
    for path in ["ada/01_demo.ipynb", "ben/ps1/01_demo.ipynb", "ben/ps2/02_other.ipynb",
                 "cy/01_demo.ipynb", "cy/ps1/01_demo.ipynb", "cy/ps1/notes.ipynb"]:
        _folder((tmp_path / path).parent)
        (tmp_path / path).write_text("{}")
    (tmp_path / "ben" / "ps1" / "timestamp.txt").write_text("2026-12-05 10:00:00")
    submissions, problems = find_submissions(tmp_path, names)
    found = [(s.student_id, s.notebook.relative_to(tmp_path).as_posix()) for s in submissions]
    assert found == [("ada", "ada/01_demo.ipynb"), ("ben", "ben/ps1/01_demo.ipynb"),
                     ("ben", "ben/ps2/02_other.ipynb"), ("cy", "cy/01_demo.ipynb")]
    assert [s.chapter for s in submissions] == [CHAPTER, CHAPTER, "02_other", CHAPTER]
    assert any("cy/ps1/01_demo.ipynb" in p and "is graded for this chapter" in p for p in problems)
    assert any("notes.ipynb: no chapter notebook" in p for p in problems)
