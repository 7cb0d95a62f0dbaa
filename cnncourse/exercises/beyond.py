"""Chapter 9's exercises: the IoU of two boxes, non-maximum suppression, and a saliency map.

The saliency exercise hands the learner a small seeded network built in the run step; the compare
step rebuilds the same network from the case's seed to compute the reference, so the grader never
needs anything the learner's code touched.
"""

import numpy as np
import torch
from torch import nn

from ..demos.detection import box_iou as reference_iou
from ..demos.detection import nms as reference_nms
from .exercise import Exercise
from .feedback import ExerciseFailed, as_number_array, compare_arrays, type_name

_isclose = np.isclose


# -- box_iou(a, b) ----------------------------------------------------------------------------------------
def _iou_name(case):
    return f"box_iou({tuple(case['a'].tolist())}, {tuple(case['b'].tolist())})"


def _iou_case(a, b):
    return {"a": np.array(a, dtype=np.int64), "b": np.array(b, dtype=np.int64)}


def _iou_public():
    return [_iou_case((0, 0, 4, 4), (2, 2, 6, 6)),      # overlap 2x2 = 4, union 28
            _iou_case((1, 1, 5, 4), (1, 1, 5, 4)),      # the same box
            _iou_case((0, 0, 2, 2), (5, 5, 8, 9)),      # apart
            _iou_case((0, 0, 10, 10), (2, 3, 5, 7))]    # one inside the other


# Edges: apart in y only and in x only, touching along an edge (empty overlap), negative coordinates,
# one box inside the other sharing an edge.
IOU_EDGES = [((0, 0, 6, 4), (2, 7, 8, 9)), ((0, 1, 3, 5), (5, 0, 9, 4)), ((0, 0, 4, 3), (4, 0, 7, 3)),
             ((-6, -4, -1, 2), (-3, -5, 2, 0)), ((1, 2, 9, 5), (1, 3, 4, 5))]


def _iou_hidden(rng):
    cases = [_iou_case(a, b) for a, b in IOU_EDGES]
    for apart in (False, False, False, True, False):
        a = rng.integers(0, 20, size=2)
        a = np.concatenate([a, a + rng.integers(2, 12, size=2)])
        shift = rng.integers(25, 40, size=2) if apart else rng.integers(-5, 6, size=2)
        b = np.concatenate([a[:2] + shift, a[:2] + shift + rng.integers(2, 12, size=2)])
        cases.append(_iou_case(a, b))
    return cases


def _iou_variants(a, b):
    """Usual wrong answers: (value, hint)."""
    a, b = a.astype(float), b.astype(float)
    w_raw, h_raw = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    inter = max(w_raw, 0) * max(h_raw, 0)
    area_a, area_b = (a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])
    inclusive = max(w_raw + 1, 0) * max(h_raw + 1, 0)
    area_a1, area_b1 = (a[2] - a[0] + 1) * (a[3] - a[1] + 1), (b[2] - b[0] + 1) * (b[3] - b[1] + 1)
    return [
        (w_raw * h_raw / (area_a + area_b - w_raw * h_raw), "The boxes do not overlap, yet the overlap's "
         "width or height came out negative: clip each at 0 (max(0, ...)) before multiplying."),
        (inter / (area_a + area_b), "The union counts the overlap twice this way: subtract the "
         "intersection, area(a) + area(b) - intersection."),
        (inter / area_a, "You divided by the area of the first box: IoU divides by the area of the union."),
        (inclusive / (area_a1 + area_b1 - inclusive), "You added 1 to widths and heights, as for inclusive "
         "pixel coordinates; here x1 and y1 are exclusive, so the width is simply x1 - x0."),
    ]


def _iou_compare(case, out):
    name, got = _iou_name(case), out["iou"]
    if got is None:
        raise ExerciseFailed(f"{name} returned None: did you forget the `return` statement?")
    if type(got) not in (int, float):
        raise ExerciseFailed(f"{name} returned {type_name(got)}; expected one number (a float).")
    expected = float(reference_iou(case["a"], case["b"])[0, 0])
    if type(got) is int and got != expected:
        raise ExerciseFailed(f"{name} gave {got}, a whole number, expected {expected:g}: divide with /, not //.")
    if _isclose(got, expected, atol=1e-9, rtol=0):
        return
    hint = next((message for wrong, message in _iou_variants(case["a"], case["b"])
                 if _isclose(got, wrong, atol=1e-9, rtol=0)), "")
    raise ExerciseFailed(f"{name} gave {got:g}, expected {expected:g}." + (" " + hint if hint else ""))


BOX_IOU = Exercise(
    "box_iou", ("box_iou",), public=_iou_public, hidden=_iou_hidden,
    run=lambda learner, case: {"iou": learner(0, case["a"], case["b"], name=_iou_name(case))},
    compare=_iou_compare, success="box_iou is correct. Well done!",
)


def check_box_iou(student_iou, hidden=False):
    """Check ``box_iou(a, b)``: a, b boxes (x0, y0, x1, y1) with x1, y1 exclusive -> their IoU, a float."""
    return BOX_IOU.check(student_iou, hidden=hidden)


# -- nms(boxes, scores, threshold) ------------------------------------------------------------------------
def _nms_case(boxes, scores, threshold):
    return {"boxes": np.array(boxes, dtype=np.int64), "scores": np.array(scores, dtype=np.float64),
            "threshold": float(threshold)}


def _nms_public():
    # a cluster of three around one object, a pair around another, one alone; the last box overlaps
    # the second cluster's loser only, so suppressing against the best box alone keeps too much
    return [_nms_case([(0, 0, 10, 10), (1, 1, 11, 11), (2, 0, 12, 10), (30, 30, 40, 40),
                       (31, 30, 41, 40), (60, 0, 70, 10)], [0.6, 0.9, 0.7, 0.8, 0.95, 0.5], 0.5),
            _nms_case([(0, 0, 10, 10), (1, 1, 11, 11), (2, 2, 12, 12), (3, 3, 13, 13)],
                      [0.9, 0.8, 0.7, 0.6], 0.6)]


def _nms_edges():
    """An IoU exactly at the threshold (kept: only IoU above it suppresses), tied scores (the first
    of equal scores comes first), a threshold of 0 (any overlap suppresses), one box."""
    return [_nms_case([(0, 0, 4, 4), (2, 0, 6, 4), (0, 20, 4, 24)], [0.9, 0.8, 0.7], 1 / 3),
            _nms_case([(0, 0, 10, 10), (1, 0, 11, 10), (30, 0, 40, 10), (31, 1, 41, 11)], [0.5, 0.5, 0.7, 0.7], 0.5),
            _nms_case([(0, 0, 5, 5), (4, 4, 9, 9), (5, 5, 10, 10)], [0.3, 0.9, 0.6], 0.0),
            _nms_case([(3, 3, 7, 8)], [0.2], 0.5)]


def _nms_hidden(rng):
    cases = _nms_edges()
    for _ in range(3):
        centres = rng.integers(0, 60, size=(int(rng.integers(2, 5)), 2))
        boxes = []
        for cx, cy in centres:
            for _ in range(int(rng.integers(1, 5))):
                x, y = cx + int(rng.integers(-3, 4)), cy + int(rng.integers(-3, 4))
                boxes.append((x, y, x + 10, y + 10))
        scores = rng.permutation(len(boxes)) / len(boxes) + 0.01
        cases.append(_nms_case(boxes, scores, round(float(rng.uniform(0.3, 0.6)), 2)))
    return cases


def _nms_name(case):
    return f"nms(boxes of shape {case['boxes'].shape}, scores, threshold={case['threshold']:g})"


def _nms_one_pass(boxes, scores, threshold):
    """Only the boxes that overlap the single best box are dropped (no repeat)."""
    order = np.argsort(-scores, kind="stable")
    overlap = reference_iou(boxes[order[0]], boxes)[0]
    return np.array([order[0]] + [i for i in order[1:] if overlap[i] <= threshold])


def _nms_compare(case, out):
    name, boxes, scores, threshold = _nms_name(case), case["boxes"], case["scores"], case["threshold"]
    expected = reference_nms(boxes, scores, threshold)
    got = as_number_array(out["keep"], name)
    if got.ndim == 2 and got.shape[1:] == (4,):
        raise ExerciseFailed(f"{name}: you returned boxes (shape {got.shape}); return their indices in "
                             "`boxes` instead, e.g. [1, 4, 5].")
    if got.ndim == 1 and got.shape == expected.shape and set(got.tolist()) == set(expected.tolist()) \
            and not np.array_equal(got, expected):
        raise ExerciseFailed(f"{name}: you kept the right boxes, {sorted(expected.tolist())}, but list them "
                             f"best score first: {expected.tolist()}.")
    wrong = [(_nms_one_pass(boxes, scores, threshold), "You dropped only the boxes that overlap the best "
              "box. Repeat: after keeping the best box, the best of the boxes still left is kept next, "
              "and drops the boxes that overlap it, until none is left."),
             (reference_nms(boxes, -scores, threshold), "You started from the lowest score: sort the "
              "boxes by score from the highest down (np.argsort(-scores))."),
             (reference_nms(boxes, scores, max(threshold - 1e-12, 0.0)), "A box whose IoU with a kept box "
              "equals the threshold stays: suppress only an IoU above it (>, not >=).")]
    if not (got.shape == expected.shape and (got == expected).all()):
        for answer, hint in wrong:
            if got.shape == answer.shape and (got == answer).all():
                raise ExerciseFailed(f"{name} kept {got.astype(int).tolist()}, expected {expected.tolist()}. "
                                     + hint)
    compare_arrays(got, expected, name,
                   shape_hints={(len(boxes),): "That keeps every box: drop each box whose IoU with a "
                                "kept, better box is above the threshold."})


NMS = Exercise(
    "nms", ("nms",), public=_nms_public, hidden=_nms_hidden,
    run=lambda learner, case: {"keep": learner(0, case["boxes"], case["scores"], case["threshold"],
                                               name=_nms_name(case))},
    compare=_nms_compare, success="nms is correct. Well done!",
)


def check_nms(student_nms, hidden=False):
    """Check ``nms(boxes, scores, threshold)`` -> indices of the kept boxes, best score first."""
    return NMS.check(student_nms, hidden=hidden)


# -- saliency_map(model, x, target) -----------------------------------------------------------------------
def saliency_network(seed, size, classes):
    """The small seeded network of a saliency case: (1, 3, size, size) -> (1, classes)."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Tanh(), nn.Flatten(),
                         nn.Linear(4 * size * size, classes)).eval()


def _saliency_case(seed, size, classes, target):
    x = np.random.default_rng(seed).normal(size=(1, 3, size, size)).astype(np.float32)
    return {"seed": int(seed), "size": int(size), "classes": int(classes), "target": int(target), "x": x}


def _saliency_name(case):
    return (f"saliency_map(model, x of shape {case['x'].shape}, target={case['target']}) "
            f"(a network with {case['classes']} classes)")


def _saliency_run(learner, case):
    model = saliency_network(case["seed"], case["size"], case["classes"])
    x = torch.from_numpy(case["x"])
    return {"map": learner(0, model, x, case["target"], name=_saliency_name(case))}


def _gradient(case, of):
    model = saliency_network(case["seed"], case["size"], case["classes"])
    x = torch.from_numpy(case["x"]).requires_grad_(True)
    scores = model(x)
    value = {"score": scores[0, case["target"]], "probability": scores.softmax(1)[0, case["target"]],
             "top": scores[0].max(),
             "loss": nn.functional.cross_entropy(scores, torch.tensor([case["target"]]))}[of]
    (grad,) = torch.autograd.grad(value, x)
    return grad[0].double().numpy()


def _saliency_compare(case, out):
    name = _saliency_name(case)
    g = _gradient(case, "score")
    size = case["size"]
    wrong = [(g.max(axis=0), "Take the absolute value of the gradient before the maximum over the colour "
              "channels: a large negative derivative matters as much as a large positive one."),
             (np.abs(g).mean(axis=0), "Reduce the colour channels with the maximum of |gradient|, not "
              "the mean."),
             (np.abs(g).sum(axis=0), "Reduce the colour channels with the maximum of |gradient|, not "
              "the sum."),
             (np.abs(_gradient(case, "probability")).max(axis=0), "You took the gradient of the softmax "
              "probability; take the gradient of the class score (the logit, model(x)[0, target])."),
             (np.abs(_gradient(case, "loss")).max(axis=0), "You took the gradient of the loss; take the "
              "gradient of the class score (the logit, model(x)[0, target])."),
             (np.abs(_gradient(dict(case, target=(case["target"] + 1) % case["classes"]), "score"))
              .max(axis=0), "That is the map of the next class: index the score with target itself."),
             (np.abs(_gradient(case, "top")).max(axis=0), "That is the map of the top-scoring class: take the "
              "gradient of the score of target, model(x)[0, target]."),
             (np.abs(g[0]), "Reduce the 3 colour channels with the maximum of |gradient|; you kept the first "
              "channel only.")]
    compare_arrays(out["map"], np.abs(g).max(axis=0), name, wrong_answers=wrong, atol=1e-5, shape_hints={
        (3, size, size): "Reduce the 3 colour channels to one map: the maximum of |gradient| over them.",
        (1, 3, size, size): "Return one (H, W) map: drop the batch axis and take the maximum of "
                            "|gradient| over the colour channels."})


SALIENCY_MAP = Exercise(
    "saliency_map", ("saliency_map",),
    public=lambda: [_saliency_case(0, 5, 3, 1), _saliency_case(1, 6, 4, 0)],
    hidden=lambda rng: [_saliency_case(21, 4, 5, 4), _saliency_case(22, 7, 2, 0)] + [
        _saliency_case(int(rng.integers(0, 10_000)), int(rng.integers(4, 9)), int(c), int(rng.integers(0, c)))
        for c in rng.integers(2, 7, size=3)],
    run=_saliency_run, compare=_saliency_compare, success="saliency_map is correct. Well done!",
)


def check_saliency_map(student_saliency, hidden=False):
    """Check ``saliency_map(model, x, target)``: x (1, 3, H, W) -> (H, W), the maximum over the colour
    channels of |d model(x)[0, target] / d x|."""
    return SALIENCY_MAP.check(student_saliency, hidden=hidden)
