"""``make class-demo``: a class on this machine, from nothing to graded feedback and back to nothing.

Creates one instructor and two learners (real Unix users), the class folder and its locked
exchange (:mod:`tools.class_demo.class_folder`), starts JupyterHub on 127.0.0.1 and each person's
server through the hub's REST API, runs one chapter's cycle (:mod:`tools.class_demo.cycle`), prints
the gradebook, and removes every process, user and folder it made, whatever happened.
"""

import os
import shutil
import tempfile
import time
from pathlib import Path

from cnncourse.instructor.sandbox import bwrap_problem

from .accounts import create_accounts, plan_accounts, processes_of, remove_accounts, root_problem
from .class_folder import lay_out, prepare_root
from .cycle import Person, run_cycle
from .hub import PROXY, ROOT, Hub, HubError

CHAPTER = ROOT / "notebooks" / "01_convolution.ipynb"


class CannotRun(RuntimeError):
    """This machine lacks something the demo needs; the message says what."""


def problem():
    """None when the demo can run here, else what it needs."""
    if root_problem():
        return root_problem()
    if not PROXY.exists():
        return (f"The class demo needs JupyterHub's proxy, installed locally by npm: "
                f"npm ci --prefix {PROXY.parents[2].relative_to(ROOT)} (make class-demo does it).")
    sandbox = bwrap_problem()
    if sandbox:
        return f"The class demo grades in the course's sandbox: {sandbox}"
    return None


def start_servers(hub, people, timeout=120):
    """Ask the hub, as each person, to start that person's server; wait until all are ready."""
    for person in people:
        person.api.call("POST", f"/hub/api/users/{person.name}/server")
    deadline = time.monotonic() + timeout
    waiting = list(people)
    while waiting:
        person = waiting[0]
        model = person.api.call("GET", f"/hub/api/users/{person.name}")
        server = model.get("servers", {}).get("")
        if server and server.get("ready"):
            waiting.pop(0)
        elif time.monotonic() > deadline:
            raise HubError(f"the server of {person.name} did not start in {timeout} s:\n{hub.log_tail()}")
        else:
            time.sleep(0.2)


def others_reach(people):
    """``["a -> b", ...]``: each time a learner's token opened someone else's server (should be none)."""
    reached = []
    for person in people[1:]:
        for other in people:
            if other is not person:
                try:
                    person.api.call("GET", f"/user/{other.name}/api/contents")
                    reached.append(f"{person.name} -> {other.name}")
                except HubError:
                    pass
    return reached


def server_memory(person):
    """Resident memory (bytes) of every process running as this person (their server)."""
    total = 0
    for pid in processes_of(person.account.uid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) * 1024 for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)
    return total


def run_demo(out=print, workers=1):
    """Run the whole class once; returns ``(outcome, leftovers)``: the :class:`~tools.class_demo.cycle.Outcome`
    and a list of what could not be removed (empty when nothing is left)."""
    need = problem()
    if need:
        raise CannotRun(need)
    root = Path(tempfile.mkdtemp(prefix="cnncourse-class-"))
    folder = prepare_root(root)
    accounts = plan_accounts(folder.homes)
    hub = None
    try:
        create_accounts(accounts)
        instructor, *learners = accounts
        lay_out(folder, instructor, [CHAPTER])
        hub = Hub(folder, instructor.name, [a.name for a in learners])
        started = time.monotonic()
        hub.start()
        out(f"JupyterHub at {hub.url}: instructor {instructor.name}, learners "
            f"{', '.join(a.name for a in learners)}")
        people = [Person(account, hub.api(hub.user_token(account.name))) for account in accounts]
        start_servers(hub, people)
        out(f"hub and 3 servers up in {time.monotonic() - started:.1f} s")
        outcome = run_cycle(people[0], people[1:], CHAPTER, folder.source, workers=workers, out=out)
        outcome.server_memory = server_memory(people[1])
        outcome.reached = others_reach(people)
        return outcome, _clean(hub, accounts, root)
    except BaseException:
        if hub and hub.process:
            out(f"--- last lines of the hub's log ---\n{hub.log_tail()}")
        _clean(hub, accounts, root)
        raise


def _clean(hub, accounts, root):
    """Stop the hub (proxy and servers with it), remove users and the folder; what is left over."""
    if hub:
        hub.stop()
    left = [f"user {name}" for name in remove_accounts(accounts)]
    shutil.rmtree(root, ignore_errors=True)
    if os.path.exists(root):
        left.append(f"folder {root}")
    return left
