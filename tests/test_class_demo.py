"""A class on JupyterHub (issue 21, ``make class-demo``).

- The exchange's lock-down, tried by an attacker: real Unix users (root only), the class folder the
  demo lays out and the nbgrader steps its servers run; learner A goes after learner B's
  submission and feedback, submits as B and tampers with the released assignment. Every try fails.
- The demo's settings, ``setup_class`` (a lasting class) and the placing of feedback pages; the
  Kubernetes files are checked in tests/test_class_deploy.py.
- The whole demo (hub, proxy, three servers, sandboxed grading) where it can run. It takes one to
  two minutes on a loaded 2-core machine, so it runs only when asked: CNNCOURSE_CLASS_DEMO=1
  (``make class-demo`` runs the same thing by hand).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tools.class_demo.accounts import (INSTRUCTOR, RUNUSER, create_accounts, plan_accounts, remove_accounts,
                                       root_problem)
from tools.class_demo.class_folder import COURSE, lay_out, nbgrader_settings, prepare_root, server_settings
from tools.class_demo.hub import PROXY, ROOT
from tools.class_demo.namespace import command_prefix

HELPER = Path(__file__).with_name("class_exchange_user.py")
CHAPTER = "01_convolution"
NEEDS_ROOT = pytest.mark.skipif(root_problem() is not None, reason=f"class demo: {root_problem()}")


@pytest.fixture(scope="module")
def attacked():
    """A class with one instructor and learners ada and ben: release; ben fetches and submits; ada
    fetches, submits, attacks and submits as ben; the instructor collects and returns feedback; both
    learners fetch theirs."""
    if root_problem():
        pytest.skip(f"class demo: {root_problem()}")
    folder = prepare_root(tempfile.mkdtemp(prefix="cnncourse-class-test-"))
    accounts = plan_accounts(folder.homes)
    instructor, ada, ben = accounts
    users = {}
    try:
        create_accounts(accounts)
        lay_out(folder, instructor, [])
        release = instructor.home / "course" / "release" / CHAPTER
        release.mkdir(parents=True)
        (release / f"{CHAPTER}.ipynb").write_text(json.dumps(EMPTY_NOTEBOOK))
        for path in [instructor.home / "course", *(instructor.home / "course").rglob("*")]:
            os.chown(path, instructor.uid, instructor.gid)
        users = {account.name: User(account, folder) for account in accounts}
        teacher, a, b = (users[account.name] for account in accounts)
        teacher.do("release")
        b.do("fetch", "sign", "submit")
        inbound = folder.course / "inbound"
        (ben_submission,) = [p for p in inbound.iterdir() if p.name.startswith(ben.name + "+")]
        targets = {
            "inbound": inbound, "submission": ben_submission,
            "submission_notebook": ben_submission / f"{CHAPTER}.ipynb", "feedback": folder.course / "feedback",
            "other_home": ben.home, "other_cache": next(ben.home.rglob("submission_secret.txt")),
            "released": folder.course / "outbound" / CHAPTER / f"{CHAPTER}.ipynb", "course": folder.course,
        }
        genuine = (ben_submission / f"{CHAPTER}.ipynb").read_bytes()
        attacks = a.do("fetch", "sign", "submit", "attack=" + json.dumps({k: str(v) for k, v in targets.items()}),
                       f"submit_as={ben.name}")[3]
        teacher.do("collect", "feedback")
        a.do("fetch_feedback")
        b.do("fetch_feedback")
        collected = instructor.home / "course" / "submitted"
        yield {
            "accounts": accounts, "attacks": attacks, "genuine": genuine,
            "collected": {x.name: (collected / x.name / CHAPTER / f"{CHAPTER}.ipynb").read_bytes() for x in (ada, ben)},
            "inbound": {p.name: p.stat().st_uid for p in inbound.iterdir()},
            "feedback": {x.name: [p.read_text() for p in (x.home / CHAPTER / "feedback").rglob("*.html")]
                         for x in (ada, ben)},
            "released": targets["released"].read_bytes(),
            "processes": {name: user.close() for name, user in users.items()},
        }
    finally:
        for user in users.values():
            user.close()
        remove_accounts(accounts)
        shutil.rmtree(folder.root, ignore_errors=True)


EMPTY_NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


class User:
    """tests/class_exchange_user.py running as one Unix user of the class, in its home."""

    def __init__(self, account, folder):
        self.account = account
        etc = folder.etc("instructor" if account.role == INSTRUCTOR else "learner")
        command = [*command_prefix(), RUNUSER, "-u", account.name, "--", sys.executable, str(HELPER),
                   str(etc), CHAPTER]
        environment = {"HOME": str(account.home), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
                       "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
        self.process = subprocess.Popen(command, cwd=account.home, env=environment, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def do(self, *steps):
        """Each step's result, in order; fails the test on any error."""
        results = []
        for step in steps:
            self.process.stdin.write(step + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
            assert line, f"{self.account.name} {step}: {self.process.stderr.read()[-3000:]}"
            result = json.loads(line)
            assert not (isinstance(result, dict) and "error" in result), f"{self.account.name} {step}: {result}"
            results.append(result)
        return results

    def close(self):
        """End the helper (end of input); its exit status."""
        if self.process.stdin and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            return self.process.wait(timeout=60)
        finally:
            self.process.stdout.close()
            self.process.stderr.close()


@NEEDS_ROOT
def test_learner_cannot_read_tamper_with_or_forge_another_learners_work(attacked):
    assert attacked["attacks"], "no attack was tried"
    allowed = {name: outcome for name, outcome in attacked["attacks"].items() if not outcome.startswith("refused")}
    assert allowed == {}


@NEEDS_ROOT
def test_submission_forged_in_another_learners_name_is_not_collected(attacked):
    ada, ben = (account.name for account in attacked["accounts"][1:])
    forged = [name for name, uid in attacked["inbound"].items()
              if name.startswith(ben + "+") and uid == attacked["accounts"][1].uid]
    assert len(forged) == 1, "the forged submission was not made, so nothing was tested"
    assert attacked["collected"][ben] == attacked["genuine"]
    assert f"by {ben}".encode() in attacked["collected"][ben]
    assert f"by {ada}".encode() in attacked["collected"][ada]


@NEEDS_ROOT
def test_each_learner_fetches_only_their_own_feedback(attacked):
    for account in attacked["accounts"][1:]:
        assert attacked["feedback"][account.name] == [f"<p>feedback for {account.name}</p>"]


@NEEDS_ROOT
def test_released_assignment_is_unchanged(attacked):
    assert json.loads(attacked["released"]) == EMPTY_NOTEBOOK


@NEEDS_ROOT
def test_users_helpers_ended_cleanly(attacked):
    assert set(attacked["processes"].values()) == {0}


def test_each_role_server_loads_only_its_nbgrader_extension():
    learner = server_settings("learner")["ServerApp"]["jpserver_extensions"]
    instructor = server_settings("instructor")["ServerApp"]["jpserver_extensions"]
    assert [name for name, on in learner.items() if on] == ["nbgrader.server_extensions.assignment_list"]
    assert [name for name, on in instructor.items() if on] == ["nbgrader.server_extensions.formgrader"]
    assert learner["jupyterlab"] is False and learner["nbgrader.server_extensions.formgrader"] is False


def test_locked_exchange_steps_are_the_ones_configured():
    folder = prepare_root.__globals__["ClassFolder"](Path("/nowhere"))
    learner, instructor = (nbgrader_settings(role, folder, "/home/t") for role in ("learner", "instructor"))
    assert learner["ExchangeFactory"] == {"submit": "tools.class_demo.locked_exchange.PrivateSubmit"}
    assert instructor["ExchangeFactory"] == {"collect": "tools.class_demo.locked_exchange.OwnerCheckedCollect"}
    assert learner["CourseDirectory"]["course_id"] == instructor["CourseDirectory"]["course_id"] == COURSE
    assert learner["Exchange"]["root"] == "/nowhere/exchange"
    assert instructor["CourseDirectory"]["root"] == "/home/t/course" and "root" not in learner["CourseDirectory"]


DEMO_REASON = ("the whole class demo (JupyterHub, proxy, three servers, sandboxed grading) takes 1-2 min; "
               "run it with CNNCOURSE_CLASS_DEMO=1 or `make class-demo`")


@pytest.mark.skipif(not os.environ.get("CNNCOURSE_CLASS_DEMO"), reason=DEMO_REASON)
def test_class_demo_grades_full_marks_and_zero_and_leaves_nothing_behind():
    if root_problem():
        pytest.skip(f"class demo: {root_problem()}")
    if not PROXY.exists():
        pytest.skip("class demo: JupyterHub's proxy is not installed: npm ci --prefix tools/hub_assets")
    done = subprocess.run([sys.executable, "-m", "tools.class_demo"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    from tools.class_demo.cycle import max_score
    full = max_score(ROOT / "notebooks" / f"{CHAPTER}.ipynb")
    rows = re.findall(r"^(cnn[0-9a-f]{4}-(ada|ben)),01_convolution,([0-9.]+),([0-9.]+),graded\r?$", done.stdout,
                      re.M)  # grades.csv, as the demo prints it
    assert {learner: (float(score), float(top)) for _, learner, score, top in rows} == {
        "ada": (full, full), "ben": (0.0, full)}
    tag = rows[0][0].split("-")[0]
    for table in ("/etc/passwd", "/etc/group"):
        assert not [line for line in Path(table).read_text().splitlines() if line.startswith(tag + "-")]
    (folder,) = set(re.findall(r"Grades \(CSV\): (/\S+?)/home/", done.stdout))
    assert not Path(folder).exists()
    (port,) = re.findall(r"JupyterHub at http://127\.0\.0\.1:([0-9]+)", done.stdout)
    with pytest.raises(ConnectionRefusedError):  # the proxy is gone
        socket.create_connection(("127.0.0.1", int(port)), timeout=5).close()


def test_feedback_is_placed_with_the_submissions_timestamp_and_secret(tmp_path):
    from tools.class_demo.feedback import place_feedback
    course, grading = tmp_path / "course", tmp_path / "grading"
    submitted = course / "submitted" / "ada" / CHAPTER
    submitted.mkdir(parents=True)
    (submitted / f"{CHAPTER}.ipynb").write_text("{}")
    (submitted / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")
    (submitted / "submission_secret.txt").write_text("s3cret")
    for learner in ("ada", "ben"):  # ben's page has no collected submission: not placed
        (grading / "feedback" / learner).mkdir(parents=True)
        (grading / "feedback" / learner / f"{CHAPTER}.html").write_text(f"<p>{learner}</p>")
    assert place_feedback(course, grading, CHAPTER) == ["ada"]
    placed = course / "feedback" / "ada" / CHAPTER
    assert sorted(p.name for p in placed.iterdir()) == [f"{CHAPTER}.html", "submission_secret.txt", "timestamp.txt"]
    assert (placed / "submission_secret.txt").read_text() == "s3cret"
    assert (placed / f"{CHAPTER}.html").read_text() == "<p>ada</p>"
    assert not (course / "feedback" / "ben").exists()


def test_setup_names_a_missing_user():
    from tools.class_demo.setup_class import existing_account
    with pytest.raises(ValueError, match="no Unix user 'no-such-user-cnn'"):
        existing_account("no-such-user-cnn", INSTRUCTOR)


@NEEDS_ROOT
def test_setup_lays_out_a_lasting_class_with_the_locked_exchange(tmp_path):
    from tools.class_demo.setup_class import set_up
    homes = tmp_path / "homes"
    homes.mkdir()
    accounts = plan_accounts(homes)
    try:
        create_accounts(accounts)
        instructor, *learners = accounts
        settings = set_up(tmp_path / "class", instructor.name, [a.name for a in learners], port=9000,
                          chapters=[])
        modes = {path: oct(os.stat(tmp_path / "class" / path).st_mode & 0o7777) for path in
                 ("exchange", "exchange/cnncourse", "exchange/cnncourse/outbound",
                  "exchange/cnncourse/inbound", "exchange/cnncourse/feedback", "hub", "hub/settings.json")}
        assert modes == {"exchange": "0o1777", "exchange/cnncourse": "0o755", "exchange/cnncourse/outbound": "0o755",
                         "exchange/cnncourse/inbound": "0o3733", "exchange/cnncourse/feedback": "0o711",
                         "hub": "0o700", "hub/settings.json": "0o600"}
        assert os.stat(tmp_path / "class" / "exchange" / "cnncourse" / "inbound").st_gid == instructor.gid
        data = json.loads(settings.read_text())
        assert data["ports"] == {"public": 9000, "hub": 9001, "proxy_api": 9002} and "service_token" not in data
        lab = json.loads((tmp_path / "class" / "etc" / "learner" / "jupyter_server_config.json").read_text())
        assert lab["ServerApp"]["jpserver_extensions"]["jupyterlab"] is True
        assert not (tmp_path / "class" / "home").exists()
    finally:
        remove_accounts(accounts)


def _outcome(scores, pages):
    from tools.class_demo.outcome import Outcome
    outcome = Outcome(CHAPTER, 6.0, scores=scores)
    outcome.feedback = pages
    return outcome


def test_demo_passes_only_with_full_marks_zero_and_each_learners_own_feedback():
    from tools.class_demo.outcome import check
    own = {"a": [("f.html", "<p>a: 6 / 6</p>")], "b": [("f.html", "<p>b: 0 / 6</p>")]}
    assert check(_outcome({"a": 6.0, "b": 0.0}, own)) == []
    assert len(check(_outcome({"a": 6.0, "b": 1.0}, own))) == 1
    assert len(check(_outcome({"a": 5.0, "b": 0.0}, own))) == 1
    swapped = {"a": [("f.html", "<p>b: 0 / 6</p>")], "b": [("f.html", "<p>b: 0 / 6</p>")]}
    assert len(check(_outcome({"a": 6.0, "b": 0.0}, swapped))) == 1


def test_namespace_is_needed_only_where_the_python_cannot_be_entered(monkeypatch):
    from tools.class_demo import namespace
    base = Path(tempfile.mkdtemp(dir="/tmp"))  # /tmp and / may be entered by all
    locked = base / "locked"
    (locked / "python").mkdir(parents=True)
    os.chmod(base, 0o755)
    os.chmod(locked, 0o700)
    assert namespace.blocked_ancestor(locked / "python") == locked
    os.chmod(locked, 0o711)
    assert namespace.blocked_ancestor(locked / "python") is None
    shutil.rmtree(base)
    monkeypatch.setenv(namespace.MARKER, "1")
    assert namespace.command_prefix() == []


@NEEDS_ROOT
def test_demo_without_root_says_what_it_needs_and_exits_2():
    done = subprocess.run([*command_prefix(), RUNUSER, "-u", "nobody", "--", sys.executable, "-m", "tools.class_demo"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert done.returncode == 2, done.stderr
    assert "needs root" in done.stderr and "useradd" in done.stderr and "Traceback" not in done.stderr
