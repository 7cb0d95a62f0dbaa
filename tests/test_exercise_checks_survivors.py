"""What a mutation audit found unguarded in the checks, pinned by behaviour: each shape hint on the
non-square case it exists for, the hidden case sets (how many, and which edges), and near misses
just above every check's tolerance."""

import numpy as np
import pytest
import torch

from cnncourse.exercises import EXERCISES, ExerciseFailed
from cnncourse.functional import corr2d, max_pool2d
from cnncourse.threads import one_thread
from tools.check_strength import define, solutions


def fails(check, case, out, words):
    with pytest.raises(ExerciseFailed) as info:
        EXERCISES[check].compare(case, out)
    assert words in str(info.value)


RNG = np.random.default_rng(0)
X = RNG.integers(-5, 6, size=(5, 8)).astype(float)  # 5 rows, 8 columns: every swap shows
K = RNG.integers(-2, 3, size=(2, 3)).astype(float)
IMAGE = RNG.uniform(0.1, 1, size=(2, 4, 7)).round(2)
BATCH = RNG.normal(size=(2, 3, 4, 5))


@pytest.mark.parametrize("check, case, out, words", [
    ("check_corr2d", {"x": X, "k": K}, {"y": corr2d(X, K).T}, "Height and width are swapped"),
    ("check_corr2d", {"x": X, "k": K}, {"y": corr2d(X, K)[:-1, :-1]}, "range(n - k + 1)"),
    ("check_max_pool", {"x": X, "k": 2, "s": 1}, {"y": max_pool2d(X[None], 2, 1)[0].T}, "Height and width are swapped"),
    ("check_max_pool", {"x": X, "k": 2, "s": 2}, {"y": max_pool2d(X[None], 2, 1)[0]}, "move it by the stride"),
    ("check_zero_pad", {"x": X, "p": 2}, {"y": np.pad(X, ((2, 2), (0, 0))), "changed": False}, "Only the rows"),
    ("check_zero_pad", {"x": X, "p": 2}, {"y": np.pad(X, ((0, 0), (2, 2))), "changed": False}, "Only the columns"),
    ("check_strided_conv", {"x": X, "k": K, "stride": 2, "padding": 1},
     {"y": corr2d(np.pad(X, 1), K)}, "stride-1 output"),
    ("check_global_avg_pool", {"x": BATCH}, {"y": BATCH.mean(axis=1)}, "averaged over the channels (axis 1)"),
    ("check_global_avg_pool", {"x": BATCH}, {"y": BATCH.mean(axis=0)}, "averaged over the batch (axis 0)"),
    ("check_pad_and_crop", {"image": IMAGE, "padding": 2, "top": 1, "left": 3},
     {"y": np.pad(IMAGE, ((0, 0), (2, 2), (2, 2)))[:, 3:7, 1:8]}, "you swapped them"),
])
def test_each_shape_hint_fires_on_the_non_square_case_it_exists_for(check, case, out, words):
    fails(check, case, out, words)


# How many hidden cases each exercise draws (fixed edges first, then random ones).
HIDDEN_COUNT = {
    "check_corr2d": 6, "check_multichannel_conv": 6, "check_conv_layer_params": 8, "check_output_size": 1,
    "check_zero_pad": 4, "check_strided_conv": 8, "check_max_pool": 9, "check_max_pool_backward": 8,
    "check_global_avg_pool": 6, "check_relu": 4, "check_softmax": 5, "check_softmax_backward": 5,
    "check_cross_entropy": 6, "check_conv2d_grad_weight": 5, "check_momentum_step": 3, "check_dropout": 9,
    "check_batch_norm_train": 6, "check_pad_and_crop": 7, "check_residual_block": 5,
    "check_vgg_block_parameters": 6, "check_separable_block": 5, "check_separable_cost_ratio": 5,
    "check_count_trainable": 7, "check_prepare_for_transfer": 5, "check_cache_outputs": 3, "check_box_iou": 10,
    "check_nms": 7, "check_saliency_map": 5,
}


@pytest.mark.parametrize("secret", ["one secret", "another"])
def test_the_hidden_case_sets_are_pinned_by_count(secret):
    assert {check: len(exercise.cases(True, secret)) for check, exercise in EXERCISES.items()} == HIDDEN_COUNT
    rows = EXERCISES["check_output_size"].cases(True, secret)[0]["nfsp"]
    assert len(rows) == 11  # five edges and six random rows


def _iou(a, b):
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return w * h / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h)


@pytest.mark.parametrize("secret", ["one secret", "another"])
def test_the_hidden_cases_hold_their_edges_for_every_secret(secret):
    def hidden(check):
        return EXERCISES[check].cases(True, secret)
    assert all(c["x"].shape[0] != c["x"].shape[1] for c in hidden("check_corr2d"))
    assert any(c["k"].shape == c["x"].shape for c in hidden("check_corr2d"))
    assert any(c["k"].shape == (1, 1) for c in hidden("check_corr2d"))
    dropout = hidden("check_dropout")
    assert any(c["p"] == 0 for c in dropout) and any(not c["training"] for c in dropout)
    assert any(c["x"].shape[0] == 1 for c in dropout)
    assert any(c["p"] in np.random.default_rng(c["seed"]).random(c["x"].shape) for c in dropout)  # a tie u == p
    norms = hidden("check_batch_norm_train")
    assert {0.0, 1.0} <= {c["momentum"] for c in norms} and any(c["eps"] >= 0.5 for c in norms)
    assert any(c["x"].shape[0] == 1 for c in norms) and len({c["momentum"] for c in norms}) >= 3
    crops = hidden("check_pad_and_crop")
    assert any(c["padding"] == 0 for c in crops)
    assert any(c["top"] == 2 * c["padding"] > 0 for c in crops) and any(c["left"] == 2 * c["padding"] > 0
                                                                        for c in crops)
    ious = [_iou(c["a"], c["b"]) for c in hidden("check_box_iou")]
    assert 0 in ious and any(0 < i < 1 for i in ious)
    assert any(c["a"].min() < 0 for c in hidden("check_box_iou"))
    nms = hidden("check_nms")
    # exact: the IoU of whole-number boxes and the threshold 1/3 are the same correctly rounded quotient
    assert any(any(_iou(a, b) == c["threshold"] for a in c["boxes"] for b in c["boxes"]) for c in nms)
    assert any(len(set(c["scores"])) < len(c["scores"]) for c in nms)  # tied scores
    assert any(c["threshold"] == 0 for c in nms) and any(len(c["boxes"]) == 1 for c in nms)
    blocks = hidden("check_residual_block")
    assert any(c["x"].shape[0] == 1 for c in blocks) and any(c["x"].shape[2] != c["x"].shape[3] for c in blocks)
    assert any(c["stride"] == 2 and c["c_in"] == c["c_out"] for c in blocks)
    assert any(c["stride"] == 1 and c["c_in"] > c["c_out"] for c in blocks)
    assert any(c["x"].shape[0] == 1 for c in hidden("check_prepare_for_transfer"))
    assert any(c["num_classes"] == 1 for c in hidden("check_prepare_for_transfer"))
    assert any(c["momentum"] == 0 for c in hidden("check_momentum_step"))
    assert any(c["tied"] for c in hidden("check_count_trainable"))  # a weight shared by two layers
    assert any(r[1] == r[0] for r in hidden("check_output_size")[0]["nfsp"])  # kernel as large as the input


def _nudged(value, delta, part):
    """``value`` (an array, a tensor, a float or a tuple of them) with ``delta`` added to one number of
    component ``part``."""
    if isinstance(value, tuple):
        return tuple(_nudged(v, delta, None) if i == part else v for i, v in enumerate(value))
    if isinstance(value, torch.Tensor):
        bump = torch.zeros_like(value)
        bump.view(-1)[-1] = delta
        return value + bump  # keeps the gradient graph
    if isinstance(value, np.ndarray):
        value = value.astype(float)
        value.flat[np.flatnonzero(value)[-1] if value.any() else -1] += delta
        return value
    return value + delta


def near_miss(check, delta, part=None):
    """The notebook's reference answer, off by ``delta`` in one number of its result."""
    _, source, before, names = solutions()[check]
    functions = define(before + [source], names)
    if check in ("check_residual_block", "check_separable_block"):
        def build(*args):
            module = functions[0](*args)
            module.register_forward_hook(lambda m, inputs, output: _nudged(output, delta, None))
            return module
        return [build]
    if check == "check_prepare_for_transfer":
        def prepare(model, num_classes):
            model = functions[0](model, num_classes)
            model.register_forward_hook(lambda m, inputs, output: _nudged(output, delta, None))
            return model
        return [prepare]
    index = 1 if check == "check_relu" and part == 1 else 0
    nudged = list(functions)
    nudged[index] = lambda *args: _nudged(functions[index](*args), delta, part)
    return nudged


# (check, part of the result, delta): about ten times the check's tolerance.
NEAR_MISSES = [
    ("check_corr2d", None, 1e-5), ("check_multichannel_conv", None, 1e-5), ("check_zero_pad", None, 1e-5),
    ("check_strided_conv", None, 1e-5), ("check_max_pool", None, 1e-5), ("check_max_pool_backward", None, 1e-5),
    ("check_global_avg_pool", None, 1e-5), ("check_relu", None, 1e-5), ("check_relu", 1, 1e-5),
    ("check_softmax", None, 1e-5), ("check_softmax_backward", None, 1e-5), ("check_cross_entropy", 0, 1e-5),
    ("check_cross_entropy", 1, 1e-5), ("check_conv2d_grad_weight", None, 1e-5), ("check_momentum_step", 0, 1e-5),
    ("check_momentum_step", 1, 1e-5), ("check_dropout", None, 1e-5), ("check_batch_norm_train", 0, 1e-5),
    ("check_batch_norm_train", 1, 1e-5), ("check_batch_norm_train", 2, 1e-5), ("check_pad_and_crop", None, 1e-5),
    ("check_residual_block", None, 1e-3), ("check_separable_block", None, 1e-3),
    ("check_separable_cost_ratio", None, 1e-8), ("check_prepare_for_transfer", None, 1e-3),
    ("check_cache_outputs", None, 1e-4), ("check_saliency_map", None, 1e-4), ("check_box_iou", None, 1e-8),
]


@pytest.mark.parametrize("check, part, delta", NEAR_MISSES)
def test_a_near_miss_fails_at_the_checks_tolerance(check, part, delta):
    with one_thread():
        assert EXERCISES[check].check(*near_miss(check, 0.0, part))  # the reference itself passes
        with pytest.raises(ExerciseFailed):
            EXERCISES[check].check(*near_miss(check, delta, part))



@pytest.mark.parametrize("check", sorted(EXERCISES))
def test_every_argument_takes_at_least_two_values_across_the_cases(check):
    cases = EXERCISES[check].cases() + EXERCISES[check].cases(True, "one secret")
    for key in cases[0]:
        values = {repr(case[key].tolist()) if isinstance(case[key], np.ndarray) else repr(case[key]) for case in cases}
        assert len(values) >= 2, (check, key)
    if check == "check_output_size":  # one case of rows (n, f, s, p): each column varies
        rows = np.concatenate([case["nfsp"] for case in cases])
        assert all(len(set(column)) >= 2 for column in rows.T)
