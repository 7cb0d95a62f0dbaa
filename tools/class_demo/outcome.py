"""What one class cycle produced (:class:`Outcome`), and whether it is right (:func:`check`)."""

from dataclasses import dataclass, field


@dataclass
class Outcome:
    """What one cycle did: each learner's score, the chapter's maximum, timings (s), feedback pages."""

    chapter: str
    max_score: float
    scores: dict = field(default_factory=dict)
    feedback: dict = field(default_factory=dict)   # learner -> [(file name, text)] fetched
    gradebook: str = ""
    seconds: dict = field(default_factory=dict)
    reached: list = field(default_factory=list)    # "a -> b": a's token opened b's server
    server_memory: int = 0                         # bytes resident, one learner's server


def check(outcome):
    """Lines saying what is wrong (empty when right): the first learner of ``outcome.feedback`` (who
    solved the chapter) must have full marks, the others zero, each exactly their own feedback page,
    and no learner's token may have opened another person's server."""
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
