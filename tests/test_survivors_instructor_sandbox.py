"""The bubblewrap sandbox seen from inside and out (cnncourse/instructor/sandbox.py).

The sandbox is built exactly as for grading, but instead of the course's runner (which imports
torch: a second a start) a small script of attacks runs in it and reports what it could see and
do: the network, the grader's processes and files, its environment, its own limits. Each is a
hole a weaker sandbox would leave open. The report's way out (_collect) is tested with plain
child processes: time limit, size cap, the last lines of a failed start.
"""

import json
import os
import shutil
import socket
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

import cnncourse
from cnncourse.instructor import sandbox
from cnncourse.instructor.sandbox import Limits, _bind_options, _collect, memory_cgroup, run_program
from system_packages import skip_without

PACKAGE = Path(cnncourse.__file__).resolve().parent
ROOT = os.getuid() == 0 and os.access(sandbox.CGROUP_MEMORY, os.W_OK)

# Stands in for the runner: drops to the slot's uid as the runner does, then tries what a hostile
# learner would, and prints what happened as the report.
ATTACKS = r"""
import json, os, socket, stat, sys
program = json.load(open(os.path.join(sys.argv[1], "program.json")))
seen = {"program": program, "pid": os.getpid(), "hostname": os.uname().nodename, "env": dict(os.environ),
        "cwd": os.getcwd()}
if not program["attack"]:
    print(json.dumps(seen))
    sys.exit(0)
seen["modes"] = [stat.S_IMODE(os.stat(path).st_mode) for path in ("/tmp", "/sandbox")]
seen["devices"] = os.path.exists("/dev/null")
seen["package writable"] = os.access(program["package"], os.W_OK)  # as root, before the drop
seen["grader visible"] = [p for p in os.listdir("/proc") if p.isdigit()
                          and b"py" + b"test" in open(f"/proc/{p}/cmdline", "rb").read()]

def attempt(name, action):
    try:
        action()
        seen[name] = "done"
    except OSError as error:
        seen[name] = type(error).__name__

attempt("write input", lambda: open(os.path.join(sys.argv[1], "x"), "w").write("x"))
if program["uid"] is not None:
    os.setgroups([]); os.setgid(program["uid"]); os.setuid(program["uid"])
seen["uid"] = os.getuid()
attempt("network", lambda: socket.create_connection(("127.0.0.1", program["port"]), timeout=1))
attempt("read outside", lambda: open(program["secret"]).read())
attempt("read shadow", lambda: open("/etc/shadow").read())
attempt("read passwd", lambda: open("/etc/passwd").read())
attempt("fill tmp", lambda: open("/tmp/big", "wb").write(b"x" * (2 * 2 ** 20)))
attempt("run a shell", lambda: os.stat("/bin/sh"))
seen["package readable"] = os.access(program["package"] + "/__init__.py", os.R_OK)
child = os.fork()
if child == 0:
    block = bytearray(program["hog"])
    block[::4096] = b"x" * len(block[::4096])
    os._exit(0)
seen["hog"] = os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])
print(json.dumps(seen))
"""


@pytest.fixture
def attacks(monkeypatch):
    monkeypatch.setattr(sandbox, "runner_command", lambda folder: [sys.executable, "-I", "-c", ATTACKS, str(folder)])


def test_a_hostile_program_is_contained_and_its_report_comes_back(attacks, tmp_path, monkeypatch):
    skip_without("bubblewrap")  # named in the run's closing line
    if sandbox.bwrap_problem():
        pytest.skip("no bubblewrap sandbox here")
    monkeypatch.setenv("CNNCOURSE_HIDDEN_SECRET", "the grader's secret")
    secret = tmp_path / "other-learner.ipynb"
    secret.write_text("someone else's work")
    listener = socket.create_server(("127.0.0.1", 0))
    limits = Limits(tmpfs=2 ** 20, notebook_memory=(64 if ROOT else 1024) * 2 ** 20, notebook_timeout=30)
    program = {"port": listener.getsockname()[1], "secret": str(secret), "package": str(PACKAGE),
               "hog": 160 * 2 ** 20, "attack": True}
    try:
        report, problem = run_program(program, limits, slot=2)
    finally:
        listener.close()
    assert problem is None
    assert report["program"] == {**program, "limits": asdict(limits),
                                 "uid": 60002 if os.getuid() == 0 else None}
    assert report["uid"] == (60002 if os.getuid() == 0 else os.getuid())
    assert (report["pid"], report["hostname"], report["cwd"]) == (1, "sandbox", "/tmp")
    assert report["modes"] == [0o1777, 0o755] and report["devices"]
    assert report["env"] == {"HOME": "/tmp", "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg",
                             "MPLCONFIGDIR": "/tmp/.mpl", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                             "OPENBLAS_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
                             "CNNCOURSE_DEVICE": "cpu", "LANG": "C.UTF-8", "PWD": "/tmp"}  # bwrap sets PWD
    assert report["network"] in ("ConnectionRefusedError", "OSError")  # not "done": no way out
    assert report["read outside"] == "FileNotFoundError"  # the sandbox's /tmp is its own
    assert report["read shadow"] == "FileNotFoundError" and report["read passwd"] == "done"
    assert report["write input"] == "OSError"  # read-only
    assert report["fill tmp"] == "OSError"  # No space left on device: 1 MB of tmpfs
    assert report["run a shell"] == "done"
    assert (report["package writable"], report["package readable"]) == (False, True)
    assert report["grader visible"] == []
    if ROOT:  # the memory cgroup holds the whole sandbox to 64 MB: the 160 MB process is killed
        assert report["hog"] == -9
    mine = f"cnncourse-{os.getpid()}-"  # other gradings may run beside this one
    assert not any(p.name.startswith(mine) for p in sandbox.CGROUP_MEMORY.iterdir()) if ROOT else True


def test_without_the_sandbox_the_same_program_runs_as_a_plain_child(attacks, tmp_path):
    report, problem = run_program({"attack": False}, Limits(), slot=5, sandboxed=False)
    assert problem is None and report["program"]["uid"] is None and report["pid"] != 1
    assert report["cwd"] == os.getcwd()
    assert report["env"]["PATH"] == os.environ["PATH"]


@pytest.mark.parametrize("output", [b"\xff\xfe", b"{not json", b""])
def test_what_is_not_a_report_is_said_to_be_so(monkeypatch, output):
    script = f"import sys; sys.stdout.buffer.write({output!r})"
    monkeypatch.setattr(sandbox, "runner_command", lambda folder: [sys.executable, "-c", script])
    assert run_program({}, Limits(), sandboxed=False) == (
        None, "the sandbox sent back something that is not a report")


def test_a_sandbox_that_cannot_start_says_why(monkeypatch):
    monkeypatch.setattr(sandbox, "runner_command", lambda folder: [sys.executable, "-c", "import sys; sys.exit(4)"])
    assert run_program({}, Limits(notebook_timeout=20), sandboxed=False) == (
        None, "the sandbox stopped (exit status 4) before it reported")


def test_a_notebook_past_its_time_limit_is_stopped_with_everything_it_started():
    command = ["/bin/sh", "-c", "sleep 30 & echo $!; sleep 30"]
    started = time.monotonic()
    output, problem = _collect(command, 0.5)
    assert problem == "the notebook ran past its time limit (0.5 s) and was stopped"
    assert time.monotonic() - started < 5
    orphan = int(output)
    for _ in range(100):  # killed with its session; gone once the system's init has reaped it
        if not os.path.exists(f"/proc/{orphan}") or " Z " in Path(f"/proc/{orphan}/stat").read_text():
            break
        time.sleep(0.02)
    else:
        raise AssertionError("the sleeping child outlived its sandbox")


def test_a_report_over_the_size_cap_is_refused(monkeypatch):
    assert sandbox.REPORT_LIMIT == 64 * 2 ** 20  # the documented cap, tried at 1000 bytes here
    monkeypatch.setattr(sandbox, "REPORT_LIMIT", 1000)
    exact = [sys.executable, "-c", "import sys; sys.stdout.write('x' * 1000)"]
    assert _collect(exact, 20) == (b"x" * 1000, None)
    over = [sys.executable, "-c", "import sys, time; sys.stdout.write('x' * 1001); sys.stdout.flush(); time.sleep(30)"]
    started = time.monotonic()
    assert _collect(over, 20)[1] == "the sandbox sent back too much data"
    assert time.monotonic() - started < 10


def test_a_failed_start_ends_its_problem_with_the_last_lines_of_its_errors():
    # the last 4096 bytes of the errors: 4088 A, a new line, "  B  ", a new line, "C"
    script = "import sys; sys.stderr.write('A' * 5000 + '\\n  B  \\nC'); sys.exit(3)"
    output, problem = _collect([sys.executable, "-c", script], 20)
    assert output == b""
    assert problem == "the sandbox stopped (exit status 3) before it reported: " + "A" * 4088 + " / B / C"
    quiet = [sys.executable, "-c", "import sys; sys.exit(2)"]
    assert _collect(quiet, 20) == (b"", "the sandbox stopped (exit status 2) before it reported")
    late = [sys.executable, "-c", "import sys; print('{}'); sys.exit(2)"]
    assert _collect(late, 20) == (b"{}\n", None)  # a report came: it is judged, not the status


def test_the_read_only_binds_create_each_missing_parent_once_outside_usr():
    paths = [Path("/opt/a/b"), Path("/opt/a/c"), Path("/usr/lib/x"), Path("/srv")]
    assert _bind_options(paths) == [
        "--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", "/opt/a",
        "--ro-bind", "/opt/a/b", "/opt/a/b", "--ro-bind", "/opt/a/c", "/opt/a/c",
        "--ro-bind", "/usr/lib/x", "/usr/lib/x", "--ro-bind", "/srv", "/srv"]


def test_the_sandbox_sees_the_interpreter_the_environment_and_this_package():
    paths = sandbox._readonly_paths()
    assert paths == sorted(paths) and PACKAGE in paths
    assert {Path(sys.prefix), Path(sys.base_prefix).resolve(),
            Path(os.path.realpath(sys.executable)).parent.parent} <= set(paths)
    assert sandbox.runner_command("/in") == [sys.executable, "-I", "-c", sandbox._BOOT, str(PACKAGE.parent), "/in"]


def test_root_runs_without_a_user_namespace_and_anyone_else_in_one_that_cannot_nest(monkeypatch):
    shared = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
              "--die-with-parent", "--new-session"]
    monkeypatch.setattr(sandbox.os, "getuid", lambda: 0)
    assert sandbox._namespace_options() == shared + ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    monkeypatch.setattr(sandbox.os, "getuid", lambda: 1000)
    assert sandbox._namespace_options() == shared + ["--unshare-user", "--disable-userns"]


def test_a_missing_or_broken_bubblewrap_is_explained(monkeypatch):
    hint = sandbox.INSTALL_HINT
    assert "sudo apt-get install bubblewrap" in hint and "sudo dnf install bubblewrap" in hint
    if shutil.which("bwrap"):
        assert sandbox.bwrap_problem() is None
        monkeypatch.setattr(sandbox, "_namespace_options", lambda: ["--no-such-option"])
        assert sandbox.bwrap_problem() == (
            f"bubblewrap cannot create a sandbox here (bwrap: Unknown option --no-such-option). {hint}.")
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None if name == "bwrap" else "/x")
    assert sandbox.bwrap_problem() == f"bubblewrap (`bwrap`) is not installed. {hint}."


@pytest.mark.skipif(not ROOT, reason="a memory cgroup needs root and cgroup v1's memory controller")
def test_a_memory_cgroup_is_made_capped_and_removed():
    with memory_cgroup(123 * 2 ** 20) as group:
        assert group.parent == sandbox.CGROUP_MEMORY and group.name.startswith(f"cnncourse-{os.getpid()}-")
        assert (group / "memory.limit_in_bytes").read_text().strip() == str(123 * 2 ** 20)
    assert not group.exists()
    sandbox._remove_cgroup(group)  # already gone: nothing to wait for


def test_no_memory_cgroup_without_a_limit_root_or_the_controller(monkeypatch, tmp_path):
    with memory_cgroup(None) as group:
        assert group is None
    monkeypatch.setattr(sandbox.os, "getuid", lambda: 1000)
    with memory_cgroup(2 ** 30) as group:
        assert group is None
    monkeypatch.setattr(sandbox.os, "getuid", lambda: 0)
    monkeypatch.setattr(sandbox, "CGROUP_MEMORY", tmp_path / "no controller")
    with memory_cgroup(2 ** 30) as group:
        assert group is None
    assert not (tmp_path / "no controller").exists()
