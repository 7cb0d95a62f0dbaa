"""Plausible answers to every exercise, right and wrong, and a way to judge them in this process.

``CATALOGUE[check name]`` holds ``names`` (the learner's names in the chapter's notebook, in the order
the test cell passes them), ``right`` (two correct implementations that differ from the notebook's
solution) and ``wrong`` (pairs ``(source, words)``: a wrong answer and the words of the hint it
must get, or None where no specific hint is promised). Each source is a notebook cell that defines
the learner's names, self-contained but for :data:`PRELUDE`.
"""

from importlib import import_module

from cnncourse.exercises import EXERCISES
from cnncourse.exercises.exercise import Learner, decode, encode, result_record

CHAPTERS = [f"ch{number:02d}" for number in range(1, 10)]
PRELUDE = "import os\nimport numpy as np\nimport torch\nfrom torch import nn\n"
CATALOGUE = {check: entry for chapter in CHAPTERS
             for check, entry in import_module(f"{__name__}.{chapter}").CATALOGUE.items()}
CHAPTER_OF = {check: chapter for chapter in CHAPTERS
              for check in import_module(f"{__name__}.{chapter}").CATALOGUE}


def functions(source, names):
    """The learner's functions that the cell ``source`` defines."""
    namespace = {}
    exec(compile(PRELUDE + source, "<learner cell>", "exec"), namespace)  # noqa: S102 - our own catalogue
    return [namespace[name] for name in names]


def verdict(check, answers, secret):
    """What the grader would say of ``answers`` (the learner's functions) on the public cases and the
    hidden ones of ``secret``: None when they pass, else the message. Results cross the same
    plain-data encoding as in the sandbox."""
    exercise = EXERCISES[check]
    learner = Learner(list(answers), exercise.labels)
    cases = exercise.cases() + exercise.cases(True, secret)
    records = []
    for case in cases:
        record = result_record(exercise, learner, case)
        if "outputs" in record:
            record = {"outputs": decode(*encode(record["outputs"]))}
        records.append(record)
    return exercise.judge(cases, records)

