"""Run every benchmark: ``python -m benchmarks [--quick] [NAME ...]`` (``make bench``).

Each benchmark prints its results as medians and ratios against a baseline timed in the same
run; a summary table (benchmark, figure, target, met) closes the run. A benchmark that cannot run
here (a missing system package) is listed as skipped; one that crashes is listed as crashed and
makes the run exit with status 1. ``--quick`` runs each once on tiny sizes (``make test`` does).
"""

import argparse
import os
import sys
import traceback

BENCHMARKS = ["conv2d", "kernel_explorer", "arithmetic_widget", "pooling_activation_widgets",
              "browser_widgets", "training", "batch_norm", "models", "transfer", "visualize",
              "live_trainer", "notebooks"]


def run_all(names, out=sys.stdout):
    """Run the benchmarks ``names``; return ``[(name, status)]`` (status: "ran", "skipped: ...",
    "crashed: ...")."""
    import importlib
    import time

    from .timing import Unavailable

    statuses = []
    for name in names:
        print(f"\n== bench_{name} ==", flush=True)
        start = time.monotonic()
        try:
            importlib.import_module(f"benchmarks.bench_{name}").run()
            statuses.append((name, "ran"))
            print(f"(bench_{name}: {time.monotonic() - start:.0f} s)", flush=True)
        except Unavailable as why:
            print(f"skipped: {why}", flush=True)
            statuses.append((name, f"skipped: {why}"))
        except Exception as error:  # noqa: BLE001 - report it and go on with the others
            traceback.print_exc()
            first_line = (str(error).strip().splitlines() or [""])[0]
            statuses.append((name, f"crashed: {type(error).__name__}: {first_line}"))
    return statuses


def summary(statuses, results):
    """The closing table: one row per result line, and one per benchmark that did not run."""
    rows = [("benchmark", "figure", "target", "met")]
    rows += [(r.name, r.figure, r.target, "yes" if r.met else "NO") for r in results]
    rows += [(f"bench_{name}", status, "-", "-") for name, status in statuses if status != "ran"]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    ran = sum(status == "ran" for _, status in statuses)
    met = sum(r.met for r in results)
    lines.append(f"{ran} of {len(statuses)} benchmarks ran; {met} of {len(results)} targets met")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="once, on tiny sizes (a smoke test)")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    if args.quick:
        os.environ["CNNCOURSE_BENCH_QUICK"] = "1"  # before the benchmarks import timing
    from .timing import RESULTS

    statuses = run_all(args.names or BENCHMARKS)
    print("\n== summary ==")
    print(summary(statuses, RESULTS), flush=True)
    return 1 if any(status.startswith("crashed") for _, status in statuses) else 0


if __name__ == "__main__":
    sys.exit(main())
