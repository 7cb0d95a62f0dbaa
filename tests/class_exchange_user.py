"""Run as one Unix user of a test class (by tests/test_class_demo.py): nbgrader exchange steps with
that role's settings, and an attacker's tries.

``python tests/class_exchange_user.py ETC_DIR CHAPTER`` in the user's home reads one step per line,
``STEP`` or ``STEP=ARG``, and answers each with one line of JSON. A step is
``release``, ``collect``, ``feedback`` (instructor), ``fetch``, ``sign``, ``submit``, ``submit_as=NAME``,
``fetch_feedback`` (learner) or ``attack=JSON`` (paths to try, see :func:`attack`).
"""

import errno
import json
import os
import sys
import traceback
from pathlib import Path

from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory
from traitlets.config import Config

STEPS = {"release": "ReleaseAssignment", "collect": "Collect", "release_feedback": "ReleaseFeedback",
         "fetch": "FetchAssignment", "submit": "Submit", "fetch_feedback": "FetchFeedback"}


def exchange(etc, chapter, step, student=None):
    """One nbgrader exchange step, configured as the role's server would be."""
    config = Config(json.loads(Path(etc, "nbgrader_config.json").read_text()))
    config.CourseDirectory.assignment_id = chapter
    if student:
        config.CourseDirectory.student_id = student
    config.ExchangeCollect.update = True  # collect a newer submission over an older one
    steps = ExchangeFactory(config=config)
    app = getattr(steps, STEPS[step])(coursedir=CourseDirectory(config=config),
                                      authenticator=Authenticator(config=config), config=config)
    app.start()
    return "done"


def feedback(etc, chapter):
    """A feedback page for every collected learner, placed as the demo places them, then released."""
    from tools.class_demo.feedback import place_feedback
    for submitted in sorted(Path("course", "submitted").iterdir()):
        page = Path("grading", "feedback", submitted.name, f"{chapter}.html")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<p>feedback for {submitted.name}</p>")
    place_feedback("course", "grading", chapter)
    return exchange(etc, chapter, "release_feedback")


def sign(chapter):
    """Make the fetched notebook this user's own: a notebook whose only cell names its author."""
    author = Path.home().name
    notebook = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": f"by {author}"}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    Path(chapter, f"{chapter}.ipynb").write_text(json.dumps(notebook))
    return "done"


def _try(action):
    try:
        action()
    except OSError as error:
        return f"refused: {errno.errorcode.get(error.errno, error.errno)}"
    return "ALLOWED"


def attack(targets):
    """Try each way in to another learner's work or the released assignment; ``{try: outcome}``."""
    t = {key: Path(value) for key, value in targets.items()}
    tries = {
        "list the inbound folder": lambda: os.listdir(t["inbound"]),
        "read the other's submitted notebook": lambda: t["submission_notebook"].read_bytes(),
        "read the other's submission secret": lambda: (t["submission"] / "submission_secret.txt").read_bytes(),
        "write into the other's submission": lambda: (t["submission"] / "extra.ipynb").write_text("{}"),
        "delete the other's submitted notebook": lambda: t["submission_notebook"].unlink(),
        "rename the other's submission": lambda: t["submission"].rename(t["inbound"] / "moved"),
        "list the feedback folder": lambda: os.listdir(t["feedback"]),
        "list the other's home": lambda: os.listdir(t["other_home"]),
        "read the other's copy of their secret": lambda: t["other_cache"].read_bytes(),
        "overwrite the released notebook": lambda: t["released"].write_text("{}"),
        "delete the released notebook": lambda: t["released"].unlink(),
        "add a file to the released assignment": lambda: (t["released"].parent / "x.ipynb").write_text("{}"),
        "rename the released assignment": lambda: t["released"].parent.rename(t["released"].parent.with_name("x")),
        "release an assignment of one's own": lambda: (t["released"].parents[1] / "fake").mkdir(),
        "rename the course in the exchange": lambda: t["course"].rename(t["course"].with_name("x")),
    }
    return {name: _try(action) for name, action in tries.items()}


def step(etc, chapter, line):
    """Do one step (``name`` or ``name=argument``); its result."""
    name, _, argument = line.partition("=")
    if name == "attack":
        return attack(json.loads(argument))
    if name == "sign":
        return sign(chapter)
    if name == "feedback":
        return feedback(etc, chapter)
    if name == "submit_as":
        return exchange(etc, chapter, "submit", student=argument)
    return exchange(etc, chapter, name)


def main(etc, chapter):
    """One step per line of standard input, one JSON line of result per step (nbgrader is imported once)."""
    for line in sys.stdin:
        try:
            result = step(etc, chapter, line.strip())
        except Exception:  # noqa: BLE001 (the test reads what went wrong)
            result = {"error": traceback.format_exc()}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
