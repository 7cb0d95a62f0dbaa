"""``python -m tools.class_demo [--workers N]``: run the class demo (see :mod:`tools.class_demo.demo`).

Exit status 0 only when the learner who solved the chapter got full marks, the one who handed it in
blank got zero, each fetched only their own feedback, and nothing was left behind.
"""

import argparse
import os
import signal
import sys

from .accounts import root_problem
from .namespace import command_prefix
from .outcome import check


def _terminate(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main(argv=None):
    parser = argparse.ArgumentParser(description="A class on JupyterHub on this machine, end to end.")
    parser.add_argument("--workers", type=int, default=1, help="sandboxes grading at once (default 1)")
    args = parser.parse_args(argv)
    if root_problem():  # said before the heavy imports
        print(f"class demo: {root_problem()}", file=sys.stderr)
        return 2
    wrapper = command_prefix()
    if wrapper:  # the learners cannot run this Python where it is: run in a namespace where they can
        os.execvp(wrapper[0], [*wrapper, sys.executable, "-m", "tools.class_demo",
                               *(sys.argv[1:] if argv is None else argv)])
    signal.signal(signal.SIGTERM, _terminate)
    from .demo import CannotRun, run_demo
    from .hub import HubError
    try:
        outcome, leftovers = run_demo(workers=args.workers)
    except CannotRun as error:
        print(f"class demo: {error}", file=sys.stderr)
        return 2
    except HubError as error:
        print(f"class demo failed: {error}", file=sys.stderr)
        return 1
    print("\nGradebook (grades.csv):\n" + outcome.gradebook)
    print(", ".join(f"{key.replace('_', ' ')}: {value:.1f} s" for key, value in outcome.seconds.items())
          + f"; one learner's server: {outcome.server_memory / 2 ** 20:.0f} MiB resident")
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
