"""Chapter 9's exercise checks: right answers pass, each usual mistake gets its own hint."""

import numpy as np
import pytest
import torch

from cnncourse.demos.detection import box_iou, nms
from cnncourse.exercises import EXERCISES, ExerciseFailed, NotAttemptedYet
from cnncourse.exercises.beyond import check_box_iou, check_nms, check_saliency_map
from cnncourse.threads import one_thread


@pytest.fixture(autouse=True, scope="module")
def single_thread():
    """Torch on one thread: its thread pool makes these tiny layers far slower on a busy machine."""
    with one_thread():
        yield


def iou_right(a, b):
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def test_exercises_are_registered():
    for name in ("check_box_iou", "check_nms", "check_saliency_map"):
        assert name in EXERCISES


def test_box_iou_passes_and_hand_computed_cases():
    assert iou_right((0, 0, 4, 4), (2, 2, 6, 6)) == pytest.approx(4 / 28)
    assert check_box_iou(iou_right) == check_box_iou(iou_right, hidden=True) == "iou_right is correct. Well done!"  # the learner's own name
    assert check_box_iou(lambda a, b: float(box_iou(a, b)[0, 0]))


def _raw_overlap(a, b):
    w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    return w, h


def _area(box, extra=0):
    return (box[2] - box[0] + extra) * (box[3] - box[1] + extra)


@pytest.mark.parametrize("wrong, hint", [
    (lambda a, b: float(np.prod(_raw_overlap(a, b)) / (_area(a) + _area(b) - np.prod(_raw_overlap(a, b)))),
     "clip each at 0"),
    (lambda a, b: max(0, _raw_overlap(a, b)[0]) * max(0, _raw_overlap(a, b)[1])
     / (_area(a) + _area(b)), "counts the overlap twice"),
    (lambda a, b: max(0, _raw_overlap(a, b)[0]) * max(0, _raw_overlap(a, b)[1]) / _area(a), "area of the first box"),
    (lambda a, b: max(0, _raw_overlap(a, b)[0] + 1) * max(0, _raw_overlap(a, b)[1] + 1)
     / (_area(a, 1) + _area(b, 1) - max(0, _raw_overlap(a, b)[0] + 1) * max(0, _raw_overlap(a, b)[1] + 1)),
     "added 1"),
])
def test_box_iou_hints(wrong, hint):
    with pytest.raises(ExerciseFailed, match=hint):
        check_box_iou(wrong)


def test_box_iou_type_and_none():
    with pytest.raises(ExerciseFailed, match="return"):
        check_box_iou(lambda a, b: None)
    with pytest.raises(ExerciseFailed, match="one number"):
        check_box_iou(lambda a, b: [0.1])
    with pytest.raises(NotAttemptedYet):
        check_box_iou(lambda a, b: (_ for _ in ()).throw(NotImplementedError()))


def nms_right(boxes, scores, threshold):
    """A brute-force NMS written differently: visit boxes best first, keep one unless a kept box overlaps it."""
    kept = []
    for i in sorted(range(len(boxes)), key=lambda i: -scores[i]):
        if all(iou_right(boxes[i], boxes[j]) <= threshold for j in kept):
            kept.append(i)
    return kept


def test_nms_matches_brute_force_and_passes():
    rng = np.random.default_rng(0)
    for _ in range(30):
        xy = rng.integers(0, 30, size=(12, 2))
        boxes = np.concatenate([xy, xy + rng.integers(3, 12, size=(12, 2))], axis=1)
        scores = rng.random(12)
        threshold = float(rng.uniform(0.1, 0.7))
        assert nms(boxes, scores, threshold).tolist() == nms_right(boxes, scores, threshold)
    assert check_nms(nms_right) == check_nms(nms_right, hidden=True) == "nms_right is correct. Well done!"


def _one_pass(boxes, scores, threshold):
    order = list(np.argsort(-scores))
    best = order[0]
    return [best] + [i for i in order[1:] if iou_right(boxes[best], boxes[i]) <= threshold]


@pytest.mark.parametrize("wrong, hint", [
    (lambda b, s, t: sorted(nms_right(b, s, t)), "best score first"),
    (lambda b, s, t: b[nms_right(b, s, t)], "indices"),
    (_one_pass, "Repeat"),
    (lambda b, s, t: nms_right(b, -s, t), "lowest score"),
    (lambda b, s, t: list(range(len(b))), "keeps every box"),
])
def test_nms_hints(wrong, hint):
    with pytest.raises(ExerciseFailed, match=hint):
        check_nms(wrong)


def saliency_right(model, x, target):
    x = x.clone().requires_grad_(True)
    model(x)[0, target].backward()
    return x.grad[0].abs().max(dim=0).values


def _grad(model, x, pick):
    x = x.clone().requires_grad_(True)
    scores = model(x)
    pick(scores).backward()
    return x.grad[0]


@pytest.mark.parametrize("wrong, hint", [
    (lambda m, x, t: _grad(m, x, lambda s: s[0, t]).max(dim=0).values, "absolute value"),
    (lambda m, x, t: _grad(m, x, lambda s: s[0, t]).abs().mean(dim=0), "not the mean"),
    (lambda m, x, t: _grad(m, x, lambda s: s[0, t]).abs().sum(dim=0), "not the sum"),
    (lambda m, x, t: _grad(m, x, lambda s: s.softmax(1)[0, t]).abs().amax(dim=0), "softmax probability"),
    (lambda m, x, t: _grad(m, x, lambda s: torch.nn.functional.cross_entropy(s, torch.tensor([t])))
     .abs().amax(dim=0), "gradient of the loss"),
    (lambda m, x, t: _grad(m, x, lambda s: s[0, (t + 1) % s.shape[1]]).abs().amax(dim=0), "next class"),
    (lambda m, x, t: _grad(m, x, lambda s: s[0, t]).abs(), "Reduce the 3 colour channels"),
    (lambda m, x, t: _grad(m, x, lambda s: s[0, t]).abs()[None], "drop the batch axis"),
])
def test_saliency_hints(wrong, hint):
    with pytest.raises(ExerciseFailed, match=hint):
        check_saliency_map(wrong)


def test_saliency_passes():
    assert check_saliency_map(saliency_right) == "saliency_right is correct. Well done!"
    assert check_saliency_map(saliency_right, hidden=True)


# -- the grader's path: plain records from the sandbox, judged without learner code ------------------------
from cnncourse.exercises.exercise import Learner, decode, encode, result_record  # noqa: E402

GRADED = {"check_box_iou": (iou_right, lambda a, b: iou_right(a, b) * 0.5),
          "check_nms": (nms_right, lambda b, s, t: sorted(nms_right(b, s, t))),
          "check_saliency_map": (saliency_right, lambda m, x, t: saliency_right(m, x, t) * 2)}


@pytest.mark.parametrize("name", GRADED)
def test_the_grader_judges_plain_records(name):
    exercise = EXERCISES[name]
    right, wrong = GRADED[name]
    cases = exercise.cases(hidden=True, secret="instructor")

    def judged(function):
        records = []
        for case in cases:
            record = result_record(exercise, Learner([function], exercise.labels), case)
            records.append({"outputs": decode(*encode(record["outputs"]))} if "outputs" in record else record)
        return exercise.judge(cases, records)

    assert judged(right) is None
    assert judged(wrong)  # a message saying what is wrong
    again, other = exercise.cases(hidden=True, secret="instructor"), exercise.cases(hidden=True, secret="other")
    key = next(k for k, v in cases[-1].items() if isinstance(v, np.ndarray))  # random cases follow the edges
    assert np.array_equal(cases[-1][key], again[-1][key])
    assert not np.array_equal(cases[-1][key], other[-1][key])  # another secret, other hidden cases
