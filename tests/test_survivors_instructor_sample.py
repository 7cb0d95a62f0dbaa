"""Survivors of a sampled mutation run of cnncourse/instructor/ (runner, sandbox, student), killed by
what an instructor or a learner would see go wrong: a runner that keeps root, a start's errors lost
to the grader's locale, a check run inside the kernel itself, a kernel that escapes being killed, a
sandbox without the system's folders, a grader's case that cannot reach the sandbox, a record no
learner can read. Helpers and fixtures come from tests/test_survivors_instructor_runner.py.
"""

import hashlib
import json
import locale
import os
import re
import signal
import sys
import time
from contextlib import contextmanager

import pytest
from test_survivors_instructor_runner import (PUBLIC, Exited, Recorder, count_spec, outputs,  # noqa: F401
                                              plain_shell, right, standard_streams, supervise,  # (fixtures)
                                              write_program)

from cnncourse.instructor import runner, sandbox, student
from cnncourse.instructor.exchange import pack
from cnncourse.instructor.runner import Supervisor, evaluate
from cnncourse.instructor.sandbox import Limits, _collect, run_program
from system_packages import skip_without

# ----- the runner's start, as pid 1 of a sandbox


def start_runner(standard_streams, monkeypatch, tmp_path, preload, uid=None):
    """runner.main on a program with no cells, its limits and privilege calls recorded (nothing is
    really dropped or limited) and ``preload`` standing in for the imports; (exit code, calls, errors)."""
    start, restore = standard_streams
    calls = []
    recorder = Recorder(calls)
    for name in ("setgroups", "setgid", "setuid"):
        monkeypatch.setattr(runner.os, name, getattr(recorder, name))
    monkeypatch.setattr(runner.ctypes, "CDLL", lambda library: recorder)
    monkeypatch.setattr(runner.os, "getuid", lambda: 0)  # started as root, as a grading server does
    monkeypatch.setattr(runner, "_set_limits", lambda limits: calls.append(("limits", limits)))
    monkeypatch.setattr(runner, "_preload", preload)
    start()
    with pytest.raises(Exited) as exited:
        runner.main(write_program(tmp_path, cells=[], evaluate=[], exercises={}, uid=uid, limits={"memory": 5}))
    return exited.value.args[0], calls, restore()[2]


def test_a_runner_started_as_root_becomes_the_slot_s_uid_before_anything_else(standard_streams, monkeypatch,
                                                                             tmp_path):
    def preload(program):
        raise RuntimeError("stop here")
    code, calls, _ = start_runner(standard_streams, monkeypatch, tmp_path, preload, uid=60004)
    assert code == 1
    assert calls == [("setgroups", []), ("setgid", 60004), ("setuid", 60004), ("prctl", 4, 0, 0, 0, 0),
                     ("limits", {"memory": 5})]


@contextmanager
def ascii_locale():
    """The grader's process under the C locale (ASCII), as on a bare server."""
    saved = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)


def test_a_failed_start_is_told_to_the_grader_in_utf_8_whatever_its_locale(standard_streams, monkeypatch,
                                                                           tmp_path):
    """A course checked out under /home/Zoë: the import error names the path, and the grader
    decodes the runner's errors as UTF-8."""
    def preload(program):
        raise ImportError("cannot import torch from /home/Zoë/cnncourse")
    with ascii_locale():
        code, _, errors = start_runner(standard_streams, monkeypatch, tmp_path, preload)
    assert code == 1
    assert errors.rstrip().endswith("ImportError: cannot import torch from /home/Zoë/cnncourse")


# ----- the kernel and its evaluators, under a real supervisor


def supervised(cells, evaluate_at, exercises):
    """The supervisor's report on a program run by real kernels with a plain-exec shell."""
    program = {"cells": cells, "evaluate": evaluate_at, "exercises": exercises,
               "limits": {"cell_timeout": 20, "exercise_timeout": 20}}
    return Supervisor(program).run()


def logging_cells(log, body):
    """Cell 0 defines ``count`` (``body``) and logs that it ran; cell 1 logs what the kernel's
    ``calls`` is once the check at cell 0 is done."""
    define = (f"calls = 0\ndef count(a, b, k):\n    global calls\n    calls += 1\n{body}\n"
              f"open({str(log)!r}, 'a').write('ran ')")
    return [define, f"open({str(log)!r}, 'a').write(f'calls={{calls}}')"]


def test_a_check_runs_in_a_process_of_its_own_and_the_kernel_runs_on_untouched(plain_shell, tmp_path):
    log = tmp_path / "log"
    cells = logging_cells(log, "    return (a * k * k + 1) * b")
    report = supervised(cells, [[0, "count"]], {"count": count_spec()})
    assert outputs(report["results"]["count"]["raw"]) == [right(case) for case in PUBLIC]
    assert report["cells"] == {"0": "ok", "1": "ok"}
    assert log.read_text() == "ran calls=0"  # cell 0 ran once; the check's calls stayed in its process


def test_a_check_that_ends_its_process_is_reported_stopped_and_the_next_kernel_runs_the_rest(plain_shell,
                                                                                            tmp_path):
    log = tmp_path / "log"
    cells = logging_cells(log, "    import os\n    os._exit(5)")
    report = supervised(cells, [[0, "count"]], {"count": count_spec()})
    assert report["results"] == {"count": {"problem": "the notebook's kernel exited (code 1) while running "
                                                      "the check"}}
    assert report["cells"] == {"0": "ok", "1": "ok"}
    assert log.read_text() == "ran ran calls=0"  # the second kernel ran the notebook from the top


@pytest.mark.parametrize("raise_it, error", [("sys.exit('done')", ("SystemExit", "done")),
                                             ("raise KeyboardInterrupt", ("KeyboardInterrupt", ""))])
def test_a_learner_s_function_that_exits_is_an_error_of_that_check(raise_it, error):
    """exit(), sys.exit() or Ctrl-C inside the learner's function: their check says so, rather than
    the check being 'not reached'."""
    namespace = {}
    exec(f"import sys\ndef count(a, b, k):\n    {raise_it}", namespace)
    records = json.loads(evaluate(count_spec(), namespace))["cases"]
    assert records == [{"error": {"name": "count", "type": error[0], "message": error[1],
                                  "not_implemented": False}}]


def test_results_that_cannot_be_sent_stop_the_check_instead_of_vanishing(plain_shell, tmp_path, monkeypatch):
    def unsendable(values):
        raise ValueError("not a plain value")
    spec = count_spec()
    monkeypatch.setattr("cnncourse.instructor.exchange.pack", unsendable)
    cells = logging_cells(tmp_path / "log", "    return 1")
    report = supervised(cells, [[0, "count"]], {"count": spec})
    assert report["results"] == {"count": {"problem": "the notebook's kernel exited (code 1) while running "
                                                      "the check"}}


def test_a_cell_that_forges_a_check_message_then_dies_is_skipped_like_any_other(monkeypatch):
    """Learner code may write to the kernel's pipe: a forged 'exercise' inside cell 0 must not keep
    the supervisor from skipping that cell (else every restart dies in it and cell 1 never runs)."""
    def script(kernel, send):
        if 0 not in kernel.skip:
            send("cell", "0")
            send("exercise", "forged")
            os._exit(3)
        send("cell", "1")
        send("done", '"ok"')
        send("end")
    report = supervise(monkeypatch, script, ["forged"])
    assert report["cells"] == {"1": "ok"}
    assert report["results"] == {"forged": {"problem": "the notebook's kernel exited (code 3) while running "
                                                       "the check"}}


def test_a_kernel_that_dies_between_cells_blames_no_cell(monkeypatch):
    """A thread the learner's cell left running kills the kernel after that cell is done: the next
    kernel runs the notebook again, skipping nothing, and no cell carries the error."""
    def script(kernel, send):
        send("cell", "0")
        send("done", '"ok"')
        if -1 not in kernel.skip:
            os._exit(1)
        send("end")
    assert supervise(monkeypatch, script) == {"cells": {"0": "ok"}, "results": {}}


def test_a_result_that_is_not_utf_8_is_passed_on_and_the_notebook_goes_on(monkeypatch):
    """The grader judges the result (U+FFFD for the bad byte); the supervisor does not fail on it."""
    def script(kernel, send):
        send("exercise", "a")
        send("result", b"\xff[]")
        send("cell", "0")
        send("done", '"ok"')
        send("end")
    assert supervise(monkeypatch, script, ["a"]) == {"cells": {"0": "ok"}, "results": {"a": {"raw": "\ufffd[]"}}}


def test_a_kernel_that_died_while_a_process_it_started_held_its_pipe_is_said_to_have_died(monkeypatch):
    """A worker the cell started keeps the pipe open past the kernel's death: the supervisor reaps the
    dead kernel while it waits, and must keep its status to say how it ended."""
    def script(kernel, send):
        if 0 in kernel.skip:
            send("end")
            return
        send("cell", "0")
        if os.fork() == 0:
            time.sleep(0.8)
            os._exit(0)
        os.kill(os.getpid(), signal.SIGKILL)
    report = supervise(monkeypatch, script, cell_timeout=10)
    assert report["cells"] == {"0": {"error": "the notebook's kernel died (SIGKILL) while running this cell"}}


def test_a_kernel_that_ran_to_the_end_exits_and_never_runs_the_supervisor_s_code(monkeypatch, tmp_path):
    """Else, as pid 1's child in a sandbox, it would write a second report after the first."""
    here, pid_file = os.getpid(), tmp_path / "kernel"

    def script(kernel, send):
        pid_file.write_text(str(os.getpid()))
        send("end")
    monkeypatch.setattr(runner, "_kill_group", lambda pid: None)  # the kernel ends by itself
    report = supervise(monkeypatch, script)
    if os.getpid() != here:  # the kernel came back through the supervisor into this test
        (tmp_path / "came back").touch()
        os._exit(99)
    try:
        _, status = os.waitpid(int(pid_file.read_text()), 0)
        assert os.waitstatus_to_exitcode(status) == 0
    except ChildProcessError:
        pass  # reaped by the supervisor while it waited: ended all the same
    assert report == {"cells": {}, "results": {}} and not (tmp_path / "came back").exists()


def ended_within(pid, seconds):
    """Whether the child ``pid`` has ended (a zombie, or reaped by another) within ``seconds``: a
    SIGKILL takes effect when the process next runs, later than the kill on a busy machine."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                return True
        except ChildProcessError:
            return True  # already reaped by the supervisor
        time.sleep(0.02)
    return False


def test_a_hung_kernel_that_left_its_process_group_is_killed_all_the_same(monkeypatch, tmp_path):
    """Learner code moves the kernel into another process group, then hangs: killing the kernel's
    old group misses it, so the kernel itself must be killed (outside a sandbox nothing else would)."""
    pids = tmp_path / "pids"

    def script(kernel, send):
        if 0 in kernel.skip:
            send("end")
            return
        pids.write_text(f"{os.getpid()}")
        send("cell", "0")
        helper = os.fork()
        if helper == 0:
            time.sleep(30)
            os._exit(0)
        pids.write_text(f"{os.getpid()} {helper}")
        os.setpgid(helper, helper)
        os.setpgid(0, helper)
        time.sleep(30)
    try:
        report = supervise(monkeypatch, script, cell_timeout=1.0)
        kernel = int(pids.read_text().split()[0])
        assert report["cells"] == {"0": {"error": "this cell ran past its time limit and was stopped"}}
        assert ended_within(kernel, 5.0)  # not still sleeping its 30 s
    finally:
        for pid in map(int, pids.read_text().split()) if pids.exists() else ():
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)  # the kernel, a child of this process; not the helper
            except (ProcessLookupError, ChildProcessError):
                pass


# ----- the sandbox


def test_a_failed_start_s_errors_cut_inside_a_character_still_end_the_problem():
    """The last 4096 bytes of 'é' * 3000 + 'x' start inside an 'é': that byte reads as U+FFFD."""
    script = "import sys; sys.stderr.buffer.write(('é' * 3000 + 'x').encode()); sys.exit(3)"
    output, problem = _collect([sys.executable, "-c", script], 20)
    assert output == b""
    assert problem == "the sandbox stopped (exit status 3) before it reported: \ufffd" + "é" * 2047 + "x"


READ_BACK = "import json, os, sys; p = json.load(open(os.path.join(sys.argv[1], 'program.json'))); " \
            "print(json.dumps({'seen': repr(p['cases'][0]['meta']['fill']['float'])}))"


def test_a_case_with_an_infinite_value_reaches_the_sandbox(monkeypatch):
    monkeypatch.setattr(sandbox, "runner_command", lambda folder: [sys.executable, "-I", "-c", READ_BACK,
                                                                   str(folder)])
    report, problem = run_program({"cases": [pack({"fill": float("-inf")})]}, Limits(notebook_timeout=20),
                                  sandboxed=False)
    assert problem is None and report == {"seen": "-inf"}


def test_a_sandbox_that_cannot_join_its_memory_cgroup_does_not_start_and_the_shell_says_why(monkeypatch,
                                                                                            tmp_path):
    @contextmanager
    def unjoinable(limit):
        yield tmp_path / "gone"  # removed under the grader: its cgroup.procs cannot be written
    monkeypatch.setattr(sandbox, "memory_cgroup", unjoinable)
    monkeypatch.setattr(sandbox, "bwrap_command", lambda folder, limits: ["touch", str(tmp_path / "started")])
    report, problem = run_program({}, Limits(notebook_timeout=20))
    assert report is None and not (tmp_path / "started").exists()
    assert re.fullmatch(r"the sandbox stopped \(exit status \d+\) before it reported: sh: .*"
                        + re.escape(str(tmp_path / "gone" / "cgroup.procs")) + ".*", problem), problem


def sandbox_view(options):
    """What bwrap's options make of the paths they name: ``{path: (kind, source)}``."""
    view, index = {}, 0
    takes = {"--ro-bind": 2, "--ro-bind-try": 2, "--symlink": 2, "--dir": 1, "--perms": 1}
    while index < len(options):
        option = options[index]
        args = options[index + 1:index + 1 + takes[option]]
        index += 1 + takes[option]
        if option != "--perms":
            view[args[-1]] = (option.lstrip("-"), *args[:-1])
    return view


ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/nsswitch.conf", "/etc/passwd",
       "/etc/group", "/etc/fonts", "/etc/ssl/certs")


def test_the_system_folders_are_seen_as_the_host_has_them_merged_or_not(monkeypatch):
    """A host without merged /usr: real /bin, /sbin and /lib are bound read-only, the /lib64 link
    is a link, the missing /lib32 is absent; /usr always; the linker's and name service's files."""
    folders, links = {"/bin", "/sbin", "/lib"}, {"/lib64": "/lib/x86_64-linux-gnu"}
    monkeypatch.setattr(sandbox.os.path, "islink", lambda path: path in links)
    monkeypatch.setattr(sandbox.os.path, "isdir", lambda path: path in folders)
    monkeypatch.setattr(sandbox.os, "readlink", lambda path: links[path])
    view = sandbox_view(sandbox._system_options())
    monkeypatch.undo()
    assert view == {"/usr": ("ro-bind", "/usr"), "/bin": ("ro-bind", "/bin"), "/sbin": ("ro-bind", "/sbin"),
                    "/lib": ("ro-bind", "/lib"), "/lib64": ("symlink", "/lib/x86_64-linux-gnu"),
                    "/etc": ("dir",), "/etc/ssl": ("dir",), **{name: ("ro-bind-try", name) for name in ETC}}


SEEN = r"""
import hashlib, json, os, sys
def seen(path):
    if os.path.isfile(path):
        return ["file", hashlib.sha256(open(path, "rb").read()).hexdigest()]
    if os.path.islink(path):
        return ["link", os.readlink(path)]
    return ["folder" if os.path.isdir(path) else "missing"]
"""
PROBE = SEEN + "print(json.dumps({path: seen(path) for path in json.loads(sys.argv[2])}))"
SYSTEM = ("/bin", "/sbin", "/lib", "/lib64", "/lib32") + ETC


def test_inside_the_sandbox_the_system_s_folders_and_files_are_the_host_s(monkeypatch):
    """/sbin holds ldconfig (ctypes.util.find_library runs /sbin/ldconfig -p, which reads
    /etc/ld.so.cache); nsswitch.conf says how users and hosts are looked up."""
    skip_without("bubblewrap")  # named in the run's closing line
    if sandbox.bwrap_problem():
        pytest.skip("no bubblewrap sandbox here")
    monkeypatch.setattr(sandbox, "runner_command", lambda folder: [sys.executable, "-I", "-c", PROBE, str(folder),
                                                                   json.dumps(SYSTEM)])
    report, problem = run_program({}, Limits(notebook_timeout=20))
    assert problem is None
    host = {}
    exec(SEEN, host)
    assert report == {path: host["seen"](path) for path in SYSTEM}


# ----- make student's record and command line


def test_the_record_tells_the_learner_what_it_is_one_notebook_a_line(tmp_path):
    student.install({"01_a.ipynb": b"v1", "02_b.ipynb": b"v2"}, tmp_path)
    lines = (tmp_path / student.RECORD_NAME).read_text(encoding="utf-8").splitlines()
    assert lines == [
        "{",
        ' "about": "Written by `make student`: a hash of each notebook as last generated. A notebook whose '
        'hash differs was edited by you and is never overwritten.",',
        ' "sha256": {',
        f'  "01_a.ipynb": "{hashlib.sha256(b"v1").hexdigest()}",',
        f'  "02_b.ipynb": "{hashlib.sha256(b"v2").hexdigest()}"',
        " }",
        "}"]


def test_the_command_line_s_help_says_what_it_does(capsys):
    with pytest.raises(SystemExit) as exited:
        student.main(["--help"])
    assert exited.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "Generate learner versions of the chapter notebooks." in help_text
    assert "folder of the chapter notebooks with solutions (notebooks)" in help_text
