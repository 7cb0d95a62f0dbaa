"""How strong are the exercise checks? Mutate each reference solution and count the mutants they reject.

``python -m tools.check_strength [--draws N] [--exercise NAME]`` prints one row per exercise and one
per chapter: mutants of the notebook's solution cell (small AST edits: an operator, a comparison, a
constant +-1, a boolean flipped, a condition negated, a statement dropped, a term dropped, a sign
dropped, a method swapped for its opposite: max/min, mean/sum, eval/train, no_grad/enable_grad...),
how many change the results on
random inputs (the exercise's run step on its public cases and on ``N`` hidden draws of other
secrets), and how many of those the check (public and hidden cases of one more secret) rejects. A
mutant that raises or runs past a few seconds counts as changed and rejected, as the grader would
score it.
"""

import argparse
import ast
import copy
import functools
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np

from cnncourse.exercises import EXERCISES
from cnncourse.exercises.exercise import Learner, decode, encode, result_record
from cnncourse.instructor.grade import read_chapter
from cnncourse.instructor.nbgrader_course import chapter_notebooks
from cnncourse.threads import one_thread

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PRELUDE = "import os\nimport numpy as np\nimport torch\nfrom torch import nn\n"
CHECK_SECRET = "check strength"
SECONDS = 5
OPERATORS = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div, ast.Add], ast.Div: [ast.Mult, ast.FloorDiv],
             ast.FloorDiv: [ast.Div], ast.Pow: [ast.Mult], ast.Mod: [ast.FloorDiv]}
COMPARISONS = {ast.Lt: [ast.LtE, ast.Gt], ast.LtE: [ast.Lt], ast.Gt: [ast.GtE, ast.Lt], ast.GtE: [ast.Gt],
               ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq]}
SWAPS = {"max": "min", "min": "max", "amax": "amin", "mean": "sum", "sum": "mean", "argmax": "argmin",
         "maximum": "minimum", "minimum": "maximum", "abs": "negative", "relu": "tanh", "eval": "train",
         "train": "eval", "no_grad": "enable_grad", "in_features": "out_features", "exists": "isdir"}


@dataclass
class Strength:
    """One exercise's score: mutants made, mutants that change results, changed mutants rejected."""

    check: str
    chapter: int
    mutants: int = 0
    changed: int = 0
    killed: int = 0

    @property
    def score(self):
        return self.killed / self.changed if self.changed else 1.0


def mutants(source):
    """Every single-edit mutant of ``source``, as source text (skipping the ones that do not compile)."""
    tree = ast.parse(source)
    spots = [(index, node) for index, node in enumerate(ast.walk(tree))]
    found = []
    for index, node in spots:
        for edit in _edits(node):
            mutant = copy.deepcopy(tree)
            target = next(n for i, n in enumerate(ast.walk(mutant)) if i == index)
            replaced = edit(target)
            if replaced is not None:
                mutant = _replace(mutant, target, replaced)
            try:
                text = ast.unparse(ast.fix_missing_locations(mutant))
                compile(text, "<mutant>", "exec")
            except (SyntaxError, ValueError, TypeError):
                continue
            found.append(text)
    return list(dict.fromkeys(text for text in found if text != ast.unparse(tree)))


def _edits(node):
    """Edits of one node: functions that change it in place (returning None) or return its replacement."""
    edits = []
    if isinstance(node, ast.BinOp):
        for op in OPERATORS.get(type(node.op), []):
            edits.append(lambda n, op=op: setattr(n, "op", op()))
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            edits += [lambda n: n.left, lambda n: n.right]  # a term dropped
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        for op in COMPARISONS.get(type(node.ops[0]), []):
            edits.append(lambda n, op=op: setattr(n, "ops", [op()]))
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        edits += [lambda n: setattr(n, "value", n.value + 1), lambda n: setattr(n, "value", n.value - 1)]
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        edits.append(lambda n: n.operand)
    elif isinstance(node, ast.Constant) and type(node.value) is bool:
        edits.append(lambda n: setattr(n, "value", not n.value))
    elif isinstance(node, ast.Attribute) and node.attr in SWAPS:
        edits.append(lambda n: setattr(n, "attr", SWAPS[n.attr]))
    if isinstance(node, (ast.If, ast.IfExp)):
        edits.append(lambda n: setattr(n, "test", ast.UnaryOp(ast.Not(), n.test)))  # a condition negated
    elif isinstance(node, ast.comprehension) and node.ifs:
        edits.append(lambda n: setattr(n, "ifs", [ast.UnaryOp(ast.Not(), n.ifs[0]), *n.ifs[1:]]))
    body = getattr(node, "body", None)
    if type(body) is list and len(body) > 1:
        edits += [lambda n, i=i: setattr(n, "body", n.body[:i] + n.body[i + 1:]) for i in range(len(body))]
    elif isinstance(node, ast.keyword) and node.arg in ("axis", "dim", "keepdims", "kind"):
        edits.append(lambda n: setattr(n, "value", ast.Constant(None)) if n.arg != "keepdims" else
                     setattr(n, "value", ast.Constant(False)))
    return edits


def _replace(tree, target, replacement):
    """``tree`` with the node ``target`` replaced by ``replacement``."""
    class Swap(ast.NodeTransformer):
        def generic_visit(self, node):
            return replacement if node is target else super().generic_visit(node)
    return Swap().visit(tree)


@functools.lru_cache(maxsize=1)
def solutions():
    """``{check: (chapter number, solution cell source, sources of the chapter's cells before it)}``."""
    found = {}
    for notebook in chapter_notebooks(NOTEBOOKS):
        cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell.source
                 for cell in nbformat.read(notebook, as_version=4).cells}
        before = []
        for task in read_chapter(notebook).tasks:
            source = cells[task.solution_ids[-1]]
            found[task.check] = (int(notebook.name[:2]), source, list(before), task.names)
            before.append(source)
    return found


class TimeUp(BaseException):
    """A mutant ran past its time (a BaseException, so that the learner wrapper does not catch it)."""


def _alarm(signum, frame):
    raise TimeUp()


def _outputs(check, functions, cases):
    """The run step's plain results on every case (an error's type where the learner's code raised)."""
    exercise = EXERCISES[check]
    learner = Learner(list(functions), exercise.labels)
    results = []
    for case in cases:
        record = result_record(exercise, learner, case)
        results.append({"outputs": decode(*encode(record["outputs"]))} if "outputs" in record else record)
    return results


def _same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True))
    if isinstance(a, float):
        return a == b or abs(a - b) <= 1e-9 * max(1.0, abs(a)) or (a != a and b != b)
    return a == b if isinstance(a, (int, str, bool, type(None))) else repr(a) == repr(b)


def define(sources, names):
    """The functions ``names`` that the cells ``sources`` define, in order."""
    namespace = {}
    for source in sources:
        exec(compile(PRELUDE + source, "<cell>", "exec"), namespace)  # noqa: S102 - the course's own cells
    return [namespace[name] for name in names]


def measure(check, draws=3, limit=None):
    """The :class:`Strength` of one exercise's check; ``limit`` caps the number of mutants tried."""
    if check not in solutions():
        raise ValueError(f"check: no exercise of the notebooks is checked by {check!r}; one of "
                         f"{', '.join(solutions())}")
    if type(draws) is not int or draws < 0:
        raise ValueError(f"draws: expected a whole number >= 0, got {draws!r}")
    if limit is not None and (type(limit) is not int or limit < 1):
        raise ValueError(f"limit: expected None or a whole number >= 1, got {limit!r}")
    chapter, source, before, names = solutions()[check]
    exercise = EXERCISES[check]
    inputs = exercise.cases() + [case for draw in range(draws) for case in exercise.cases(True, f"random {draw}")]
    graded = exercise.cases() + exercise.cases(True, CHECK_SECRET)
    reference = _outputs(check, define(before + [source], names), inputs)
    if not _same(_outputs(check, define(before + [source], names), inputs), reference):
        raise RuntimeError(f"{check}: the reference solution's results differ from run to run")
    strength = Strength(check, chapter)
    every = mutants(source)
    chosen = every if limit is None or len(every) <= limit else [every[i] for i in
                                                                  np.linspace(0, len(every) - 1, limit).astype(int)]
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for text in chosen:
            strength.mutants += 1
            signal.alarm(SECONDS)
            try:
                functions = define(before + [text], names)
                changed = not _same(_outputs(check, functions, inputs), reference)
                killed = changed and _judged(check, functions, graded) is not None
            except (TimeUp, Exception):  # noqa: BLE001 - a mutant that hangs, or breaks the cell itself
                changed = killed = True
            finally:
                signal.alarm(0)
            strength.changed += changed
            strength.killed += killed
    finally:
        signal.signal(signal.SIGALRM, previous)
    return strength


def _judged(check, functions, cases):
    exercise = EXERCISES[check]
    records = _outputs(check, functions, cases)
    return exercise.judge(cases, records)


def table(strengths):
    """The report: one line per exercise, then one per chapter."""
    lines = [f"{'exercise':32s} {'mutants':>7s} {'changed':>7s} {'rejected':>8s} {'score':>6s}"]
    for s in strengths:
        lines.append(f"{s.check:32s} {s.mutants:7d} {s.changed:7d} {s.killed:8d} {s.score:6.1%}")
    lines.append("")
    for chapter in sorted({s.chapter for s in strengths}):
        changed = sum(s.changed for s in strengths if s.chapter == chapter)
        killed = sum(s.killed for s in strengths if s.chapter == chapter)
        lines.append(f"chapter {chapter}: {killed} of {changed} changed mutants rejected, "
                     f"{killed / changed if changed else 1:.1%}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Mutation score of the exercise checks, per exercise and chapter.")
    parser.add_argument("--draws", type=int, default=5, help="hidden draws of other secrets as random inputs")
    parser.add_argument("--exercise", action="append", help="only this check (e.g. check_nms); repeatable")
    parser.add_argument("--limit", type=int, help="at most this many mutants per exercise, spread evenly")
    args = parser.parse_args(argv)
    if args.draws < 0 or (args.limit is not None and args.limit < 1):
        parser.error("--draws must be at least 0 and --limit at least 1")
    checks = args.exercise or list(solutions())
    unknown = [c for c in checks if c not in EXERCISES]
    if unknown:
        parser.error(f"--exercise: unknown check {unknown[0]!r}; one of {', '.join(sorted(EXERCISES))}")
    strengths = []
    with one_thread():  # tiny layers: one torch thread is far quicker on a busy machine
        for check in checks:
            strengths.append(measure(check, args.draws, args.limit))
            print(table(strengths[-1:]).splitlines()[1], flush=True)
    print()
    print(table(strengths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
