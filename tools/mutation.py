"""Mutation testing, one package area at a time: ``python -m tools.mutation AREA`` (``make mutation AREA=...``).

mutmut (pinned in the dev extras) plants one small bug at a time in ``cnncourse/AREA/*.py`` (an
operator, a constant, a condition, a returned value...) and runs the tests that cover it; a test that
fails "kills" the mutant. A mutant that survives is a bug the tests would not see.

- The run happens in a scratch copy (``/tmp/cnncourse-mutation/AREA``, or ``--work``): the package,
  the tests and a generated ``pyproject.toml`` whose ``[tool.mutmut]`` names the area's modules and
  test files. The working tree is not touched.
- ``tools/mutation_areas/AREA.toml`` maps each module of the area to the test files that exercise
  it (``[tests]``); mutmut runs their union once with tracing, then, for each mutant, only the tests
  that called the mutated function. Browser, book and notebook tests are left out (too slow to run
  per mutant). Its ``[equivalent]`` table lists the mutants that cannot change any behaviour, each
  with its reason; they are left out of the score.

Prints the score per module (killed / (mutants - equivalent)) and each surviving mutant's diff.
``--sample F`` tests a seeded random fraction F of each module's mutants and prints the score with its
95% interval: for areas whose exhaustive run takes hours (exercises/ has about 7,500 mutants).
"""

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")

AREAS = ROOT / "tools" / "mutation_areas"


def area_config(area):
    """``tools/mutation_areas/AREA.toml``: ``tests`` ({module: test files}; "*" is every module not
    named) and ``equivalent`` ({mutant name: why no test can kill it})."""
    with open(AREAS / f"{area}.toml", "rb") as file:
        config = tomllib.load(file)
    return config["tests"], config.get("equivalent", {})


STATUS = re.compile(r"^\s*(\S+__mutmut_\d+): (.+)$")


def test_files(area, modules=None):
    """The test files of the area's ``modules`` (default: all of them), checked to exist."""
    table, _ = area_config(area)
    chosen = modules or [*table, "*"]
    files = sorted({f for m in chosen for f in table.get(m, table["*"])})
    missing = [f for f in files if not (ROOT / "tests" / f).exists()]
    if missing:
        sys.exit(f"mutation: tests/{missing[0]} (listed in tools/mutation_areas/{area}.toml) does not exist")
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


def all_mutants(work):
    """Every mutant mutmut will plant in ``work``'s mutated files, by name (mutmut's own generator)."""
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    here = Path.cwd()
    os.chdir(work)  # mutmut reads its configuration from the working directory
    try:
        from mutmut.configuration import config
        names = []
        for path in sorted(Path("cnncourse").rglob("*.py")):
            if config().should_mutate(path):
                mutated = mutate_file_contents(str(path), path.read_text(encoding="utf-8"))
                names += [get_mutant_name(path, name) for name in mutated.mutant_names]
        return names
    finally:
        os.chdir(here)


def sample(names, fraction, seed):
    """About ``fraction`` of ``names`` from each module (at least one), drawn with a generator seeded
    by ``seed`` and the module's name: a module's sample does not depend on which others are run."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    by_module = defaultdict(list)
    for name in sorted(names):
        by_module[module_of(name)].append(name)
    return sorted(m for module, group in by_module.items()
                  for m in random.Random(f"{seed}:{module}").sample(group, max(1, round(fraction * len(group)))))


def interval(killed, counted, z=1.96):
    """The 95% Wilson interval of a score estimated from ``counted`` sampled mutants, in percent."""
    p = killed / counted
    centre = (p + z * z / (2 * counted)) / (1 + z * z / counted)
    half = z * math.sqrt(p * (1 - p) / counted + z * z / (4 * counted * counted)) / (1 + z * z / counted)
    return 100 * (centre - half), 100 * (centre + half)


def run_isolated(work, names, children, env):
    """Test each of ``names`` as mutmut does (the tests it traced into the mutated function, run with
    ``MUTANT_UNDER_TEST`` set, in the scratch copy's ``mutants/`` folder), but each test run in a
    session of its own: for mutants that kill their own process group, and with it mutmut, whose
    test runs are forked children of itself. The verdicts go into mutmut's results."""
    def verdict(name):
        tests = subprocess.run([str(MUTMUT), "tests-for-mutant", name], cwd=work, capture_output=True,
                               text=True).stdout.split()
        if not tests:
            return name, 33  # mutmut's code for "no tests"
        with tempfile.TemporaryDirectory() as scratch:  # apart from the run beside it
            command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", "-n", "0",
                       f"--basetemp={scratch}/pytest", *tests]
            try:
                run = subprocess.run(command, cwd=work / "mutants", env={**env, "MUTANT_UNDER_TEST": name},
                                     capture_output=True, timeout=600, start_new_session=True)
            except subprocess.TimeoutExpired:
                return name, 36  # "timeout"
        return name, {0: 0, 5: 5}.get(run.returncode, 1)  # survived, no tests, or killed

    with ThreadPoolExecutor(children) as pool:
        verdicts = dict(pool.map(verdict, names))
    for meta in (work / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        data["exit_code_by_key"].update({k: v for k, v in verdicts.items() if k in data["exit_code_by_key"]})
        meta.write_text(json.dumps(data, indent=4), encoding="utf-8")


def module_of(mutant):
    """'cnncourse.shapes.network.xǁ...__mutmut_3' -> 'network'."""
    return mutant.split(".")[2]


def results(work):
    """{mutant name: status} as mutmut reports them (killed, survived, no tests, timeout, ...)."""
    out = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=work, capture_output=True, text=True)
    return {m.group(1): m.group(2).strip() for m in map(STATUS.match, out.stdout.splitlines()) if m}


def report(area, statuses, work, show=True, sampled=None):
    """Print the score per module and the survivors; return the area's (killed, counted).
    ``sampled``: the number of mutants ``statuses`` were drawn from, for the interval."""
    _, equivalent = area_config(area)
    by_module = defaultdict(Counter)
    for mutant, status in statuses.items():
        by_module[module_of(mutant)]["equivalent" if mutant in equivalent else status] += 1
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
    if sampled and total["counted"]:
        low, high = interval(total["killed"], total["counted"])
        print(f"  a sample of {len(statuses)} of {sampled} mutants: 95% interval of the area's score "
              f"{low:.1f}% to {high:.1f}%")
    alive = sorted(m for m, s in statuses.items() if s not in ("killed", "timeout") and m not in equivalent)
    if alive:
        print(f"\n{len(alive)} surviving mutants:")
    for mutant in alive:
        print(f"--- {mutant} ({statuses[mutant]})")
        if show:
            diff = subprocess.run([str(MUTMUT), "show", mutant], cwd=work, capture_output=True, text=True).stdout
            print("\n".join(line for line in diff.splitlines() if line.startswith(("-", "+")) and
                            not line.startswith(("---", "+++"))))
    excluded = sorted(m for m in statuses if m in equivalent)
    for mutant in excluded:
        print(f"equivalent, not counted: {mutant}: {equivalent[mutant]}")
    return total["killed"], total["counted"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("area", choices=sorted(f.stem for f in AREAS.glob("*.toml")))
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default /tmp/cnncourse-mutation/AREA)")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at once")
    parser.add_argument("--modules", default=None,
                        help="only these modules of the area, comma-separated (e.g. callbacks,history)")
    parser.add_argument("--resume", action="store_true", help="go on with the last run: the mutants not tested yet, and the survivors again (with the "
                             "tests that covered them then: a new test file is tried only in a fresh run)")
    parser.add_argument("--report-only", action="store_true", help="print the last run's results again")
    parser.add_argument("--sample", type=float, default=None,
                        help="test only this fraction of each module's mutants (e.g. 0.1), drawn at random")
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed")
    parser.add_argument("--isolated", action="store_true",
                        help="with --resume of a sample: test each mutant left in a session of its own "
                             "(for mutants that kill their own process group, and mutmut with it)")
    args = parser.parse_args(argv)
    if args.isolated and not args.resume:
        parser.error("--isolated goes with --resume: it finishes a sampled run that mutmut could not")
    if args.sample is not None and not 0 < args.sample <= 1:
        parser.error(f"--sample must be a fraction in (0, 1], got {args.sample}")
    work = args.work or Path("/tmp/cnncourse-mutation") / args.area
    if not MUTMUT.exists():
        sys.exit("mutation: mutmut is not installed in this environment: pip install -e '.[dev]'")
    if not args.report_only:
        prepare(args.area, work, args.modules.split(",") if args.modules else None, args.resume)
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # one core per mutant
        command = [str(MUTMUT), "run", "--max-children", str(args.max_children)]
        saved = work / "sample.txt"
        if args.sample:
            population = all_mutants(work)
            chosen = sample(population, args.sample, args.seed)
            saved.write_text(f"{len(population)}\n" + "\n".join(chosen) + "\n", encoding="utf-8")
            run = subprocess.run(command + chosen, cwd=work, env=env)
        elif args.resume and saved.exists():  # the sample's mutants not killed yet, survivors included
            done = results(work)
            left = [m for m in saved.read_text(encoding="utf-8").split()[1:]
                    if done.get(m) not in ("killed", "timeout")]
            if args.isolated:
                run_isolated(work, left, args.max_children, env)
                run = subprocess.CompletedProcess([], 0)
            else:
                run = subprocess.run(command + left, cwd=work, env=env) if left else subprocess.CompletedProcess([], 0)
        else:
            run = subprocess.run(command, cwd=work, env=env)
            alive = [m for m, s in results(work).items() if s == "survived"] if args.resume else []
            if run.returncode == 0 and alive:  # mutmut keeps a survivor's verdict though the tests changed
                run = subprocess.run(command + alive, cwd=work, env=env)
        if run.returncode != 0:
            sys.exit(f"mutation: mutmut failed (exit status {run.returncode}); see above")
    statuses = results(work)
    sampled = None
    if (work / "sample.txt").exists():  # a sampled run: only the sample counts
        population, *chosen = (work / "sample.txt").read_text(encoding="utf-8").split()
        statuses, sampled = {m: statuses[m] for m in chosen if m in statuses}, int(population)
    if not statuses:
        sys.exit(f"mutation: mutmut reported no mutants in {work}")
    report(args.area, statuses, work, sampled=sampled)


if __name__ == "__main__":
    main()
