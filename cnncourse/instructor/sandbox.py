"""One disposable bubblewrap sandbox per (learner, notebook), and the report that comes out of it.

The sandbox sees the system's ``/usr``, the Python installation, the virtual environment and the
``cnncourse`` package, all read-only, plus its own read-only input folder (``program.json``: the
learner's code and the grader's cases). Everything writable is a size-limited tmpfs that vanishes
with it. No network, no view of other processes, the gradebook, the instructor's notebooks, the
grading output or other learners' files. When run as root, the code runs as a per-slot user id
with no capabilities, so that the process limit of one sandbox cannot starve another. The runner
(:mod:`cnncourse.instructor.runner`) is pid 1: leaving kills every process it started.

The only way out is the runner's standard output, read here with a size cap and a wall-clock
limit, and parsed as JSON by the grader, which validates every value.
"""

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import cnncourse

from .exchange import loads

SANDBOX_INPUT = "/sandbox/input"
REPORT_LIMIT = 64 * 1024 * 1024
STDERR_TAIL = 4096  # bytes of the runner's standard error kept for the problem sentence
FIRST_SLOT_UID = 60000
CGROUP_MEMORY = Path("/sys/fs/cgroup/memory")  # cgroup v1's memory controller, as on these machines
INSTALL_HINT = ("Install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: "
                "`sudo dnf install bubblewrap`) on a Linux machine where user namespaces are enabled")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox here."""


@dataclass(frozen=True)
class Limits:
    """Per-notebook limits. Seconds: one cell, one exercise's check, the whole notebook. Bytes:
    address space per process, all the sandbox's memory together (tmpfs included; enforced by a
    memory cgroup where the grader may make one, i.e. as root), largest file, tmpfs. processes:
    per sandbox."""

    cell_timeout: int = 60
    exercise_timeout: int = 60
    notebook_timeout: int = 600
    memory: int = 6 * 1024 ** 3
    notebook_memory: int = 4 * 1024 ** 3
    file_size: int = 256 * 1024 ** 2
    tmpfs: int = 512 * 1024 ** 2
    processes: int = 256


def bwrap_problem():
    """Why no sandbox can be made here (a sentence), or None when bubblewrap works."""
    if shutil.which("bwrap") is None:
        return f"bubblewrap (`bwrap`) is not installed. {INSTALL_HINT}."
    probe = subprocess.run(["bwrap", *_namespace_options(), "--ro-bind", "/", "/", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return (f"bubblewrap cannot create a sandbox here ({probe.stderr.strip() or probe.returncode}). "
                f"{INSTALL_HINT}.")
    return None


def _namespace_options():
    options = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session"]
    if os.getuid() == 0:
        # Root sets up the sandbox without a user namespace; the runner then drops to a slot's uid.
        return options + ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return options + ["--unshare-user", "--disable-userns"]


def _readonly_paths():
    """What the sandbox needs to run Python with this environment and package, read-only."""
    package = Path(cnncourse.__file__).resolve().parent
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix), package}
    paths.add(Path(os.path.realpath(sys.executable)).parent.parent)
    return sorted(paths)


def _system_options():
    options = ["--ro-bind", "/usr", "/usr"]
    for name in ("/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        if os.path.islink(name):
            options += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            options += ["--ro-bind", name, name]
    # bwrap would make the folders above these mount points 0700: closed to the runner's slot uid
    options += ["--perms", "0755", "--dir", "/etc", "--perms", "0755", "--dir", "/etc/ssl"]
    for name in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/nsswitch.conf",
                 "/etc/passwd", "/etc/group", "/etc/fonts", "/etc/ssl/certs"):
        options += ["--ro-bind-try", name, name]
    return options


def _bind_options(paths):
    options, made = [], set()
    for path in paths:
        for parent in reversed(path.parents):
            if str(parent) != "/" and parent not in made and not str(parent).startswith("/usr"):
                options += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        options += ["--ro-bind", str(path), str(path)]
    return options


def bwrap_command(input_dir, limits):
    """The bwrap command line that runs the runner on ``input_dir`` (bound read-only)."""
    environment = {"HOME": "/tmp", "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/.mpl",
                   "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                   "PYTHONDONTWRITEBYTECODE": "1", "CNNCOURSE_DEVICE": "cpu", "LANG": "C.UTF-8"}
    # /tmp first: the read-only binds that follow may lie under it (a course checked out in /tmp)
    command = ["bwrap", *_namespace_options(), "--as-pid-1", "--hostname", "sandbox", *_system_options(),
               "--perms", "1777", "--size", str(limits.tmpfs), "--tmpfs", "/tmp",
               *_bind_options(_readonly_paths()),
               "--proc", "/proc", "--dev", "/dev",
               "--perms", "0755", "--dir", "/sandbox", "--ro-bind", str(input_dir), SANDBOX_INPUT,
               "--chdir", "/tmp", "--clearenv"]
    for key, value in environment.items():
        command += ["--setenv", key, value]
    return command + runner_command(SANDBOX_INPUT)


# Runs the runner of the package bound into the sandbox, whatever else the environment's install
# (an editable install of another checkout, a .pth file) would import as ``cnncourse``.
_BOOT = """import os, runpy, sys
folder = sys.argv.pop(1)
sys.path.insert(0, folder)
import cnncourse
found = os.path.dirname(os.path.dirname(os.path.realpath(cnncourse.__file__)))
if found != folder:
    sys.exit(f"the sandbox imported cnncourse from {found}, not from {folder}")
runpy.run_module("cnncourse.instructor.runner", run_name="__main__", alter_sys=True)
"""


def runner_command(input_dir):
    """``python -I`` running this very package's runner on ``input_dir``."""
    folder = str(Path(cnncourse.__file__).resolve().parent.parent)
    return [sys.executable, "-I", "-c", _BOOT, folder, str(input_dir)]


def run_program(program, limits, slot=0, sandboxed=True):
    """Run one learner's ``program`` (see :mod:`cnncourse.instructor.runner`) and return its report.

    slot: which of the parallel sandboxes this is (its uid when run as root). sandboxed=False runs
    the runner as a plain child process (the learner's code then has your rights: never for
    untrusted work). Returns ``(report, problem)``: the parsed JSON document, or None and a sentence.
    """
    with tempfile.TemporaryDirectory(prefix="cnncourse-sandbox-") as folder:
        input_dir = Path(folder) / "input"
        input_dir.mkdir()
        document = {**program, "limits": asdict(limits),
                    "uid": FIRST_SLOT_UID + slot if sandboxed and os.getuid() == 0 else None}
        (input_dir / "program.json").write_text(json.dumps(document, allow_nan=True), encoding="utf-8")
        if sandboxed:
            command = bwrap_command(input_dir, limits)
        else:
            command = runner_command(input_dir)
        with memory_cgroup(limits.notebook_memory if sandboxed else None) as group:
            if group is not None:  # the shell joins the group, then becomes bwrap: nothing escapes it
                command = ["/bin/sh", "-c", f'echo $$ > {group / "cgroup.procs"} && exec "$@"', "sh", *command]
            output, problem = _collect(command, limits.notebook_timeout)
    if problem:
        return None, problem
    try:
        report = loads(output.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, "the sandbox sent back something that is not a report"
    return report, None


@contextmanager
def memory_cgroup(limit):
    """A fresh memory cgroup capped at ``limit`` bytes, removed afterwards; None when ``limit`` is
    None or no cgroup can be made here (not root, no cgroup v1 memory controller): the
    per-process limits then stand alone."""
    if limit is None or os.getuid() != 0 or not os.access(CGROUP_MEMORY, os.W_OK):
        yield None
        return
    group = CGROUP_MEMORY / f"cnncourse-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    try:
        group.mkdir()
        (group / "memory.limit_in_bytes").write_text(str(int(limit)))
    except OSError:
        _remove_cgroup(group)
        yield None
        return
    try:
        yield group
    finally:
        _remove_cgroup(group)


def _remove_cgroup(group):
    """Remove ``group`` once the kernel has let go of its (killed) processes."""
    for _ in range(100):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.05)


def _collect(command, timeout):
    """Run ``command`` in its own session; its standard output (capped) or a problem sentence.

    The runner writes to its standard error only before any learner code runs (a failed start):
    the last lines of it end the problem sentence when no report came back."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    chunks, size, deadline = [], 0, time.monotonic() + timeout
    errors = b""
    problem = None
    try:
        open_pipes = [process.stdout, process.stderr]
        for pipe in open_pipes:
            os.set_blocking(pipe.fileno(), False)
        while open_pipes:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                problem = f"the notebook ran past its time limit ({timeout} s) and was stopped"
                break
            ready, _, _ = select.select(open_pipes, [], [], min(remaining, 1.0))
            for pipe in ready:
                chunk = pipe.read(1 << 20)
                if not chunk:
                    open_pipes.remove(pipe)
                elif pipe is process.stderr:
                    errors = (errors + chunk)[-STDERR_TAIL:]
                else:
                    chunks.append(chunk)
                    size += len(chunk)
            if size > REPORT_LIMIT:
                problem = "the sandbox sent back too much data"
                break
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.stdout.close()
        process.stderr.close()
        process.wait()
    if problem is None and process.returncode not in (0, None) and not chunks:
        problem = f"the sandbox stopped (exit status {process.returncode}) before it reported"
        tail = errors.decode("utf-8", "replace").strip().splitlines()[-3:]
        if tail:
            problem += ": " + " / ".join(line.strip() for line in tail)
    return b"".join(chunks), problem
