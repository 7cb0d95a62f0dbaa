"""Chapters 7 and 9's exercise checks on numbers (a VGG block's parameters, the separable cost ratio, box
IoU, non-maximum suppression, saliency maps), pinned by behaviour: each usual mistake gets its whole
hint, a near miss just outside a tolerance fails and a value inside passes. Oracles: hand counts,
hand-computed IoUs, a greedy NMS written here, torch's autograd."""

import numpy as np
import pytest
import torch

from cnncourse.exercises import EXERCISES
from cnncourse.exercises.beyond import saliency_network
from cnncourse.exercises.feedback import Other
from survivors_exercises import verdict


# ----- chapter 7: parameters of a VGG block, the separable cost ratio

@pytest.mark.parametrize("n, hint", [
    (1218, None),  # (5 * 9 + 1) * 7 + 2 * (7 * 9 + 1) * 7
    (1197, "The biases are missing: one per filter."),
    (966, "Only the first convolution sees c_in channels; the others take the c_out maps of the one before."),
    (154, "Each filter is 3 x 3 x (input channels): multiply by 9."),
    (1219, ""),
])
def test_vgg_block_parameter_mistakes_get_their_hint(n, hint):
    message = verdict("check_vgg_block_parameters", {"c_in": 5, "c_out": 7, "convs": 3}, {"n": n})
    if hint is None:
        assert message is None
    else:
        assert message == f"vgg_block_parameters(5, 7, 3) gave {n}, expected 1218." + (" " + hint if hint else "")


RATIO_CASE = {"c_in": 6, "c_out": 4, "k": 5}  # 1/4 + 1/25 = 0.29
RATIO_NAME = "separable_cost_ratio(6, 4, 5)"


@pytest.mark.parametrize("got, text", [
    (0.29, None), (0.29 + 0.9e-9, None), (0.29 + 2e-9, f"{RATIO_NAME} gave 0.29, expected 0.29. Per output pixel"),
    (1 / 0.29, f"{RATIO_NAME} gave 3.44828: that is standard / separable, the saving factor. Return separable / "
     "standard (a number below 1)."),
    (1 / 6 + 1 / 25, f"{RATIO_NAME} gave 0.206667, expected 0.29. c_in and c_out are swapped: the pointwise conv's "
     "share is c_in * c_out / (k*k * c_in * c_out) = 1 / c_out."),
    (1 / 4 + 1 / 9, f"{RATIO_NAME} gave 0.361111, expected 0.29. k is an argument: the depthwise conv's share is "
     "1 / k**2, not a fixed 1/9."),
    (0.5, f"{RATIO_NAME} gave 0.5, expected 0.29. Per output pixel the depthwise conv costs k*k*c_in and the "
     "pointwise c_in*c_out multiply-adds."),
    (Other("str"), f"{RATIO_NAME} returned str; expected a number."),
    (None, f"{RATIO_NAME} returned NoneType; expected a number."),
])
def test_separable_cost_ratio_mistakes_get_their_hint(got, text):
    message = verdict("check_separable_cost_ratio", RATIO_CASE, {"r": got})
    assert message is None if text is None else message.startswith(text)


def test_a_saving_factor_is_recognised_within_its_relative_tolerance():
    case = {"c_in": 512, "c_out": 512, "k": 1}  # ratio 1/512 + 1: factor below 1
    expected = 1 / 512 + 1
    assert verdict("check_separable_cost_ratio", case, {"r": 1 / expected * (1 + 5e-10)}).split(":")[1] == (
        " that is standard / separable, the saving factor. Return separable / standard (a number below 1).")
    big = {"c_in": 64, "c_out": 512, "k": 7}  # factor about 45: a tolerance relative to it
    factor = 1 / (1 / 512 + 1 / 49)
    assert "saving factor" in verdict("check_separable_cost_ratio", big, {"r": factor + 1e-8})


def test_number_checks_cases():
    assert [tuple(c.values()) for c in EXERCISES["check_vgg_block_parameters"].cases()] == [
        (3, 64, 2), (64, 128, 2), (128, 256, 3)]
    assert [tuple(c.values()) for c in EXERCISES["check_separable_cost_ratio"].cases()] == [
        (32, 64, 3), (512, 512, 3), (16, 24, 5)]
    for s in range(15):
        vgg = EXERCISES["check_vgg_block_parameters"].cases(True, f"secret {s}")
        assert [tuple(c.values()) for c in vgg[:2]] == [(64, 64, 2), (3, 1, 1)]
        assert [c["convs"] for c in vgg[2:]] == [1, 2, 3, 4]
        assert all(c["c_in"] != c["c_out"] and 1 <= min(c["c_in"], c["c_out"]) and max(c["c_in"], c["c_out"]) <= 512
                   for c in vgg[2:])
        ratio = EXERCISES["check_separable_cost_ratio"].cases(True, f"secret {s}")
        assert [tuple(c.values()) for c in ratio[:2]] == [(7, 1, 3), (16, 16, 1)]
        assert [c["k"] for c in ratio[2:]] == [1, 3, 5]
        assert all(1 <= c["c_in"] < 300 and 2 <= c["c_out"] < 600 for c in ratio[2:])


# ----- chapter 9: box IoU, non-maximum suppression, saliency maps

IOU_NAME = "box_iou((0, 0, 4, 4), (2, 2, 6, 6))"
IOU_CASE = {"a": np.array([0, 0, 4, 4]), "b": np.array([2, 2, 6, 6])}  # overlap 4, union 28


@pytest.mark.parametrize("got, text", [
    (1 / 7, None), (1 / 7 + 0.5e-9, None),
    (1 / 7 + 2e-9, f"{IOU_NAME} gave 0.142857, expected 0.142857."),
    (4 / 32, f"{IOU_NAME} gave 0.125, expected 0.142857. The union counts the overlap twice this way: subtract the "
     "intersection, area(a) + area(b) - intersection."),
    (4 / 16, f"{IOU_NAME} gave 0.25, expected 0.142857. You divided by the area of the first box: IoU divides by the "
     "area of the union."),
    (9 / 41, f"{IOU_NAME} gave 0.219512, expected 0.142857. You added 1 to widths and heights, as for inclusive pixel "
     "coordinates; here x1 and y1 are exclusive, so the width is simply x1 - x0."),
    (0, f"{IOU_NAME} gave 0, a whole number, expected 0.142857: divide with /, not //."),
    (None, f"{IOU_NAME} returned None: did you forget the `return` statement?"),
    (np.array([1 / 7]), f"{IOU_NAME} returned array of float64; expected one number (a float)."),
])
def test_box_iou_mistakes_get_their_hint(got, text):
    message = verdict("check_box_iou", IOU_CASE, {"iou": got})
    assert message is None if text is None else message == text


def test_box_iou_of_boxes_apart_is_zero_and_a_negative_overlap_is_named():
    apart = {"a": np.array([0, 0, 2, 2]), "b": np.array([3, 5, 6, 9])}  # -1 wide and -3 high: a product of 3
    assert verdict("check_box_iou", apart, {"iou": 0}) is None and verdict("check_box_iou", apart, {"iou": 0.0}) is None
    assert verdict("check_box_iou", apart, {"iou": 3 / 13}).endswith(
        " The boxes do not overlap, yet the overlap's width or height came out negative: clip each at 0 "
        "(max(0, ...)) before multiplying.")
    assert verdict("check_box_iou", {"a": np.array([0, 0, 4, 4]), "b": np.array([0, 0, 4, 4])}, {"iou": 1}) is None


def iou(a, b):
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return w * h / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h)


def greedy_nms(boxes, scores, threshold):
    """Keep the best box left, drop those overlapping it by more than the threshold, repeat."""
    left, keep = sorted(range(len(boxes)), key=lambda i: -scores[i]), []
    while left:
        best = left.pop(0)
        keep.append(best)
        left = [i for i in left if iou(boxes[best], boxes[i]) <= threshold]
    return keep


(NMS_CASE, _) = EXERCISES["check_nms"].cases()
NMS_NAME = "nms(boxes of shape (6, 4), scores, threshold=0.5)"


@pytest.mark.parametrize("got, text", [
    ([4, 1, 5], None),
    ([1, 4, 5], f"{NMS_NAME}: you kept the right boxes, [1, 4, 5], but list them best score first: [4, 1, 5]."),
    ([4, 1, 2, 0, 5], f"{NMS_NAME} kept [4, 1, 2, 0, 5], expected [4, 1, 5]. You dropped only the boxes that overlap "
     "the best box. Repeat: after keeping the best box, the best of the boxes still left is kept next, and drops "
     "the boxes that overlap it, until none is left."),
    ([5, 0, 3], f"{NMS_NAME} kept [5, 0, 3], expected [4, 1, 5]. You started from the lowest score: sort the boxes "
     "by score from the highest down (np.argsort(-scores))."),
    ([0, 1, 2, 3, 4, 5], f"{NMS_NAME}: output shape (6,), expected (3,). That keeps every box: drop each box whose "
     "IoU with a kept, better box is above the threshold."),
    ([4, 1, 0], f"{NMS_NAME}: 1 of 3 values differ; at index [2] you have 0, expected 5."),
    (np.zeros((3, 4)), f"{NMS_NAME}: you returned boxes (shape (3, 4)); return their indices in `boxes` instead, "
     "e.g. [1, 4, 5]."),
])
def test_nms_mistakes_get_their_hint(got, text):
    assert greedy_nms(NMS_CASE["boxes"], NMS_CASE["scores"], 0.5) == [4, 1, 5]
    message = verdict("check_nms", NMS_CASE, {"keep": np.array(got)})
    assert message is None if text is None else message == text


def test_nms_keeps_a_box_whose_iou_equals_the_threshold():
    boxes, scores = np.array([(0, 0, 4, 4), (2, 0, 6, 4), (0, 20, 4, 24)]), np.array([0.9, 0.8, 0.7])
    case = {"boxes": boxes, "scores": scores, "threshold": 1 / 3}
    assert iou(boxes[0], boxes[1]) == 1 / 3 and greedy_nms(boxes, scores, 1 / 3) == [0, 1, 2]
    assert verdict("check_nms", case, {"keep": np.array([0, 1, 2])}) is None
    assert verdict("check_nms", case, {"keep": np.array([0, 2])}).endswith(
        " A box whose IoU with a kept box equals the threshold stays: suppress only an IoU above it (>, not >=).")


def test_nms_hidden_cases_hold_their_edges():
    for s in range(10):
        cases = EXERCISES["check_nms"].cases(True, f"secret {s}")
        assert [c["threshold"] for c in cases[:4]] == [1 / 3, 0.5, 0.0, 0.5]
        assert [len(c["boxes"]) for c in cases[:4]] == [3, 4, 3, 1]
        for c in cases[4:]:
            assert 0.3 <= c["threshold"] <= 0.6 and 2 <= len(c["boxes"]) <= 16
            assert all(x1 - x0 == 10 and y1 - y0 == 10 for x0, y0, x1, y1 in c["boxes"])
            assert len(set(c["scores"].tolist())) == len(c["scores"]) and c["scores"].min() > 0


SALIENCY = {"seed": 0, "size": 5, "classes": 3, "target": 1,
            "x": np.random.default_rng(0).normal(size=(1, 3, 5, 5)).astype(np.float32)}


def gradient(case, value):
    """d value(model(x)) / d x for the case's network, (3, H, W)."""
    model = saliency_network(case["seed"], case["size"], case["classes"])
    x = torch.from_numpy(case["x"]).requires_grad_(True)
    value(model(x)).backward()
    return x.grad[0].double().numpy()


G_SCORE = gradient(SALIENCY, lambda s: s[0, 1])


@pytest.mark.parametrize("out, text", [
    (G_SCORE.max(axis=0), "Take the absolute value of the gradient before the maximum over the colour channels: a "
     "large negative derivative matters as much as a large positive one."),
    (np.abs(G_SCORE).mean(axis=0), "Reduce the colour channels with the maximum of |gradient|, not the mean."),
    (np.abs(G_SCORE).sum(axis=0), "Reduce the colour channels with the maximum of |gradient|, not the sum."),
    (np.abs(gradient(SALIENCY, lambda s: s.softmax(1)[0, 1])).max(axis=0), "You took the gradient of the softmax "
     "probability; take the gradient of the class score (the logit, model(x)[0, target])."),
    (np.abs(gradient(SALIENCY, lambda s: torch.nn.functional.cross_entropy(s, torch.tensor([1])))).max(axis=0),
     "You took the gradient of the loss; take the gradient of the class score (the logit, model(x)[0, target])."),
    (np.abs(gradient(SALIENCY, lambda s: s[0, 2])).max(axis=0), "That is the map of the next class: index the score "
     "with target itself."),
    (np.abs(gradient(SALIENCY, lambda s: s[0].max())).max(axis=0), "That is the map of the top-scoring class: take "
     "the gradient of the score of target, model(x)[0, target]."),
    (np.abs(G_SCORE[0]), "Reduce the 3 colour channels with the maximum of |gradient|; you kept the first channel "
     "only."),
    (np.abs(G_SCORE), "Reduce the 3 colour channels to one map: the maximum of |gradient| over them."),
    (np.abs(G_SCORE)[None], "Return one (H, W) map: drop the batch axis and take the maximum of |gradient| over the "
     "colour channels."),
])
def test_saliency_mistakes_get_their_hint(out, text):
    assert verdict("check_saliency_map", SALIENCY, {"map": out}).endswith(" " + text)


def test_saliency_tolerance_and_cases():
    right = np.abs(G_SCORE).max(axis=0)
    assert verdict("check_saliency_map", SALIENCY, {"map": right + 5e-6}) is None
    near = right + 2e-5 * (right == right.max())
    assert "1 of 25 values differ" in verdict("check_saliency_map", SALIENCY, {"map": near})
    public = EXERCISES["check_saliency_map"].cases()
    assert [(c["seed"], c["size"], c["classes"], c["target"], c["x"].shape) for c in public] == [
        (0, 5, 3, 1, (1, 3, 5, 5)), (1, 6, 4, 0, (1, 3, 6, 6))]
    for s in range(10):
        cases = EXERCISES["check_saliency_map"].cases(True, f"secret {s}")
        assert [(c["seed"], c["size"], c["classes"], c["target"]) for c in cases[:2]] == [(21, 4, 5, 4), (22, 7, 2, 0)]
        assert all(4 <= c["size"] <= 8 and 2 <= c["classes"] <= 6 and 0 <= c["target"] < c["classes"] and
                   c["x"].shape == (1, 3, c["size"], c["size"]) for c in cases[2:])
