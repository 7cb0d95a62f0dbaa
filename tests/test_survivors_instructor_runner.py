"""What runs inside a learner's sandbox (cnncourse/instructor/runner.py), part by part and in this
process: the kernel's messages and their framing, the supervisor's deadlines (a cell's and a check's
differ, each from its own start), restarts after a hang or a crash, the kernel's order of cells and
checks, and one exercise's results.

The kernel's IPython shell is replaced by a plain ``exec`` (no notebook is executed), and scripted
kernels stand in for it where only the supervisor is under test. Sleeps are fractions of a second.
Killing every other process (``kill(-1)``) is tried only inside a pid namespace of its own.
"""

import ctypes
import json
import os
import signal
import sys
import time
from types import ModuleType, SimpleNamespace

import pytest

import cnncourse.exercises
from cnncourse.exercises import EXERCISES
from cnncourse.instructor import runner
from cnncourse.instructor.exchange import pack, unpack
from cnncourse.instructor.runner import Kernel, Supervisor, _Reader, _run_cell, _send, evaluate

COUNT = "check_conv_layer_params"
PUBLIC = EXERCISES[COUNT].cases()  # (3, 2, 3) and (1, 256, 3)


def right(case):
    return (case["c_in"] * case["k"] * case["k"] + 1) * case["c_out"]


def pipe_reader(kernel=0):
    read_fd, write_fd = os.pipe()
    return _Reader(os.fdopen(read_fd, "rb", buffering=0), kernel), write_fd


def messages(reader, timeout=0.5):
    found = []
    while (message := reader.next(timeout)) is not None:
        found.append((message[0], message[1].decode()))
    return found


# ----- framing


def test_messages_arrive_whole_in_order_whatever_they_carry():
    reader, fd = pipe_reader()
    _send(fd, "cell", "3")
    _send(fd, "done", json.dumps({"error": "E: line\nnext"}))
    _send(fd, "result", "é" * 3)
    _send(fd, "exercise")
    _send(fd, "end")
    os.close(fd)
    assert messages(reader) == [("cell", "3"), ("done", '{"error": "E: line\\nnext"}'), ("result", "ééé"),
                                ("exercise", ""), ("end", "")]
    assert reader.finished and not reader.timed_out


def test_a_message_written_in_pieces_is_waited_for():
    reader, fd = pipe_reader()
    if os.fork() == 0:
        try:
            for piece in (b"res", b"ult 5\nab", b"cde"):
                os.write(fd, piece)
                time.sleep(0.05)
        finally:
            os._exit(0)
    os.close(fd)
    assert reader.next(2.0) == ("result", b"abcde")
    assert reader.next(2.0) is None and not reader.finished and not reader.timed_out


@pytest.mark.parametrize("data", [b"cell\n", b"cell 1 2\n", b"cell x\n", b"\n", b"cell 1"])
def test_a_malformed_header_or_a_cut_message_ends_the_conversation(data):
    reader, fd = pipe_reader()
    os.write(fd, data)
    os.close(fd)
    assert reader.next(0.5) is None and not reader.timed_out


def test_a_message_over_the_result_limit_is_refused(monkeypatch):
    assert runner.RESULT_LIMIT == 32 * 2 ** 20  # the documented limit, tried at 100 bytes here
    monkeypatch.setattr(runner, "RESULT_LIMIT", 100)
    reader, fd = pipe_reader()
    os.write(fd, b"result 100\n" + b"x" * 100 + b"result 101\n" + b"x" * 101)
    os.close(fd)
    assert reader.next(0.5) == ("result", b"x" * 100) and reader.next(0.5) is None
    reader, fd = pipe_reader()  # a header that never ends, longer than a result may be
    os.write(fd, b"r" * (100 + 4097))
    assert reader.next(0.5) is None and not reader.timed_out
    os.close(fd)
    reader, fd = pipe_reader()
    os.write(fd, b"r" * (100 + 4096))
    assert reader.next(0.1) is None and reader.timed_out  # still waiting for the end of its header
    os.close(fd)


def test_silence_past_the_deadline_is_a_time_out():
    gone = exiting_child("exit")
    os.waitpid(gone, 0)
    reader, fd = pipe_reader(gone)
    started = time.monotonic()
    assert reader.next(0.2) is None and reader.timed_out
    assert time.monotonic() - started >= 0.2
    assert reader.why_stopped(gone, "the check") == "the check ran past its time limit and was stopped"
    os.close(fd)


def exiting_child(how):
    pid = os.fork()
    if pid == 0:
        if how == "signal":
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(3)
    return pid


def test_a_kernel_that_exits_or_dies_is_told_apart():
    for how, words in (("exit", "exited (code 3)"), ("signal", "died (SIGKILL)")):
        reader, fd = pipe_reader()
        reader.kernel = pid = exiting_child(how)  # it holds the pipe open until it ends, as a kernel does
        os.close(fd)
        assert reader.next(5.0) is None and not reader.timed_out
        assert reader.why_stopped(pid, "this cell") == f"the notebook's kernel {words} while running this cell"
    assert reader.why_stopped(pid, "x") == "the notebook's kernel stopped while running x"  # already reaped


def test_while_waiting_the_reader_reaps_exited_processes_and_keeps_the_kernel_s_status():
    """It waits in slices of at most 0.5 s and reaps between them: two processes that exit at once
    are reaped before a message that comes after 0.9 s."""
    pid, other = exiting_child("signal"), exiting_child("exit")
    reader, fd = pipe_reader(pid)
    writer = os.fork()
    if writer == 0:
        try:
            time.sleep(0.9)
            _send(fd, "end")
        finally:
            os._exit(0)
    assert reader.next(3.0) == ("end", b"")
    assert os.WIFSIGNALED(reader.kernel_status) and os.WTERMSIG(reader.kernel_status) == signal.SIGKILL
    with pytest.raises(ChildProcessError):
        os.waitpid(other, os.WNOHANG)
    assert reader.why_stopped(pid, "this cell") == "the notebook's kernel died (SIGKILL) while running this cell"
    os.close(fd)
    os.waitpid(writer, 0)


# ----- the supervisor, with scripted kernels


class Scripted:
    """Stands in for Kernel in the forked kernel process: runs ``Scripted.script(self, send)``."""

    script = None
    started = []

    def __init__(self, program, skip, evaluated, fd, own_namespace):
        self.program, self.skip, self.evaluated, self.fd = program, skip, evaluated, fd
        assert own_namespace is False  # not pid 1 here

    def run(self):
        type(self).script(self, lambda kind, payload="": _send(self.fd, kind, payload))


def supervise(monkeypatch, script, exercises=(), cell_timeout=0.3, exercise_timeout=1.0):
    monkeypatch.setattr(runner, "Kernel", Scripted)
    monkeypatch.setattr(Scripted, "script", staticmethod(script))
    program = {"exercises": {gid: {} for gid in exercises},
               "limits": {"cell_timeout": cell_timeout, "exercise_timeout": exercise_timeout}}
    return Supervisor(program).run()


def test_a_check_has_its_own_deadline_and_a_cell_its_own(monkeypatch):
    """Time-outs that differ: a check of 0.6 s passes (its limit is 0.9 s, a cell's 0.3 s); a cell of
    0.6 s is stopped, skipped, and the next kernel runs on; a check of 3 s is stopped."""
    def script(kernel, send):
        if "slow" not in kernel.evaluated:
            send("exercise", "slow")
            time.sleep(0.6)
            send("result", '{"cases": []}')
        send("cell", "0")
        send("done", '"ok"')
        if 1 not in kernel.skip:
            send("cell", "1")
            time.sleep(0.6)
        if "hung" not in kernel.evaluated:
            send("exercise", "hung")
            time.sleep(3)
        send("end")
    report = supervise(monkeypatch, script, ["slow", "hung"], cell_timeout=0.3, exercise_timeout=0.9)
    assert report["cells"] == {"0": "ok", "1": {"error": "this cell ran past its time limit and was stopped"}}
    assert report["results"] == {"slow": {"raw": '{"cases": []}'},
                                 "hung": {"problem": "the check ran past its time limit and was stopped"}}


def test_after_a_check_the_cell_deadline_counts_from_its_end(monkeypatch):
    """Three checks in a row with 0.3 s between them: within one kernel every one gets its result; a
    deadline left at the check's 0.1 s would stop the kernel after each, and one restart runs out."""
    def script(kernel, send):
        for gid in "abc":
            if gid not in kernel.evaluated:
                send("exercise", gid)
                send("result", gid)
                time.sleep(0.3)
        send("end")
    monkeypatch.setattr(runner, "RESTARTS", 1)
    report = supervise(monkeypatch, script, "abc", cell_timeout=0.8, exercise_timeout=0.1)
    assert report["results"] == {gid: {"raw": gid} for gid in "abc"}


def test_a_kernel_that_dies_in_a_check_or_a_cell_is_restarted_and_the_cell_skipped(monkeypatch):
    def script(kernel, send):
        if "crash" not in kernel.evaluated:
            send("exercise", "crash")
            os._exit(1)
        for index in range(3):
            if index not in kernel.skip:
                send("cell", str(index))
                if index == 1:
                    os.kill(os.getpid(), signal.SIGKILL)
                send("done", '"ok"')
        send("exercise", "late")
        send("result", "ok")
        send("end")
    report = supervise(monkeypatch, script, ["crash", "late"])
    assert report["cells"] == {"0": "ok", "1": {"error": "the notebook's kernel died (SIGKILL) while running "
                                                         "this cell"}, "2": "ok"}
    assert report["results"] == {"crash": {"problem": "the notebook's kernel exited (code 1) while running "
                                                      "the check"}, "late": {"raw": "ok"}}


def test_restarts_run_out_and_what_was_not_reached_says_so(monkeypatch):
    started = []

    def script(kernel, send):
        started.append(1)
        for index in range(10):
            if index not in kernel.skip:
                send("cell", str(index))
                os._exit(2)
    report = supervise(monkeypatch, script, ["never"])
    assert list(report["cells"]) == ["0", "1", "2", "3"]  # four kernels: the first and three restarts
    assert report["results"] == {"never": {"problem": "not reached: the notebook stopped before it"}}


def test_cells_are_reported_in_the_notebook_s_order(monkeypatch):
    def script(kernel, send):
        for index in (10, 2, 0):
            send("cell", str(index))
            send("done", '"ok"')
        send("end")
    assert list(supervise(monkeypatch, script)["cells"]) == ["0", "2", "10"]


def test_a_result_nobody_asked_for_is_ignored_and_a_kernel_gone_quiet_is_restarted(monkeypatch):
    def script(kernel, send):
        send("result", "forged")
        if -1 not in kernel.skip:
            time.sleep(0.6)  # hangs outside any cell or check: restarted, nothing skipped
        send("exercise", "real")
        send("result", "mine")
        send("end")
    report = supervise(monkeypatch, script, ["real", "other"])
    assert report["results"] == {"real": {"raw": "mine"},
                                 "other": {"problem": "not reached: the notebook stopped before it"}}


def test_a_supervisor_that_fails_reports_what_it_gathered(monkeypatch):
    def script(kernel, send):
        send("cell", "0")
        send("done", "not json")
    report = supervise(monkeypatch, script, ["a"])
    assert report == {"cells": {}, "results": {"a": {"problem": "not reached: the sandbox's supervisor failed "
                                                                "(JSONDecodeError)"}}}


# ----- the kernel, with a plain exec for a shell


class Shell:
    """IPython's shell, reduced to exec in a namespace; SyntaxError is an error before execution."""

    def __init__(self, config=None):
        self.config, self.user_ns = config, {}

    @classmethod
    def instance(cls, config):
        return cls(config)

    def run_cell(self, source, store_history):
        assert store_history is False
        result = SimpleNamespace(error_before_exec=None, error_in_exec=None)
        try:
            code = compile(source, "<cell>", "exec")
        except SyntaxError as error:
            result.error_before_exec = error
            return result
        try:
            exec(code, self.user_ns)
        except Exception as error:  # noqa: BLE001
            result.error_in_exec = error
        return result


@pytest.fixture
def plain_shell(monkeypatch):
    module = ModuleType("IPython.core.interactiveshell")
    module.InteractiveShell = Shell
    monkeypatch.setitem(sys.modules, "IPython.core.interactiveshell", module)
    shells = []
    monkeypatch.setattr(Shell, "instance", classmethod(lambda cls, config: shells.append(cls(config)) or shells[-1]))
    return shells


def count_spec(cases=PUBLIC, names=("count",)):
    return {"check": COUNT, "names": list(names), "cases": [pack(case) for case in cases]}


def outputs(raw):
    return [unpack(record["outputs"])["n"] if "outputs" in record else record for record in json.loads(raw)["cases"]]


def test_the_kernel_runs_cells_in_order_skips_what_it_must_and_checks_where_it_is_told(plain_shell):
    program = {"cells": ["raise SystemExit", "def count(a, b, k):\n    return (a * k * k + 1) * b", "x = (",
                         "y = 1"],
               "evaluate": [[-1, "early"], [1, "count"], [1, "done before"], [3, "last"]],
               "exercises": {gid: count_spec() for gid in ("early", "count", "done before", "last")}}
    reader, fd = pipe_reader()
    Kernel(program, {3}, {"done before"}, fd, False).run()
    os.close(fd)
    sent = messages(reader)
    assert [(kind, payload) for kind, payload in sent if kind != "result"] == [
        ("exercise", "early"), ("cell", "0"), ("done", '{"error": "SystemExit"}'), ("cell", "1"),
        ("done", '"ok"'), ("exercise", "count"), ("cell", "2"),
        ("done", '{"error": "SyntaxError: \'(\' was never closed (<cell>, line 1)"}'),
        ("exercise", "last"), ("end", "")]
    early, count, last = (payload for kind, payload in sent if kind == "result")
    assert json.loads(early)["cases"][0]["error"]["type"] == "NameError"
    assert outputs(count) == outputs(last) == [right(case) for case in PUBLIC]
    assert plain_shell[0].config.HistoryManager.enabled is False


def test_one_exercise_s_results_stop_at_the_first_error():
    def count(a, b, k):
        if b == 256:
            raise ZeroDivisionError("no")
        return a
    cases = PUBLIC + [{"c_in": 5, "c_out": 1, "k": 1}]
    records = json.loads(evaluate(count_spec(cases), {"count": count}))["cases"]
    assert len(records) == 2 and unpack(records[0]["outputs"]) == {"n": 3}
    assert records[1] == {"error": {"name": "count(in_channels=1, out_channels=256, kernel_size=3)",
                                    "type": "ZeroDivisionError", "message": "no", "not_implemented": False}}


def test_a_missing_function_is_named_with_what_to_do():
    records = json.loads(evaluate(count_spec(names=("count", "other")), {"other": len}))["cases"]
    assert records == [{"error": {"name": "count", "type": "NameError", "message": "count is not defined: run "
                                  "the cell that defines it, without errors", "not_implemented": False}}]


def test_a_case_that_breaks_the_check_itself_is_an_error_of_the_exercise(monkeypatch):
    class Hostile(Exception):
        def __str__(self):
            raise RuntimeError("no message for you")

    def run(learner, case):
        raise Hostile()
    known = cnncourse.exercises.exercise_for
    monkeypatch.setattr(cnncourse.exercises, "exercise_for", lambda check: SimpleNamespace(
        run=run, labels=("count",)) if check == "check_hostile" else known(check))
    records = json.loads(evaluate({"check": "check_hostile", "names": ["count"], "cases": [pack(PUBLIC[0])] * 2},
                                  {"count": len}))["cases"]
    assert records == [{"error": {"name": "count", "type": "Hostile", "message": "", "not_implemented": False}}]


def test_a_cell_s_error_is_its_type_and_message_cut_to_300_characters():
    shell = Shell()
    assert _run_cell(shell, "z = 1") == "ok" and shell.user_ns["z"] == 1
    long = _run_cell(shell, "raise ValueError('v' * 400)")
    assert long == {"error": "ValueError: " + "v" * 288}
    assert _run_cell(shell, "raise KeyboardInterrupt") == {"error": "KeyboardInterrupt"}


# ----- what only pid 1 of a sandbox may do


def in_own_pid_namespace(body):
    """Run ``body()`` as pid 1 of a new pid namespace (in a forked process); its exit status."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            if ctypes.CDLL(None, use_errno=True).unshare(0x20000000) != 0:  # CLONE_NEWPID
                os._exit(77)
            child = os.fork()
            if child == 0:
                try:
                    status = body()
                finally:
                    os._exit(status)
            _, waited = os.waitpid(child, 0)
            status = os.waitstatus_to_exitcode(waited)
        finally:
            os._exit(status)
    _, waited = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(waited)


def sleepers(count):
    pids = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        pids.append(pid)
    return pids


def test_pid_1_kills_and_reaps_what_cells_left_only_when_told_and_nothing_outside_its_namespace():
    outside = sleepers(1)[0]  # a process of ours that no sandbox may touch
    runner._kill_the_rest(False)  # outside a namespace of its own, told so: nothing happens

    def body():
        if os.getpid() != 1:
            return 3
        kept = sleepers(1)
        runner._kill_the_rest(False)  # pid 1, but not told: nothing happens
        if os.waitpid(kept[0], os.WNOHANG) != (0, 0):
            return 4
        pids = kept + sleepers(2)
        runner._kill_the_rest(True)
        for pid in pids:
            try:
                os.waitpid(pid, os.WNOHANG)
                return 5  # still our child: not killed and reaped
            except ChildProcessError:
                pass
        return 0
    status = in_own_pid_namespace(body)
    try:
        if status == 77:
            pytest.skip("no new pid namespace here")
        assert status == 0
        assert os.waitpid(outside, os.WNOHANG) == (0, 0)  # still sleeping
    finally:
        os.kill(outside, signal.SIGKILL)
        os.waitpid(outside, 0)


# ----- the sandbox's pid 1 before any learner code: limits, privileges, streams, the report


def test_the_limits_go_to_the_resources_they_name(monkeypatch):
    calls = []
    monkeypatch.setattr(runner.resource, "setrlimit", lambda which, values: calls.append((which, values)))
    monkeypatch.setattr(runner.signal, "signal", lambda which, handler: calls.append((which, handler)))
    runner._set_limits({"memory": 7_000, "processes": 11, "file_size": 13})
    resource = runner.resource
    assert calls == [(resource.RLIMIT_CORE, (0, 0)), (resource.RLIMIT_AS, (7_000, 7_000)),
                     (resource.RLIMIT_NPROC, (11, 11)), (resource.RLIMIT_FSIZE, (13, 13)),
                     (signal.SIGXFSZ, signal.SIG_IGN)]


class Recorder:
    def __init__(self, calls, uid=0):
        self.calls, self.uid = calls, uid

    def __getattr__(self, name):
        return lambda *args: self.calls.append((name, *args))


def test_root_drops_to_the_slot_s_uid_and_no_one_may_trace_the_runner(monkeypatch):
    calls = []
    recorder = Recorder(calls)
    for name in ("setgroups", "setgid", "setuid"):
        monkeypatch.setattr(runner.os, name, getattr(recorder, name))
    monkeypatch.setattr(runner.ctypes, "CDLL", lambda library: recorder)
    monkeypatch.setattr(runner.os, "getuid", lambda: 0)
    runner._drop_privileges(60003)
    assert calls == [("setgroups", []), ("setgid", 60003), ("setuid", 60003), ("prctl", 4, 0, 0, 0, 0)]
    calls.clear()
    runner._drop_privileges(None)  # not sandboxed: nobody to become
    monkeypatch.setattr(runner.os, "getuid", lambda: 1000)
    runner._drop_privileges(60003)  # not root: nothing to drop
    assert calls == [("prctl", 4, 0, 0, 0, 0)] * 2


class Exited(Exception):
    pass


@pytest.fixture
def standard_streams(monkeypatch):
    """Puts fds 0, 1 and 2 of this process on pipes (in the test's own phase: pytest's capture moves
    them between phases) and back; os._exit raises Exited here (and still exits in forked children)."""
    saved, pipes, outputs = [], [], {}
    here, real_exit = os.getpid(), os._exit

    def exit_(code):
        if os.getpid() != here:
            real_exit(code)
        raise Exited(code)
    monkeypatch.setattr(os, "_exit", exit_)

    def start():
        saved.extend(os.dup(fd) for fd in (0, 1, 2))
        pipes.extend(os.pipe() for _ in range(3))
        os.dup2(pipes[0][0], 0)
        os.dup2(pipes[1][1], 1)
        os.dup2(pipes[2][1], 2)
        return pipes

    def restore():
        for fd, copy in zip((0, 1, 2), saved):
            os.dup2(copy, fd)
            os.close(copy)
        saved.clear()
        for index in (1, 2):
            os.close(pipes[index][1])
            os.set_blocking(pipes[index][0], False)  # a failed start leaves its copy of fd 1 open
            with os.fdopen(pipes[index][0], "rb") as pipe:
                outputs[index] = (pipe.read() or b"").decode()
        os.close(pipes[0][0])
        os.close(pipes[0][1])
        return outputs
    yield start, restore
    if saved:
        restore()


def test_learner_output_goes_nowhere_and_input_reads_nothing(standard_streams):
    start, restore = standard_streams
    pipes = start()
    os.write(pipes[0][1], b"typed")
    runner._quiet_standard_streams()
    os.write(1, b"to the report?")
    os.write(2, b"to the grader?")
    read = os.read(0, 10)
    outputs = restore()
    assert read == b"" and outputs == {1: "", 2: ""}


def write_program(folder, **program):
    (folder / "program.json").write_text(json.dumps(program), encoding="utf-8")
    return str(folder)


def test_the_runner_writes_only_its_report_to_its_standard_output(standard_streams, plain_shell, tmp_path,
                                                                   monkeypatch):
    start, restore = standard_streams
    monkeypatch.setattr(runner, "_set_limits", lambda limits: None)  # tried above, on this very process
    monkeypatch.setattr(runner.ctypes, "CDLL", lambda library: Recorder([]))
    start()
    folder = write_program(tmp_path, cells=["import os\nos.write(1, b'noise')\nos.write(2, b'noise')", "1 / 0"],
                           evaluate=[[1, "count"]], exercises={"count": count_spec()}, uid=None,
                           limits={"cell_timeout": 20, "exercise_timeout": 20})
    with pytest.raises(Exited) as exited:
        runner.main(folder)
    outputs = restore()
    assert exited.value.args == (0,) and outputs[2] == ""
    report = json.loads(outputs[1])
    assert report["cells"] == {"0": "ok", "1": {"error": "ZeroDivisionError: division by zero"}}
    assert "NameError" in report["results"]["count"]["raw"]


def test_a_runner_that_cannot_start_tells_the_grader_why_on_its_errors(standard_streams, tmp_path, monkeypatch):
    start, restore = standard_streams
    monkeypatch.setattr(runner.ctypes, "CDLL", lambda library: Recorder([]))
    start()
    with pytest.raises(Exited) as exited:
        runner.main(write_program(tmp_path, cells=[], evaluate=[], exercises={}, uid=None))
    outputs = restore()
    assert exited.value.args == (1,) and outputs[1] == ""
    assert outputs[2].startswith("Traceback") and outputs[2].rstrip().endswith("KeyError: 'limits'")
