"""``python -m tools.class_demo [--workers N]``: run the class demo (see :mod:`tools.class_demo.demo`).

Exit status 0 only when the learner who solved the chapter got full marks, the one who handed it in
blank got zero, each fetched only their own feedback, and nothing was left behind.
"""

import argparse
import os
import signal
import sys

from .accounts import root_problem
from .demo import CannotRun, run_demo
from .hub import HubError
from .namespace import command_prefix


def check(outcome):
    """Lines saying what is wrong with the outcome (empty when the grades are right)."""
    problems = []
    names = list(outcome.feedback)
    expected = {name: outcome.max_score if i == 0 else 0.0 for i, name in enumerate(names)}
    for name, score in expected.items():
        if outcome.scores.get(name) != score:
            problems.append(f"{name} scored {outcome.scores.get(name)}, expected {score:g}")
        pages = outcome.feedback[name]
        if len(pages) != 1 or name not in pages[0][1] or any(other in pages[0][1] for other in names if other != name):
            problems.append(f"{name} did not fetch exactly their own feedback page: {[p for p, _ in pages]}")
    return problems + [f"a learner's token opened another's server: {r}" for r in outcome.reached]


def _terminate(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main(argv=None):
    parser = argparse.ArgumentParser(description="A class on JupyterHub on this machine, end to end.")
    parser.add_argument("--workers", type=int, default=1, help="sandboxes grading at once (default 1)")
    args = parser.parse_args(argv)
    wrapper = command_prefix() if root_problem() is None else []
    if wrapper:  # the learners cannot run this Python where it is: run in a namespace where they can
        os.execvp(wrapper[0], [*wrapper, sys.executable, "-m", "tools.class_demo", *sys.argv[1:]])
    signal.signal(signal.SIGTERM, _terminate)
    try:
        outcome, leftovers = run_demo(workers=args.workers)
    except CannotRun as error:
        print(f"class demo: {error}", file=sys.stderr)
        return 2
    except HubError as error:
        print(f"class demo failed: {error}", file=sys.stderr)
        return 1
    print("\nGradebook (grades.csv):\n" + outcome.gradebook)
    rss = outcome.seconds.pop("learner_server_rss")
    print(", ".join(f"{key.replace('_', ' ')}: {value:.1f} s" for key, value in outcome.seconds.items())
          + f"; one learner's server: {rss / 2 ** 20:.0f} MiB resident")
    problems = check(outcome) + [f"left behind: {item}" for item in leftovers]
    for line in problems:
        print(f"WRONG: {line}", file=sys.stderr)
    if not outcome.reached:
        print("Each learner's token was refused by every other person's server.")
    print("Nothing left behind: hub, proxy and servers stopped; users and folders removed."
          if not leftovers else "")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
