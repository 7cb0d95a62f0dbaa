"""The exchange on Kubernetes, where every learner's server runs as the same user (uid 1000).

There, Unix permissions cannot keep learners apart, so mounts do (deploy/z2jh/values.yaml): a
learner's pod sees the course's ``outbound/`` read-only, and only its own ``inbound/<user>/`` and
``feedback/<user>/`` (subPath mounts) where nbgrader expects ``inbound/`` and ``feedback/``.
nbgrader's own fetch, submit and fetch_feedback work unchanged in the pods; nbgrader's collect and
release_feedback do not know the per-learner folders, so the grading Job uses these two steps:

- ``collect COURSE ASSIGNMENT TARGET``: each learner's newest submission of ASSIGNMENT, copied to
  ``TARGET/<user>/<assignment>/`` (nbgrader's collected layout, which ``make grade`` reads);
- ``feedback COURSE ASSIGNMENT GRADING``: ``GRADING/feedback/<user>/<notebook>.html`` (from ``make
  grade``) put where that learner's nbgrader fetch_feedback looks: ``feedback/<user>/<hash>.html``,
  the hash made from the submission's secret as nbgrader makes it.
"""

import argparse
import hashlib
import re
import shutil
import sys
from pathlib import Path

USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")


def newest_submissions(course, assignment):
    """``{user: newest submission folder}`` under ``course/inbound/<user>/``; a folder counts only
    when it is named ``<user>+<assignment>+<timestamp>[+<random>]`` for the learner it lies under."""
    newest = {}
    for learner in sorted(Path(course, "inbound").iterdir()):
        if learner.is_symlink() or not learner.is_dir() or not USER.fullmatch(learner.name):
            continue
        found = []
        for submission in learner.iterdir():
            parts = submission.name.split("+")
            if (not submission.is_symlink() and submission.is_dir() and len(parts) in (3, 4)
                    and parts[0] == learner.name and parts[1] == assignment):
                found.append((parts[2], submission))
        if found:
            newest[learner.name] = max(found)[1]
    return newest


def collect(course, assignment, target):
    """Copy each learner's newest submission to ``target/<user>/<assignment>/``; the users collected."""
    collected = []
    for user, submission in newest_submissions(course, assignment).items():
        destination = Path(target, user, assignment)
        shutil.rmtree(destination, ignore_errors=True)
        shutil.copytree(submission, destination, symlinks=True)
        collected.append(user)
    return collected


def feedback_name(secret, notebook_id):
    """The file name nbgrader's fetch_feedback looks for: md5 of the submission's secret and notebook id."""
    return hashlib.md5(secret.encode() + notebook_id.encode()).hexdigest() + ".html"


def return_feedback(course, assignment, grading):
    """Put every feedback page of ``grading/feedback/<user>/`` into ``course/feedback/<user>/``
    under the name its learner's nbgrader looks for; the pages put."""
    put = []
    for user, submission in newest_submissions(course, assignment).items():
        secret = (submission / "submission_secret.txt").read_text()
        for page in sorted(Path(grading, "feedback", user).glob("*.html")):
            if (submission / f"{page.stem}.ipynb").exists():
                destination = Path(course, "feedback", user, feedback_name(secret, page.stem))
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(page, destination)
                put.append(destination)
    return put


def main(argv=None):
    parser = argparse.ArgumentParser(description="Collect submissions / return feedback on Kubernetes.")
    parser.add_argument("step", choices=["collect", "feedback"])
    parser.add_argument("course", help="the course folder in the exchange volume (outbound, inbound, feedback)")
    parser.add_argument("assignment", help="assignment id, e.g. 01_convolution")
    parser.add_argument("folder", help="collect: where to copy the submissions; feedback: make grade's output")
    args = parser.parse_args(argv)
    if args.step == "collect":
        done = collect(args.course, args.assignment, args.folder)
    else:
        done = return_feedback(args.course, args.assignment, args.folder)
    print(f"{args.step}: {len(done)} " + ("learners" if args.step == "collect" else "pages"))
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
