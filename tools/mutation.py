"""Mutation testing, one package area at a time: ``python -m tools.mutation AREA`` (``make mutation AREA=...``).

mutmut (pinned in the dev extras) plants one small bug at a time in ``cnncourse/AREA/*.py`` (an
operator, a constant, a condition, a returned value...) and runs the tests that cover it; a test that
fails "kills" the mutant. A mutant that survives is a bug the tests would not see.

- The run happens in a scratch copy (``/tmp/cnncourse-mutation/AREA``, or ``--work``): the package,
  the tests and a generated ``pyproject.toml`` whose ``[tool.mutmut]`` names the area's modules and
  test files. The working tree is not touched.
- :data:`TESTS` maps each module of an area to the test files that exercise it; mutmut runs their
  union once with tracing, then, for each mutant, only the tests that called the mutated function.
  Browser, book and notebook tests are left out (too slow to run per mutant).
- :data:`EQUIVALENT` lists mutants that cannot change any behaviour, each with its reason; they are
  left out of the score.

Prints the score per module (killed / (mutants - equivalent)) and each surviving mutant's diff.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")

# {area: {module: test files}}; "*" is every module of the area not named
TESTS = {
    "shapes": {"*": ["test_shapes.py", "test_digits_models_summary.py", "test_exercise_checks.py",
                     "test_survivors_layer_specs.py"],
               "summary": ["test_digits_models_summary.py", "test_survivors_shapes.py"],
               "parameters": ["test_kernels_data_device.py", "test_exercise_checks.py"]},
    "transfer": {"*": ["test_transfer.py", "test_survivors_transfer_augment.py"],
                 "lite0": ["test_transfer.py", "test_transfer_demos.py"]},
    "training": {"*": ["test_training.py", "test_survivors_training.py", "test_metrics.py"],
                 "callbacks": ["test_training.py", "test_survivors_training.py", "test_survivors_callbacks.py"],
                 "history": ["test_training.py", "test_survivors_callbacks.py"],
                 "distributed": ["test_distributed.py"]},
    "data": {"*": ["test_kernels_data_device.py", "test_augment.py", "test_survivors_transfer_augment.py"],
             "augment": ["test_augment.py", "test_survivors_transfer_augment.py", "test_survivors_augment.py"],
             "textures": ["test_transfer_textures.py"]},
    "functional": {"*": ["test_functional_activations.py", "test_functional_batch_norm.py",
                         "test_functional_conv_backward.py", "test_functional_convolution.py",
                         "test_functional_dropout.py", "test_functional_padding.py", "test_functional_pooling.py",
                         "test_losses.py", "test_regularization.py", "test_conv_transpose.py"]},
    "visualize": {"*": ["test_visualize.py"]},
    "exercises": {"*": ["test_exercise_checks.py", "test_exercise_checks_architectures.py",
                        "test_exercise_checks_beyond.py", "test_exercise_checks_padding.py",
                        "test_exercise_checks_pooling_activations.py", "test_exercise_checks_regularization.py",
                        "test_exercise_checks_training.py", "test_transfer_exercises.py"]},
    "instructor": {"*": ["test_student.py", "test_runner_deadlines.py"]},
}

# {mutant name: why no test can kill it}
EQUIVALENT = {
    "cnncourse.training.callbacks.xǁEarlyStoppingǁ__init____mutmut_21":
        "best_epoch starts at 1 instead of 0: the first epoch always improves on no best and sets it",
    "cnncourse.training.callbacks.xǁEarlyStoppingǁ__init____mutmut_22":
        "waited starts at 1 instead of 0: the first epoch always improves on no best and resets it",
    "cnncourse.shapes.layer_specs.xǁPoolǁ__post_init____mutmut_38":
        "padding > k // 2 or padding > k / 2: the same for a whole padding",
    "cnncourse.shapes.summary.x__recorder__mutmut_9": "parameters(recurse=None): None is false, as False is",
    "cnncourse.shapes.summary.x__recorder__mutmut_10":
        "parameters(recurse=True): only leaf modules are recorded, and a leaf has no sub-module to recurse into",
    "cnncourse.shapes.summary.x_summary__mutmut_33": "torch.empty(1) or empty(0): only its device is read",
    "cnncourse.shapes.summary.x_summary__mutmut_40":
        "a batch of 2 zeros instead of 1: the table shows the batch axis as None, and eval mode mixes no examples",
    "cnncourse.data.augment.xǁRandomHorizontalFlipǁapply__mutmut_5":
        "random() < p or <= p: they differ when random() is exactly p, with probability 2**-53",
    "cnncourse.data.augment.xǁRandomBrightnessContrastǁapply__mutmut_17":
        "+ shift or - shift, shift uniform in [-b, b]: the same distribution of images",
    "cnncourse.data.augment.xǁSaltAndPepperǁapply__mutmut_6": "hit < a/2 or <= a/2: equal with probability 0",
    "cnncourse.data.augment.xǁSaltAndPepperǁapply__mutmut_12": "hit >= a/2 or > a/2: equal with probability 0",
    "cnncourse.data.augment.xǁSaltAndPepperǁapply__mutmut_15": "hit < a or <= a: equal with probability 0",
    "cnncourse.data.augment.xǁSaltAndPepperǁapply__mutmut_16": "salt 2.0 or 1.0: every transform clips to [0, 1]",
    "cnncourse.data.augment.xǁAugmentedDatasetǁ__init____mutmut_21":
        "readings as floats: int() of a whole count is the same seed",
    "cnncourse.data.augment.xǁAugmentedDatasetǁ__init____mutmut_23":
        "readings as floats: int() of a whole count is the same seed",
    "cnncourse.data.augment.xǁAugmentedDatasetǁ__getitem____mutmut_18":
        ".to(None): the transform already gives back the image's dtype",
    "cnncourse.data.augment.xǁRandomCropǁapply__mutmut_5": "rng.integers(n) is rng.integers(0, n), the same draws",
    "cnncourse.data.augment.x__warp__mutmut_66": "rows clipped to -2: index -1 of the padded image is its ring of zeros too",
    "cnncourse.data.augment.x__warp__mutmut_79": "columns clipped to -2: index -1 of the padded image is its ring of zeros too",
    "cnncourse.data.augment.x__warp__mutmut_27": "reshape(-2, 2): NumPy 2.4 reads any negative size as 'the rest'",
    "cnncourse.data.augment.x__warp__mutmut_44": "a second ring row of zeros past index h: indices are clipped to -1..h",
    "cnncourse.data.augment.x__warp__mutmut_46": "a second ring column of zeros past index w: indices are clipped to -1..w",
}

STATUS = re.compile(r"^\s*(\S+__mutmut_\d+): (.+)$")


def test_files(area, modules=None):
    """The test files of the area's ``modules`` (default: all of them), checked to exist."""
    table = TESTS[area]
    chosen = modules or [*table, "*"]
    files = sorted({f for m in chosen for f in table.get(m, table["*"])})
    missing = [f for f in files if not (ROOT / "tests" / f).exists()]
    if missing:
        sys.exit(f"mutation: tests/{missing[0]} (listed for {area} in tools/mutation.py) does not exist")
    return files


def prepare(area, work, modules=None, resume=False):
    """A fresh scratch copy of the package and tests in ``work``, with mutmut's configuration
    (``resume``: keep mutmut's results there; it tests again what changed, and what it had not tested)."""
    unknown = [m for m in modules or [] if not (ROOT / "cnncourse" / area / f"{m}.py").exists()]
    if unknown:
        sys.exit(f"mutation: cnncourse/{area}/{unknown[0]}.py does not exist")
    if work.exists() and not resume:
        shutil.rmtree(work)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("cnncourse", "tests"):
        shutil.copytree(ROOT / folder, work / folder, ignore=ignore, dirs_exist_ok=True)
    tests = ", ".join(f'"tests/{f}"' for f in test_files(area, modules))
    mutated = ", ".join(f'"cnncourse/{area}/{m}.py"' for m in modules) if modules else f'"cnncourse/{area}/*"'
    (work / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\naddopts = \"-p no:cacheprovider -p no:randomly\"\n\n"
        "[tool.mutmut]\n"
        'source_paths = ["cnncourse"]\n'
        f"only_mutate = [{mutated}]\n"
        f"pytest_add_cli_args_test_selection = [{tests}]\n"
        'pytest_add_cli_args = ["-q", "-x", "-n", "0"]\n'
        'process_isolation = "forkserver"\n',  # torch's thread pools do not survive a plain fork
        encoding="utf-8")


def module_of(mutant):
    """'cnncourse.shapes.network.xǁ...__mutmut_3' -> 'network'."""
    return mutant.split(".")[2]


def results(work):
    """{mutant name: status} as mutmut reports them (killed, survived, no tests, timeout, ...)."""
    out = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=work, capture_output=True, text=True)
    return {m.group(1): m.group(2).strip() for m in map(STATUS.match, out.stdout.splitlines()) if m}


def report(area, statuses, work, show=True):
    """Print the score per module and the survivors; return the area's (killed, counted)."""
    by_module = defaultdict(Counter)
    for mutant, status in statuses.items():
        by_module[module_of(mutant)]["equivalent" if mutant in EQUIVALENT else status] += 1
    print(f"\nmutation score of cnncourse/{area}/ (killed / mutants not equivalent):")
    total = Counter()
    for module, counts in sorted(by_module.items()):
        counted = sum(n for s, n in counts.items() if s != "equivalent")
        killed = counts["killed"] + counts["timeout"]
        total["killed"] += killed
        total["counted"] += counted
        others = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s not in ("killed", "timeout"))
        print(f"  {module:24s} {killed:4d}/{counted:<4d} {100 * killed / max(counted, 1):5.1f}%  {others}")
    print(f"  {'all':24s} {total['killed']:4d}/{total['counted']:<4d} "
          f"{100 * total['killed'] / max(total['counted'], 1):5.1f}%")
    alive = sorted(m for m, s in statuses.items() if s not in ("killed", "timeout") and m not in EQUIVALENT)
    if alive:
        print(f"\n{len(alive)} surviving mutants:")
    for mutant in alive:
        print(f"--- {mutant} ({statuses[mutant]})")
        if show:
            diff = subprocess.run([str(MUTMUT), "show", mutant], cwd=work, capture_output=True, text=True).stdout
            print("\n".join(line for line in diff.splitlines() if line.startswith(("-", "+")) and
                            not line.startswith(("---", "+++"))))
    excluded = sorted(m for m in statuses if m in EQUIVALENT)
    for mutant in excluded:
        print(f"equivalent, not counted: {mutant}: {EQUIVALENT[mutant]}")
    return total["killed"], total["counted"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("area", choices=sorted(TESTS))
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default /tmp/cnncourse-mutation/AREA)")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at once")
    parser.add_argument("--modules", default=None,
                        help="only these modules of the area, comma-separated (e.g. callbacks,history)")
    parser.add_argument("--resume", action="store_true", help="go on with the last run: the mutants not tested yet, and the survivors again (with the "
                             "tests that covered them then: a new test file is tried only in a fresh run)")
    parser.add_argument("--report-only", action="store_true", help="print the last run's results again")
    args = parser.parse_args(argv)
    work = args.work or Path("/tmp/cnncourse-mutation") / args.area
    if not MUTMUT.exists():
        sys.exit("mutation: mutmut is not installed in this environment: pip install -e '.[dev]'")
    if not args.report_only:
        prepare(args.area, work, args.modules.split(",") if args.modules else None, args.resume)
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # one core per mutant
        command = [str(MUTMUT), "run", "--max-children", str(args.max_children)]
        run = subprocess.run(command, cwd=work, env=env)
        alive = [m for m, s in results(work).items() if s == "survived"] if args.resume else []
        if run.returncode == 0 and alive:  # mutmut keeps a survivor's verdict though the tests changed
            run = subprocess.run(command + alive, cwd=work, env=env)
        if run.returncode != 0:
            sys.exit(f"mutation: mutmut failed (exit status {run.returncode}); see above")
    statuses = results(work)
    if not statuses:
        sys.exit(f"mutation: mutmut reported no mutants in {work}")
    report(args.area, statuses, work)


if __name__ == "__main__":
    main()
