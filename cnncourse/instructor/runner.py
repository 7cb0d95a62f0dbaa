"""What runs inside a learner's sandbox: execute the notebook's code, call its functions on the cases.

``python -I -m cnncourse.instructor.runner INPUT_DIR`` reads ``INPUT_DIR/program.json`` (written
by :mod:`cnncourse.instructor.sandbox`: the learner's code cells, where each exercise is evaluated,
the names of its functions, its cases, the limits) and writes one JSON document to its standard
output: a log of the cells and, per exercise, the plain results of every case.

Three kinds of process, so that a crash or a hang costs only what it broke:

- the supervisor (this module's :func:`main`, pid 1 of the sandbox, where no learner code runs)
  times every cell and exercise and kills what overruns;
- a kernel process executes the cells in order in an IPython shell; when the cells an exercise
  needs have run, it forks
- an evaluator per exercise, which calls the learner's functions on the cases and sends the results.

When the kernel dies or hangs in a cell, that cell is skipped and a new kernel starts from the top;
exercises already evaluated keep their results.
"""

import ctypes
import json
import os
import resource
import select
import signal
import sys
import time
import traceback

RESULT_LIMIT = 32 * 1024 * 1024  # bytes of results one exercise may send
RESTARTS = 3
_PR_SET_DUMPABLE = 4


def main(input_dir):
    with open(os.path.join(input_dir, "program.json"), encoding="utf-8") as file:
        program = json.load(file)
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    err = os.fdopen(os.dup(2), "w", encoding="utf-8")  # the grader's, until learner code can run
    _quiet_standard_streams()
    try:
        _drop_privileges(program.get("uid"))
        _set_limits(program["limits"])
        _preload(program)
    except BaseException:
        traceback.print_exc(file=err)  # no learner code has run: the grader shows these lines
        err.flush()
        os._exit(1)
    err.close()
    report = Supervisor(program).run()
    out.write(json.dumps(report, allow_nan=True))
    out.close()
    os._exit(0)  # as pid 1, leaving kills whatever the learner's code left behind


def _preload(program):
    """Import IPython and the modules of the program's checks (with them NumPy, and torch where a check
    needs it) once, before any kernel is forked: every kernel and evaluator starts with them loaded, so
    no cell pays for the imports."""
    import IPython.core.interactiveshell  # noqa: F401
    from ..exercises import exercise_for

    for spec in program["exercises"].values():
        exercise_for(spec["check"])


def _quiet_standard_streams():
    """Learner output goes nowhere: the real standard output carries the report only."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _drop_privileges(uid):
    """Become ``uid`` (when started as root), with no capabilities, and not traceable by the learner."""
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def _set_limits(limits):
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for name, value in (("RLIMIT_AS", limits["memory"]), ("RLIMIT_NPROC", limits["processes"]),
                        ("RLIMIT_FSIZE", limits["file_size"])):
        resource.setrlimit(getattr(resource, name), (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing


class Supervisor:
    """Runs kernels until every cell ran or was skipped; collects the report."""

    def __init__(self, program):
        self.program = program
        self.own_namespace = os.getpid() == 1  # pid 1: the sandbox's own pid namespace
        self.skip = set()  # cells that killed or hung a kernel
        self.cells = {}    # cell index -> "ok" or the error
        self.results = {}  # grade id -> results document, or the reason there is none

    def run(self):
        reason = "not reached: the notebook stopped before it"
        try:
            for _ in range(RESTARTS + 1):
                stopped_at = self._run_kernel()
                if stopped_at is None:
                    break
                self.skip.add(stopped_at)
        except Exception as error:  # noqa: BLE001 - report what was gathered rather than nothing
            reason = f"not reached: the sandbox's supervisor failed ({type(error).__name__})"
        for gid in self.program["exercises"]:
            self.results.setdefault(gid, {"problem": reason})
        return {"cells": {str(i): status for i, status in sorted(self.cells.items())},
                "results": self.results}

    def _run_kernel(self):
        """One kernel from the top; the index of the cell it died or hung in, or None when it finished."""
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.close(read_fd)
                os.setpgid(0, 0)
                Kernel(self.program, self.skip, set(self.results), write_fd, self.own_namespace).run()
                status = 0
            finally:
                os._exit(status)  # never back into the supervisor's code
        os.close(write_fd)
        try:
            return self._follow(pid, os.fdopen(read_fd, "rb", buffering=0))
        finally:
            _kill_group(pid)
            _kill_the_rest(self.own_namespace)

    def _follow(self, pid, pipe):
        """Read the kernel's messages, timing each step; see :class:`Kernel` for the messages."""
        cell, exercise, deadline = None, None, time.monotonic() + self.program["limits"]["cell_timeout"]
        reader = _Reader(pipe, pid)
        while True:
            message = reader.next(deadline - time.monotonic())
            if message is None:  # timed out, or the kernel is gone
                if exercise is not None:
                    self.results[exercise] = {"problem": reader.why_stopped(pid, "the check")}
                    return cell if cell is not None else -1
                if cell is not None:
                    self.cells[cell] = {"error": reader.why_stopped(pid, "this cell")}
                    return cell
                return None if reader.finished else -1
            kind, payload = message
            limits = self.program["limits"]
            if kind == "cell":
                cell, exercise = int(payload), None
                deadline = time.monotonic() + limits["cell_timeout"]
            elif kind == "done":
                self.cells[cell] = json.loads(payload)
                cell = None
            elif kind == "exercise":
                exercise = payload.decode()
                deadline = time.monotonic() + limits["exercise_timeout"]
            elif kind == "result" and exercise is not None:
                self.results[exercise] = {"raw": payload.decode("utf-8", "replace")}
                exercise = None
                deadline = time.monotonic() + limits["cell_timeout"]
            elif kind == "end":
                return None


class _Reader:
    """Length-prefixed messages ``b"kind length\\n" + payload`` from the kernel's pipe, with deadlines.

    While waiting it reaps exited processes: as pid 1 the supervisor inherits every orphan, and an
    unreaped one still counts against the sandbox's process limit.
    """

    def __init__(self, pipe, kernel):
        self.pipe, self.kernel, self.kernel_status = pipe, kernel, None
        self.buffer, self.finished, self.timed_out = b"", False, False

    def _reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.kernel:
                self.kernel_status = status

    def next(self, timeout):
        while True:
            header, newline, rest = self.buffer.partition(b"\n")
            if newline:
                try:
                    kind, length = header.decode().split(" ")
                    length = int(length)
                except ValueError:
                    return None
                if length > RESULT_LIMIT:
                    return None
                if len(rest) >= length:
                    self.buffer = rest[length:]
                    if kind == "end":
                        self.finished = True
                    return kind, rest[:length]
            deadline = time.monotonic() + timeout
            while not select.select([self.pipe], [], [], max(0.0, min(0.5, deadline - time.monotonic())))[0]:
                self._reap()
                if time.monotonic() >= deadline:
                    self.timed_out = True
                    return None
            timeout = deadline - time.monotonic()
            chunk = os.read(self.pipe.fileno(), 1 << 20)
            if not chunk:
                return None
            self.buffer += chunk
            if len(self.buffer) > RESULT_LIMIT + 4096:
                return None

    def why_stopped(self, pid, what):
        if self.timed_out:
            return f"{what} ran past its time limit and was stopped"
        _kill_group(pid)
        status = self.kernel_status
        if status is None:
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                return f"the notebook's kernel stopped while running {what}"
        if os.WIFSIGNALED(status):
            name = signal.Signals(os.WTERMSIG(status)).name
            return f"the notebook's kernel died ({name}) while running {what}"
        return f"the notebook's kernel exited (code {os.WEXITSTATUS(status)}) while running {what}"


def _kill_the_rest(in_own_namespace):
    """In a sandbox's own pid namespace, kill every process but pid 1 and the caller
    (``kill(-1)`` spares both) and reap the caller's children. The supervisor (pid 1) calls it
    so that a new kernel starts with none of the last one's processes (nor zombies) counted
    against the limits; the kernel calls it after each cell and check, so that what they left
    running holds neither the process limit nor the kernel's pipe. Outside a namespace of its
    own (--unsafe-no-sandbox) it does nothing: the kernel's process group is killed instead.

    The supervisor tells (``in_own_namespace``: it is pid 1); the kernel does not guess from its parent's
    pid, which becomes 1 outside a sandbox too when the supervisor is killed and the kernel is adopted
    by the system's init. As a second check, kill(-1) is sent only by pid 1 or a child of it."""
    if not in_own_namespace or 1 not in (os.getpid(), os.getppid()):
        return
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while True:
        try:
            os.waitpid(-1, 0)  # all were sent SIGKILL: each ends at once
        except ChildProcessError:
            return


def _kill_group(pid):
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass


def _send(fd, kind, payload=b""):
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    data = f"{kind} {len(payload)}\n".encode() + payload
    while data:
        data = data[os.write(fd, data):]


class Kernel:
    """Executes the cells in an IPython shell and evaluates each exercise in a forked evaluator.

    Messages to the supervisor: ``cell`` (index, starting), ``done`` (its status as JSON),
    ``exercise`` (grade id, evaluation starting), ``result`` (its results as JSON), ``end``.
    """

    def __init__(self, program, skip, evaluated, fd, own_namespace):
        self.program, self.skip, self.evaluated, self.fd = program, skip, evaluated, fd
        self.own_namespace = own_namespace  # the supervisor's: see _kill_the_rest

    def run(self):
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False
        shell = InteractiveShell.instance(config=config)
        evaluate = {}
        for cell, gid in self.program["evaluate"]:
            evaluate.setdefault(cell, []).append(gid)
        self._evaluate(shell, evaluate.get(-1, []))
        for index, source in enumerate(self.program["cells"]):
            if index not in self.skip:
                _send(self.fd, "cell", str(index))
                _send(self.fd, "done", json.dumps(_run_cell(shell, source)))
                _kill_the_rest(self.own_namespace)
            self._evaluate(shell, evaluate.get(index, []))
        _send(self.fd, "end")

    def _evaluate(self, shell, gids):
        for gid in gids:
            if gid in self.evaluated:
                continue
            _send(self.fd, "exercise", gid)
            pid = os.fork()
            if pid == 0:
                status = 1  # no result sent: the supervisor reports the check as stopped, not as not reached
                try:
                    _send(self.fd, "result", evaluate(self.program["exercises"][gid], shell.user_ns))
                    status = 0
                finally:
                    os._exit(status)
            _, status = os.waitpid(pid, 0)
            _kill_the_rest(self.own_namespace)
            if os.WIFSIGNALED(status) or os.WEXITSTATUS(status):
                os._exit(1)  # the supervisor reports the exercise as stopped


def _run_cell(shell, source):
    """Run one cell; ``"ok"`` or ``{"error": "Type: message"}``."""
    try:
        result = shell.run_cell(source, store_history=False)
    except BaseException as error:  # noqa: BLE001 - SystemExit and the like from learner code
        return {"error": f"{type(error).__name__}"}
    error = result.error_before_exec or result.error_in_exec
    if error is None:
        return "ok"
    return {"error": f"{type(error).__name__}: {_text(error)}"[:300]}


def _text(error):
    try:
        return str(error)
    except Exception:  # noqa: BLE001
        return ""


def evaluate(spec, namespace):
    """Run one exercise's cases on the learner's functions; its results as JSON text."""
    from ..exercises import exercise_for
    from ..exercises.exercise import Learner, LearnerError, result_record
    from .exchange import dumps, pack, unpack

    exercise = exercise_for(spec["check"])
    missing = [name for name in spec["names"] if name not in namespace]
    if missing:
        error = LearnerError(missing[0], "NameError", f"{missing[0]} is not defined: run the cell that "
                                                     "defines it, without errors")
        return dumps({"cases": [{"error": error.record()}]})
    learner = Learner([namespace[name] for name in spec["names"]], tuple(spec["names"]))
    records = []
    for packed in spec["cases"]:
        try:
            record = result_record(exercise, learner, unpack(packed))
        except BaseException as error:  # noqa: BLE001 - e.g. a learner's module whose eval() raises, sys.exit()
            record = {"error": LearnerError(exercise.labels[0], type(error).__name__, _text(error)).record()}
        if "outputs" in record:
            record = {"outputs": pack(record["outputs"])}
        records.append(record)
        if "error" in record:
            break
    return dumps({"cases": records})


if __name__ == "__main__":
    main(sys.argv[1])
