"""Chapters 5, 6 and 9's exercise checks (exercises/training.py, regularization.py, beyond.py) as a
learner meets them: the public cases each notebook shows, the spread of the hidden cases, messages
that name the call that went wrong, and ``hidden=True`` catching a mistake the public cases let
through. Oracles: hand-computed IoUs and keep lists, a greedy NMS, torch's autograd, the formulas."""

import numpy as np
import pytest

from cnncourse.exercises import (EXERCISES, ExerciseFailed, check_batch_norm_train, check_box_iou,
                                 check_conv2d_grad_weight, check_cross_entropy, check_dropout, check_momentum_step,
                                 check_nms, check_pad_and_crop, check_saliency_map)
from survivors_exercises import hidden_sets, verdict
from test_exercise_checks_beyond import iou_right, nms_right, saliency_right
from test_exercise_checks_regularization import make_batch_norm
from test_exercise_checks_training import cross_entropy, grad_weight, momentum_step
from test_survivors_exercises_checks_4to6 import torch_batch_norm
from test_survivors_exercises_checks_7to9 import G_SCORE, SALIENCY, gradient


def failure(check, learner):
    """The message ``check(learner, hidden=True)`` fails with, after ``check(learner)`` passed."""
    assert "correct" in check(learner)  # the public cases let the mistake through
    with pytest.raises(ExerciseFailed) as raised:
        check(learner, hidden=True)
    return str(raised.value)


def boxes_of(cases, key):
    """The boxes of each case as lists of (x0, y0, x1, y1) tuples."""
    return [[tuple(box) for box in case[key].tolist()] for case in cases]


# ----- chapter 9: box IoU

def test_box_iou_public_cases_are_an_overlap_the_same_box_boxes_apart_and_one_inside():
    cases = EXERCISES["check_box_iou"].cases()
    pairs = [(tuple(c["a"].tolist()), tuple(c["b"].tolist())) for c in cases]
    assert pairs == [((0, 0, 4, 4), (2, 2, 6, 6)), ((1, 1, 5, 4), (1, 1, 5, 4)), ((0, 0, 2, 2), (5, 5, 8, 9)),
                     ((0, 0, 10, 10), (2, 3, 5, 7))]
    assert [iou_right(a, b) for a, b in pairs] == [4 / 28, 1.0, 0.0, 12 / 100]


def second_box_first(a, b):
    """An IoU that starts the overlap at the second box's corner: right while b lies right of and below a."""
    w = max(0, min(a[2], b[2]) - b[0])
    h = max(0, min(a[3], b[3]) - b[1])
    return w * h / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h)


def test_hidden_box_iou_catches_an_overlap_started_at_the_second_box():
    # (-6, -4, -1, 2) and (-3, -5, 2, 0): the overlap is 2 x 4 = 8 of 30 + 25 - 8; from b's corner 2 x 5
    assert failure(check_box_iou, second_box_first) == (
        "second_box_first((-6, -4, -1, 2), (-3, -5, 2, 0)) gave 0.222222, expected 0.170213.")


def test_hidden_box_iou_draws_boxes_2_to_11_wide_on_either_side_of_each_other():
    corners, sides, shifts, apart = set(), set(), set(), set()
    for cases in hidden_sets("check_box_iou", 30):
        assert len(cases) == 10 and [tuple(c["a"].tolist()) for c in cases[:5]] == [
            (0, 0, 6, 4), (0, 1, 3, 5), (0, 0, 4, 3), (-6, -4, -1, 2), (1, 2, 9, 5)]
        for i, case in enumerate(cases[5:]):
            a, b = case["a"], case["b"]
            corners.update(a[:2].tolist())
            sides |= set((a[2:] - a[:2]).tolist()) | set((b[2:] - b[:2]).tolist())
            (apart if i == 3 else shifts).update((b[:2] - a[:2]).tolist())
        assert iou_right(cases[8]["a"], cases[8]["b"]) == 0
    assert sides == set(range(2, 12))  # never an empty or one-pixel box
    assert shifts == set(range(-5, 6))  # b starts left of / above a as often as right of / below it
    assert apart == set(range(25, 40)) and corners == set(range(20))


RECTANGLES = "box_iou((1, 2, 7, 5), (4, 3, 9, 10))"  # 6 x 3 and 5 x 7, overlap 3 x 2 = 6, union 18 + 35 - 6 = 47


@pytest.mark.parametrize("a, b, got, text", [
    ((1, 2, 7, 5), (4, 3, 9, 10), 6 / 47, None),
    ((1, 2, 7, 5), (4, 3, 9, 10), 6 / 53, f"{RECTANGLES} gave 0.113208, expected 0.12766. The union counts the "
     "overlap twice this way: subtract the intersection, area(a) + area(b) - intersection."),
    ((1, 2, 7, 5), (4, 3, 9, 10), 6 / 18, f"{RECTANGLES} gave 0.333333, expected 0.12766. You divided by the area of "
     "the first box: IoU divides by the area of the union."),
    ((1, 2, 7, 5), (4, 3, 9, 10), 12 / 64, f"{RECTANGLES} gave 0.1875, expected 0.12766. You added 1 to widths and "
     "heights, as for inclusive pixel coordinates; here x1 and y1 are exclusive, so the width is simply x1 - x0."),
    ((0, 1, 3, 3), (5, 4, 9, 5), 2 / 8, "box_iou((0, 1, 3, 3), (5, 4, 9, 5)) gave 0.25, expected 0. The boxes do not "
     "overlap, yet the overlap's width or height came out negative: clip each at 0 (max(0, ...)) before multiplying."),
    ((0, 1, 3, 3), (1, 5, 4, 8), -4 / 19, "box_iou((0, 1, 3, 3), (1, 5, 4, 8)) gave -0.210526, expected 0. The boxes "
     "do not overlap, yet the overlap's width or height came out negative: clip each at 0 (max(0, ...)) before "
     "multiplying."),
])
def test_box_iou_mistakes_on_rectangles_get_their_hint(a, b, got, text):
    """Rectangles whose four coordinates all differ: a hint computed with x for y (or a for b) is not given."""
    assert verdict("check_box_iou", {"a": np.array(a), "b": np.array(b)}, {"iou": got}) == text


# ----- chapter 9: non-maximum suppression

def test_nms_public_cases_and_what_they_keep():
    cases = EXERCISES["check_nms"].cases()
    assert boxes_of(cases, "boxes") == [
        [(0, 0, 10, 10), (1, 1, 11, 11), (2, 0, 12, 10), (30, 30, 40, 40), (31, 30, 41, 40), (60, 0, 70, 10)],
        [(0, 0, 10, 10), (1, 1, 11, 11), (2, 2, 12, 12), (3, 3, 13, 13)]]
    assert [(c["scores"].tolist(), c["threshold"]) for c in cases] == [
        ([0.6, 0.9, 0.7, 0.8, 0.95, 0.5], 0.5), ([0.9, 0.8, 0.7, 0.6], 0.6)]
    # by hand: 1 beats 0 (IoU 81/119) and 2 (81/119), 4 beats 3 (90/110); 0 drops 1 (81/119) and 3 (49/151
    # with 0, but 81/119 with the kept 2)
    assert [nms_right(c["boxes"], c["scores"], c["threshold"]) for c in cases] == [[4, 1, 5], [0, 2]]


def test_nms_hidden_edges_a_tie_at_the_threshold_tied_scores_threshold_0_and_one_box():
    for cases in hidden_sets("check_nms", 5):
        edges = cases[:4]
        assert boxes_of(edges, "boxes") == [[(0, 0, 4, 4), (2, 0, 6, 4), (0, 20, 4, 24)],
                                            [(0, 0, 10, 10), (1, 0, 11, 10), (30, 0, 40, 10), (31, 1, 41, 11)],
                                            [(0, 0, 5, 5), (4, 4, 9, 9), (5, 5, 10, 10)], [(3, 3, 7, 8)]]
        assert [c["scores"].tolist() for c in edges] == [[0.9, 0.8, 0.7], [0.5, 0.5, 0.7, 0.7], [0.3, 0.9, 0.6],
                                                         [0.2]]
        assert iou_right((0, 0, 4, 4), (2, 0, 6, 4)) == edges[0]["threshold"]  # 8 / 24, exactly
        assert [nms_right(c["boxes"], c["scores"], c["threshold"]) for c in edges] == [[0, 1, 2], [2, 0], [1], [0]]
    thresholds = [c["threshold"] for cases in hidden_sets("check_nms", 20) for c in cases[4:]]
    assert all(0.3 <= t <= 0.6 and round(t, 2) == t for t in thresholds)  # two decimals, as the message shows


def suppress_at_threshold(boxes, scores, threshold):
    """NMS that drops a box whose IoU equals the threshold too (>= instead of >)."""
    kept = []
    for i in sorted(range(len(boxes)), key=lambda i: -scores[i]):
        if all(iou_right(boxes[i], boxes[j]) < threshold for j in kept):
            kept.append(i)
    return kept


def test_hidden_nms_catches_suppressing_at_the_threshold():
    assert failure(check_nms, suppress_at_threshold) == (
        "suppress_at_threshold(boxes of shape (3, 4), scores, threshold=0.333333) kept [0, 2], expected [0, 1, 2]. "
        "A box whose IoU with a kept box equals the threshold stays: suppress only an IoU above it (>, not >=).")


def one_pass(boxes, scores, threshold):
    """The best box drops its neighbours, nothing more; equal scores keep their order, as in the reference."""
    order = sorted(range(len(boxes)), key=lambda i: -scores[i])
    return [order[0]] + [i for i in order[1:] if iou_right(boxes[order[0]], boxes[i]) <= threshold]


def test_one_pass_nms_gets_its_hint_when_ten_boxes_tie_for_the_best_score():
    boxes = np.array([(3 * i, 0, 3 * i + 10, 10) for i in range(20)])  # neighbours overlap 7/13 > 0.5
    scores = np.array([0.5] * 10 + [0.9] * 10)
    case = {"boxes": boxes, "scores": scores, "threshold": 0.5}
    assert nms_right(boxes, scores, 0.5) == [10, 12, 14, 16, 18, 0, 2, 4, 6, 8]
    got = one_pass(boxes, scores, 0.5)
    assert got[:3] == [10, 12, 13]
    assert verdict("check_nms", case, {"keep": np.array(got)}).endswith(
        " You dropped only the boxes that overlap the best box. Repeat: after keeping the best box, the best of "
        "the boxes still left is kept next, and drops the boxes that overlap it, until none is left.")


# ----- chapter 9: saliency maps

def test_a_saliency_near_miss_names_the_call_and_the_network():
    def my_saliency(model, x, target):
        right = saliency_right(model, x, target)
        return right + 2e-5 * (right == right.max())

    with pytest.raises(ExerciseFailed) as raised:
        check_saliency_map(my_saliency)
    assert str(raised.value).startswith("my_saliency(model, x of shape (1, 3, 5, 5), target=1) (a network with 3 "
                                        "classes): 1 of 25 values differ; at index [")
    shape = verdict("check_saliency_map", SALIENCY, {"map": np.abs(G_SCORE)})
    assert shape.startswith("saliency_map(model, x of shape (1, 3, 5, 5), target=1) (a network with 3 classes): "
                            "output shape (3, 5, 5), expected (5, 5).")


def test_the_next_class_of_the_last_class_is_class_0():
    case = dict(EXERCISES["check_saliency_map"].cases()[1], target=3)  # 4 classes
    class_0 = np.abs(gradient(case, lambda s: s[0, 0])).max(axis=0)
    assert verdict("check_saliency_map", case, {"map": class_0}).endswith(
        " That is the map of the next class: index the score with target itself.")


# ----- chapter 5: cross-entropy, a conv's weight gradient, momentum

def test_cross_entropy_public_cases_include_scores_that_overflow_exp():
    cases = EXERCISES["check_cross_entropy"].cases()
    assert [c["logits"].tolist() for c in cases] == [[[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]], [[1000.0, 0.0, -1000.0]]]
    assert [c["target"].tolist() for c in cases] == [[2, 2], [0]]
    assert cross_entropy(cases[1]["logits"], cases[1]["target"])[0] == 0.0  # exp(-1000) is 0 next to exp(0)


def three_classes(logits, target):
    """Cross-entropy with the one-hot rows of np.eye(3): the notebook's example has three classes."""
    loss, probabilities = cross_entropy(logits, target, one_hot=False)
    return loss, probabilities - np.eye(3)[target] / len(target)


def test_hidden_cross_entropy_catches_a_fixed_number_of_classes():
    assert failure(check_cross_entropy, three_classes) == (
        "three_classes(logits of shape (1, 4)) stopped with IndexError: index 3 is out of bounds for axis 0 with "
        "size 3. Try your function on this input in a cell of its own to see where.")


@pytest.mark.parametrize("answer, text", [
    (lambda z, t: (*cross_entropy(z, t), None), "my_cross_entropy(logits of shape (2, 3)) should return two things, "
     "the loss and its gradient, as a tuple: `return a, b`."),
    (lambda z, t: list(cross_entropy(z, t)), None),
])
def test_cross_entropy_returns_a_pair(answer, text):
    if text is None:
        assert "correct" in check_cross_entropy(answer)
    else:
        with pytest.raises(ExerciseFailed, match=None) as raised:
            check_cross_entropy(answer)
        assert str(raised.value) == text


def test_momentum_returning_only_the_parameter_is_told_to_return_two_things():
    with pytest.raises(ExerciseFailed) as raised:
        check_momentum_step(lambda p, g, v, lr, mu: momentum_step(p, g, v, lr, mu)[0])
    assert str(raised.value) == ("my_momentum_step (step 1) should return two things, the new parameter and the new "
                                 "velocity, as a tuple: `return a, b`.")


def test_hidden_cross_entropy_draws_every_batch_size_class_count_and_target():
    batches, classes, ends, scores = set(), set(), set(), []
    for cases in hidden_sets("check_cross_entropy", 40):
        batches.add(cases[3]["logits"].shape[0]), classes.add(cases[3]["logits"].shape[1])
        scores.extend(cases[3]["logits"].ravel())
        for case in cases[3:]:
            n, c = case["logits"].shape
            assert case["target"].shape == (n,) and set(case["target"].tolist()) <= set(range(c))
            ends.update({"first" for t in case["target"] if t == 0} | {"last" for t in case["target"] if t == c - 1})
    assert batches == set(range(2, 8)) and classes == set(range(3, 11)) and ends == {"first", "last"}
    assert 2.5 < np.std(scores) < 3.5  # scores of about +-3: a softmax neither flat nor one-hot


def height_for_width(x, grad_output, k):
    """A weight gradient that sweeps the output's height along both axes: right on square maps only."""
    side = grad_output.shape[2]
    return grad_weight(x[..., :side + k - 1], grad_output[..., :side], k)


def test_hidden_weight_gradient_catches_a_square_only_sweep():
    message = failure(check_conv2d_grad_weight, height_for_width)
    assert message.startswith("height_for_width(x of shape (1, 2, 3, 5), grad_output of shape (1, 3, 2, 4), 2): ")
    assert " values differ; at index [" in message


XG = np.random.default_rng(12).normal(size=(3, 2, 7, 5)).round(2)  # N, C_in, H, W all differ
GG = np.random.default_rng(13).normal(size=(3, 5, 6, 4)).round(2)  # N, C_out, H', W' all differ (k = 2)
XG_NAME = "my_conv2d_grad_weight(x of shape (3, 2, 7, 5), grad_output of shape (3, 5, 6, 4), 2)"


@pytest.mark.parametrize("mistake, text", [
    (lambda right: right.transpose(1, 0, 2, 3), "output shape (2, 5, 2, 2), expected (5, 2, 2, 2). The shape is "
     "(C_out, C_in, k, k): output channels first."),
    (lambda right: right[..., ::-1, ::-1], "The kernel is flipped: weight (a, b) meets the input at x[..., i + a, "
     "j + b], so no flipping is needed for the weights."),
    (lambda right: right / 3, "Don't divide by N: sum the contributions of the whole batch."),
    (lambda right: grad_weight(XG, GG, 2, first_only=True), "Only the first image counts: sum over the batch axis too."),
])
def test_weight_gradient_mistakes_on_a_case_whose_axes_all_differ_get_their_hint(mistake, text):
    case, right = {"x": XG, "grad_output": GG, "k": 2}, grad_weight(XG, GG, 2)  # a loop over the kernel's taps
    assert verdict("check_conv2d_grad_weight", case, {"grad": right}) is None
    message = verdict("check_conv2d_grad_weight", case, {"grad": mistake(right)})
    assert message.startswith(XG_NAME + ": ") and message.endswith(" " + text)


def test_hidden_weight_gradients_draw_batches_channels_and_maps_over_their_whole_ranges():
    batches, c_ins, c_outs, extra = set(), set(), set(), {1: set(), 2: set(), 3: set()}
    for case in [c for cases in hidden_sets("check_conv2d_grad_weight", 40) for c in cases[2:]]:
        (n, c_in, h, w), (_, c_out, _, _), k = case["x"].shape, case["grad_output"].shape, case["k"]
        batches.add(n), c_ins.add(c_in), c_outs.add(c_out)
        extra[k] |= {h - k, w - k}
        assert np.array_equal(case["x"], case["x"].round(2)) and np.array_equal(
            case["grad_output"], case["grad_output"].round(2))
    assert {cases[2]["k"] for cases in hidden_sets("check_conv2d_grad_weight", 10)} == {2, 3}
    assert batches == {2, 3} and c_ins == {1, 2, 3} and c_outs == {1, 2, 3, 4}
    assert extra == {k: {1, 2, 3, 4} for k in (1, 2, 3)}  # maps 1 to 4 pixels larger than the kernel


def test_momentum_cases_have_two_decimals_and_every_lr_and_momentum_is_drawn():
    public = EXERCISES["check_momentum_step"].cases()
    assert [(c["params"].shape, c["lr"], c["momentum"]) for c in public] == [((3, 3), 0.1, 0.9)]
    lrs, momenta, sides = set(), set(), set()
    for cases in hidden_sets("check_momentum_step", 30):
        for case in public + cases:  # the numbers a learner prints have two decimals
            start = case["params"][0]
            assert np.array_equal(start, start.round(2)) and np.array_equal(case["grads"], case["grads"].round(2))
        lrs.add(cases[2]["lr"]), momenta.add(cases[2]["momentum"]), sides.update(cases[2]["params"].shape[1:])
    assert lrs == {0.01, 0.05, 0.2} and momenta == {0.5, 0.8, 0.95} and sides == {2, 3, 4, 5}


@pytest.mark.parametrize("fixed, start, hint", [
    ("momentum", "my_momentum_step (step 2), the velocity: ", "Use the momentum argument (0 here), not a fixed 0.9."),
    ("lr", "my_momentum_step (step 1), the parameter: ", "Use the lr argument (0.3 here), not a fixed 0.1."),
])
def test_hidden_momentum_catches_the_public_case_numbers_written_in(fixed, start, hint):
    def written_in(param, grad, velocity, lr, momentum):  # 0.1 and 0.9 are the public case's lr and momentum
        return momentum_step(param, grad, velocity, **({"lr": 0.1, "momentum": momentum} if fixed == "lr" else
                                                        {"lr": lr, "momentum": 0.9}))

    message = failure(check_momentum_step, written_in)
    assert message.startswith(start) and message.endswith(" " + hint)


# ----- chapter 6: dropout and the padded crop

def test_dropout_cases_draw_x_between_1_and_5_and_the_edges_are_pinned():
    public = EXERCISES["check_dropout"].cases()
    for cases in hidden_sets("check_dropout", 10):
        edges = cases[:5]
        assert [(c["seed"], c["x"].shape, c["training"]) for c in edges] == [
            (3, (1, 3, 4), True), (4, (2, 3, 5), True), (5, (6,), True), (6, (3, 2), False), (7, (5, 4), True)]
        assert [c["p"] for c in edges[::3]] + [edges[4]["p"]] == [0.0, 0.7, 0.3]
        for c in edges[1:3]:  # p is the middle number the case's rng draws: u > p and u >= p differ there
            u = np.random.default_rng(c["seed"]).random(c["x"].shape).ravel()
            assert c["p"] == np.sort(u)[u.size // 2]
        for c in public + cases:
            x = c["x"]
            assert 1 <= x.min() and x.max() <= 5 and np.array_equal(x, x.round(2))
            assert x.size < 6 or x.max() - x.min() > 1  # spread out: a dropped value is never mistaken for x


def test_hidden_dropout_draws_one_to_three_axes_of_2_to_6():
    ndims, sides = set(), set()
    for case in [c for cases in hidden_sets("check_dropout", 20) for c in cases[5:]]:
        ndims.add(case["x"].ndim), sides.update(case["x"].shape)
        assert 0.1 <= case["p"] <= 0.8 and round(case["p"], 2) == case["p"]
    assert ndims == {1, 2, 3} and sides == {2, 3, 4, 5, 6}


def keep_above(x, p, rng, training):
    """Inverted dropout that keeps x where u > p: a number drawn equal to p is dropped."""
    return x * (rng.random(x.shape) > p) / (1 - p) if training else x


def test_hidden_dropout_catches_keeping_only_numbers_above_p():
    message = failure(check_dropout, keep_above)
    assert message.startswith("keep_above(x of shape (2, 3, 5), p=") and message.endswith(
        " Keep x where u >= p, not u > p: a number drawn exactly equal to p is kept (a value is dropped with "
        "probability p: where u < p).")


def test_dropout_returning_only_zeros_is_not_told_its_kept_values_are_scaled_right():
    case = {"x": np.array([[1.5, 2.0, 3.0], [4.0, 1.2, 2.2]]), "p": 0.5, "seed": 9, "training": True}  # keeps 5
    assert verdict("check_dropout", case, {"y": np.zeros((2, 3))}) == (
        "dropout(x of shape (2, 3), p=0.5, rng=np.random.default_rng(9), training=True): 5 of 6 values differ; at "
        "index [0, 0] you have 0, expected 3.")


@pytest.mark.parametrize("training", [True, False])
def test_dropout_returning_nothing_names_the_call(training):
    case = {"x": np.ones((2, 3)), "p": 0.25, "seed": 9, "training": training}
    assert verdict("check_dropout", case, {"y": None}) == (
        f"dropout(x of shape (2, 3), p=0.25, rng=np.random.default_rng(9), training={training}) returned None: "
        "did you forget the `return` statement?")
    assert verdict("check_dropout", case, {"y": "x"}) == (
        f"dropout(x of shape (2, 3), p=0.25, rng=np.random.default_rng(9), training={training}) returned str, "
        "expected an array of numbers.")


def test_hidden_crops_draw_rectangles_of_4_to_8_and_paddings_1_to_3():
    channels, sides, paddings = set(), set(), set()
    for case in [c for cases in hidden_sets("check_pad_and_crop", 30) for c in cases[4:]]:
        c, h, w = case["image"].shape
        channels.add(c), sides.update((h, w)), paddings.add(case["padding"])
    assert channels == {1, 2, 3} and sides == {4, 5, 6, 7, 8} and paddings == {1, 2, 3}
    for case in EXERCISES["check_pad_and_crop"].cases() + [c for cases in hidden_sets("check_pad_and_crop", 5)
                                                           for c in cases]:
        image = case["image"]  # never 0: a padded zero is told apart from a pixel
        assert 0.1 <= image.min() and image.max() <= 1 and np.array_equal(image, image.round(2))


def test_hidden_batch_norms_draw_every_batch_channel_and_map_size():
    batches, channels, sides = set(), set(), set()
    for case in [c for cases in hidden_sets("check_batch_norm_train", 30) for c in cases[3:]]:
        n, c, h, w = case["x"].shape
        batches.add(n), channels.add(c), sides.update((h, w))
    assert batches == {2, 3, 4, 5} and channels == {1, 2, 3, 4} and sides == {2, 3, 4, 5}


def test_batch_norm_cases_draw_their_statistics_over_their_ranges():
    public = EXERCISES["check_batch_norm_train"].cases()
    every = public + [c for cases in hidden_sets("check_batch_norm_train", 30) for c in cases]
    for case in every:
        assert all(np.array_equal(case[k], case[k].round(2)) for k in ("x", "running_mean", "running_var", "gamma",
                                                                         "beta"))
        assert all(0.5 <= case[k].min() and case[k].max() <= 2 for k in ("running_var", "gamma"))
    for k in ("running_var", "gamma"):
        pooled = np.concatenate([c[k] for c in every])
        assert pooled.min() < 0.6 and pooled.max() > 1.9
    x = np.concatenate([c["x"].ravel() for c in every if c["x"].shape[0] > 1 and c["eps"] != 0.5])
    assert abs(x.mean() - 2) < 0.5 and 2.5 < x.std() < 3.5  # x of mean 2 and spread 3, unlike the running mean
    hidden = [c for cases in hidden_sets("check_batch_norm_train", 30) for c in cases[3:]]
    assert {c["momentum"] for c in hidden} == {0.05, 0.2, 0.5} and {c["eps"] for c in hidden} == {1e-5, 1e-2, 0.1}


BN_RECT = {"x": np.random.default_rng(11).normal(2, 3, size=(2, 2, 2, 3)).round(2),
           "running_mean": np.array([0.4, -0.3]), "running_var": np.array([1.2, 0.8]), "gamma": np.array([1.5, 0.6]),
           "beta": np.array([0.2, -0.7]), "momentum": 0.3, "eps": 0.05}


@pytest.mark.parametrize("mistake, where, text", [
    ({"var_ddof": 1}, "out", "Normalize with the biased batch variance, the mean of the squared deviations (divide by "
     "M = N * H * W = 12); only the running variance uses the unbiased one."),
    ({"norm_axes": 0}, "out", "You computed a mean and a variance per position (over axis 0 only): batch "
     "normalization after a convolution has one mean and one variance per channel, over axes 0, 2 and 3 (the batch "
     "and every position)."),
    ({"norm_axes": None}, "out", "You computed one mean and variance over the whole batch: each channel has its own, "
     "over axes 0, 2 and 3."),
    ({"stats": "running"}, "out", "In training mode normalize with the statistics of the current batch, not the "
     "running ones (those are for evaluation)."),
    ({"running_ddof": 0}, "new_running_var", "PyTorch updates the running variance with the unbiased batch variance, "
     "the sum of squared deviations / (M - 1) with M = 12 values per channel (np.var(..., ddof=1)), even though it "
     "normalizes with the biased one."),
    ({"momentum_rule": "reversed"}, "new_running_mean", "momentum weighs the new batch: running = (1 - momentum) * "
     "running + momentum * batch_mean."),
])
def test_batch_norm_mistakes_on_a_2_x_3_map_get_their_hint(mistake, where, text):
    """A map of 2 x 3: a count or an axis taken from the height for the width shows."""
    args = [BN_RECT[k] for k in ("x", "running_mean", "running_var", "gamma", "beta", "momentum", "eps")]
    out, mean, var = torch_batch_norm(BN_RECT)
    assert verdict("check_batch_norm_train", BN_RECT, {"out": out, "mean": mean, "var": var}) is None
    got = dict(zip(("out", "mean", "var"), make_batch_norm(**mistake)(*[np.copy(a) for a in args])))
    message = verdict("check_batch_norm_train", BN_RECT, got)
    assert message.startswith(f"batch_norm_train(x of shape (2, 2, 2, 3), ..., momentum=0.3, eps=0.05) -> {where}: ")
    assert message.endswith(" " + text)


def squeezed_statistics(*args):
    """Batch norm whose running statistics lose their keepdims axes by .squeeze(): with one channel, too."""
    out, mean, var = make_batch_norm(keepdims=True)(*args)
    return out, mean.squeeze(), var.squeeze()


def test_hidden_batch_norm_catches_statistics_squeezed_to_no_axis_for_one_channel():
    assert failure(check_batch_norm_train, squeezed_statistics) == (
        "squeezed_statistics(x of shape (3, 1, 1, 3), ..., momentum=1, eps=0.001) -> new_running_mean: output shape "
        "(), expected (1,).")


def pad_by_slices(image, padding, top, left):
    """Zeros with the image written into [p:-p]: an empty window at padding 0."""
    c, h, w = image.shape
    padded = np.zeros((c, h + 2 * padding, w + 2 * padding))
    padded[:, padding:-padding, padding:-padding] = image
    return padded[:, top:top + h, left:left + w]


def test_hidden_crop_catches_a_padding_written_in_by_negative_slices():
    assert failure(check_pad_and_crop, pad_by_slices).startswith(
        "pad_by_slices(image of shape (2, 3, 5), padding=0, top=0, left=0) stopped with ValueError: ")
