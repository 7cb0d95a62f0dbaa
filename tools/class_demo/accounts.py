"""The class's people as real Unix users: one instructor and some learners, each with a private home.

nbgrader takes a learner's id from the Unix user that runs the learner's server, and the exchange is
kept apart by Unix permissions, so every account is a user of its own (``useradd``; root only).
Names carry a random tag, so that two demos (or a demo and its test) never share an account.
"""

import os
import pwd
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

INSTRUCTOR, LEARNER = "instructor", "learner"
RUNUSER = shutil.which("runuser", path="/usr/sbin:/usr/bin:/sbin:/bin") or "runuser"


@dataclass(frozen=True)
class Account:
    """One person of the class: Unix ``name``, ``role`` (instructor or learner), ``home`` folder."""

    name: str
    role: str
    home: Path

    @property
    def uid(self):
        return pwd.getpwnam(self.name).pw_uid

    @property
    def gid(self):
        return pwd.getpwnam(self.name).pw_gid


def root_problem():
    """None when accounts can be made here, else one sentence saying what is needed."""
    if os.name != "posix" or not hasattr(os, "geteuid"):
        return "The class demo needs Linux: its accounts are real Unix users."
    if os.geteuid() != 0:
        return ("The class demo needs root: it creates real Unix users (useradd) for one instructor "
                "and two learners, and removes them afterwards. Run it as root, e.g. in a throw-away "
                "container or VM: sudo make class-demo")
    missing = [tool for tool in ("useradd", "userdel", "runuser")
               if not shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin:/bin")]
    if missing:
        return f"The class demo needs {', '.join(missing)} (Debian package passwd / util-linux)."
    return None


def plan_accounts(homes, learners=("ada", "ben")):
    """The accounts of a new class: ``[instructor, *learners]``, homes under ``homes``."""
    tag = "cnn" + secrets.token_hex(2)
    people = [(INSTRUCTOR, f"{tag}-teacher")] + [(LEARNER, f"{tag}-{name}") for name in learners]
    return [Account(name, role, Path(homes) / name) for role, name in people]


def create_accounts(accounts):
    """Create each user with its own group and a home only it can enter (mode 700)."""
    for account in accounts:
        subprocess.run(["useradd", "--no-create-home", "--user-group", "--home-dir", str(account.home),
                        "--shell", "/bin/sh", account.name], check=True, capture_output=True, text=True)
        account.home.mkdir(mode=0o700)
        os.chown(account.home, account.uid, account.gid)
        os.chmod(account.home, 0o700)


def remove_accounts(accounts):
    """End every process still running as these users, then delete the users and their groups.

    Returns the names that could not be removed (empty when all went)."""
    left = []
    for account in accounts:
        try:
            uid = account.uid
        except KeyError:
            continue
        _end_processes(uid)
        done = subprocess.run(["userdel", account.name], capture_output=True, text=True)
        if done.returncode not in (0, 6):  # 6: no such user
            left.append(account.name)
    return left


def processes_of(uid):
    """Process ids whose real user id is ``uid``."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path("/proc", entry, "status").read_text()
        except OSError:
            continue
        uids = next((line.split()[1:] for line in status.splitlines() if line.startswith("Uid:")), [])
        if uids and int(uids[0]) == uid:
            pids.append(int(entry))
    return pids


def _end_processes(uid, grace=3.0):
    """SIGTERM, then SIGKILL after ``grace`` seconds, each process of ``uid`` (the demo started them)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_of(uid):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.05)
