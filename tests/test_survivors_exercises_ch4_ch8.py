"""Chapters 4 and 8's exercise checks (ReLU, softmax and its gradient; counting what trains, a new head on
a frozen network, the cache of a frozen layer's outputs), pinned by what a learner sees: each message
whole, naming the learner's call; a mistake that only the hidden cases hold is caught with hidden=True
and missed without; a near miss at each tolerance refused; the networks and hidden cases of the kind
the exercises promise. Oracles: hand counts of tiny networks, hand-computed messages, torch."""

import json
import os

import numpy as np
import pytest
import torch
from torch import nn

from cnncourse.exercises import (EXERCISES, ExerciseFailed, check_cache_outputs, check_count_trainable,
                                 check_prepare_for_transfer, check_relu, check_softmax, check_softmax_backward)
from cnncourse.exercises.exercise import Learner
from survivors_exercises import hidden_sets, verdict
from test_exercise_checks_pooling_activations import relu, relu_grad, stable_softmax
import test_transfer_exercises
from test_transfer_exercises import (broken_forward, classes_plus_one, count_trainable, fixed_inputs,
                                     freeze_but_keep_head, make_cache, no_return, only_head_replaced,
                                     prepare_for_transfer, replace_then_freeze)

single_thread = test_transfer_exercises.single_thread  # its autouse fixture: torch on one thread


def failure(check, *answers, hidden=False):
    """The message a learner sees when ``check`` refuses ``answers``."""
    with pytest.raises(ExerciseFailed) as info:
        check(*answers, hidden=hidden)
    return str(info.value)


# ----- chapter 4: ReLU and its derivative

def absolute(x):
    return np.abs(x)


def leaky(x):
    return np.maximum(x, 0.01 * x)


def negative_part(x):
    return np.minimum(x, 0)


def step_at_zero(x):
    return (x >= 0).astype(float)


def reversed_step(x):
    return (x < 0).astype(float)


# The public input is [[-3, -0.5, 0], [0.5, 3, 100]]: ReLU gives [[0, 0, 0], [0.5, 3, 100]], its slope
# [[0, 0, 0], [1, 1, 1]].
@pytest.mark.parametrize("answers, message", [
    ((absolute, relu_grad), "absolute(x of shape (2, 3)): 2 of 6 values differ; at index [0, 0] you have 3, "
     "expected 0. Negative inputs must become 0, not |x|."),
    ((leaky, relu_grad), "leaky(x of shape (2, 3)): 2 of 6 values differ; at index [0, 0] you have -0.03, "
     "expected 0. That is a leaky ReLU: negative inputs become 0."),
    ((negative_part, relu_grad), "negative_part(x of shape (2, 3)): 5 of 6 values differ; at index [0, 0] you "
     "have -3, expected 0. That keeps the negative part: ReLU keeps max(x, 0)."),
    ((relu, relu), "relu(x of shape (2, 3)): 3 of 6 values differ; at index [1, 0] you have 0.5, expected 1. "
     "That is ReLU itself, not its derivative: the slope is 1 where x > 0 and 0 where x < 0."),
    ((relu, step_at_zero), "step_at_zero(x of shape (2, 3)): 1 of 6 values differ; at index [0, 2] you have 1, "
     "expected 0. At x = 0 ReLU has a kink and no derivative; use 0 there, as PyTorch does (x > 0, not x >= 0)."),
    ((relu, reversed_step), "reversed_step(x of shape (2, 3)): 5 of 6 values differ; at index [0, 0] you have "
     "1, expected 0. The slope is 1 for positive inputs and 0 for negative ones, not the other way round."),
])
def test_relu_messages_name_the_learners_call_and_give_the_hint(answers, message):
    assert failure(check_relu, *answers) == message


def grad_above_tolerance(x):
    return (x > 1e-6).astype(float)


def rows_loop_relu(x):
    return np.array([[max(v, 0.0) for v in row] for row in x])


def softmax_of_three_rows(x):
    exps = np.exp(x - x.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1).reshape(3, 1)


def backward_of_two_rows(grad_output, y):
    return y * (grad_output - (grad_output * y).sum(axis=1).reshape(2, 1))


@pytest.mark.parametrize("check, answers, words", [
    # x > 1e-6 instead of x > 0: only the hidden inputs +-1e-9 tell
    (check_relu, (relu, grad_above_tolerance), "grad_above_tolerance(x of shape (5,)): 1 of 5 values differ; "
     "at index [3] you have 0, expected 1."),
    # a loop over the rows of a matrix: the hidden 1-D and 3-D inputs break it
    (check_relu, (rows_loop_relu, relu_grad), "rows_loop_relu(x of shape (5,)) stopped with TypeError"),
    # the public input has three rows, the hidden ones not
    (check_softmax, (softmax_of_three_rows,), "softmax_of_three_rows(x of shape (2, 3)) stopped with ValueError"),
    # the public case has two rows, the hidden batch-1 edge not
    (check_softmax_backward, (backward_of_two_rows,), "backward_of_two_rows(grad_output of shape (1, 4), y of "
     "shape (1, 4)) stopped with ValueError"),
])
def test_activation_mistakes_that_only_hidden_cases_hold(check, answers, words):
    assert "correct" in check(*answers)
    assert failure(check, *answers, hidden=True).startswith(words)


def test_softmax_messages_name_the_learners_call():
    def row_sums(x):
        return stable_softmax(x).sum(axis=1)
    assert failure(check_softmax, row_sums) == (
        "row_sums(x of shape (3, 3)): output shape (3,), expected (3, 3). Return one probability per score, "
        "shape (N, K): divide by the row sums, don't return them.")
    with np.errstate(over="ignore", invalid="ignore"):
        overflowing = failure(check_softmax, lambda x: np.exp(x) / np.exp(x).sum(axis=1, keepdims=True))
    assert overflowing.startswith("softmax(x of shape (3, 3)): the result holds nan or inf (first in row 1).")


X23 = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, 1.0]])  # N = 2 rows, K = 3 scores


@pytest.mark.parametrize("shape, hint", [
    ((2,), " Return one probability per score, shape (N, K): divide by the row sums, don't return them."),
    ((2, 1), " Return one probability per score, shape (N, K)."),
    ((3,), ""),  # one value per score (K), or K x 1: no hint fits a sum over the wrong axis
    ((3, 1), ""),
    ((1, 2), ""),
])
def test_softmax_shape_hints_follow_the_rows_not_the_scores(shape, hint):
    out = {"y": np.full(shape, 0.5), "changed": False}
    assert verdict("check_softmax", {"x": X23}, out) == (
        f"softmax(x of shape (2, 3)): output shape {shape}, expected (2, 3).{hint}")


def test_softmax_overflow_hint_names_the_first_row_with_nan_or_inf():
    y = torch.softmax(torch.tensor(X23), dim=1).numpy()
    y[1, 2] = np.inf
    assert verdict("check_softmax", {"x": X23}, {"y": y, "changed": False}).startswith(
        "softmax(x of shape (2, 3)): the result holds nan or inf (first in row 1). Overflow: subtract the max")


def jacobian_softmax_grad(y, grad_output):
    """Each row's upstream gradient times softmax's Jacobian, dy_i/dx_j = y_i (delta_ij - y_j), built whole."""
    return np.stack([(np.diag(row) - np.outer(row, row)).T @ g for row, g in zip(y, grad_output)])


def test_softmax_backward_messages_name_the_call_and_the_shapes():
    logits, g = [[0.2, 1.0, -0.7, 0.0], [2.0, 0.1, 0.4, -1.0]], np.array([[0.5, -1.0, 2.0, 0.0], [1.0, 0.3, -0.5, 2.0]])
    y = torch.softmax(torch.tensor(logits, dtype=torch.float64), dim=1).numpy()
    case, name = {"grad_output": g, "y": y}, "softmax_backward(grad_output of shape (2, 4), y of shape (2, 4)): "
    assert verdict("check_softmax_backward", case, {"grad": jacobian_softmax_grad(y, g)}) is None
    message = verdict("check_softmax_backward", case, {"grad": g})
    assert message.startswith(name) and "values differ" in message
    assert message.endswith(" Softmax changes the gradient on its way back: apply its Jacobian, y * (g - sum(g * y, "
                            "axis=1, keepdims=True)).")
    assert verdict("check_softmax_backward", case, {"grad": g[:1]}) == (
        name + "output shape (1, 4), expected (2, 4).")


def test_softmax_backward_hidden_edges_and_random_gradients():
    """The two edges every hidden set starts with, as the docstring names them: y = softmax([[20, 0, -5],
    [1, 1, 1]]) under a gradient with both signs in each row, then one row under a constant gradient;
    the random gradients after them have two decimals."""
    for cases in hidden_sets("check_softmax_backward", 2):
        confident, single = cases[0], cases[1]
        np.testing.assert_allclose(confident["y"], torch.softmax(torch.tensor([[20.0, 0.0, -5.0], [1.0, 1.0, 1.0]],
                                                                              dtype=torch.float64), dim=1), rtol=1e-12)
        assert confident["grad_output"].tolist() == [[0.5, -1.0, 2.0], [1.0, -2.0, 0.25]]
        np.testing.assert_allclose(single["y"], torch.softmax(torch.tensor([[0.3, -1.2, 2.0, 0.0]],
                                                                           dtype=torch.float64), dim=1), rtol=1e-12)
        assert single["grad_output"].tolist() == [[0.7] * 4]
        drawn = np.concatenate([c["grad_output"].ravel() for c in cases[2:]])  # two decimals, as printed
        assert np.array_equal(drawn, drawn.round(2)) and not np.array_equal(drawn, drawn.round(1))


# ----- chapter 8: count_trainable(model)

# Hand counts. Network [3, 6, 8]: block1 = conv 3*6*9 + 6 = 168, batch norm 6 + 6 -> 180; block2 = conv
# 6*8*9 + 8 = 440, batch norm 16 -> 456; classifier.fc 8*4 + 4 = 36; 672 in all. Running mean and
# variance: 2 * (6 + 8) = 28 values. The first public case trains the classifier only (2 tensors).
COUNT_NAME = "count_trainable(network [3, 6, 8], 2 trainable tensors)"


@pytest.mark.parametrize("answer, given, hint", [
    (lambda m: sum(p.numel() for p in m.parameters()), 672,
     "That is every parameter: count only those with p.requires_grad."),
    (lambda m: sum(p.numel() for p in m.parameters() if not p.requires_grad), 636,
     "That is the frozen ones: count those whose requires_grad is True."),
    (lambda m: sum(1 for p in m.parameters() if p.requires_grad), 2,
     "That is the number of parameter tensors; add up their sizes, p.numel()."),
    (lambda m: sum(p.numel() for n, p in m.named_parameters() if p.requires_grad and n.endswith("weight")), 32,
     "Biases are parameters too: count every p in model.parameters() with p.requires_grad."),
    (lambda m: sum(t.numel() for n, t in m.state_dict(keep_vars=True).items()
                   if "num_batches" not in n and (not isinstance(t, nn.Parameter) or t.requires_grad)), 64,
     "Batch norm's running mean and variance are buffers, not parameters: use model.parameters(), not the "
     "state dict."),
    (lambda m: 35, 35, None),
])
def test_count_trainable_messages_are_whole(answer, given, hint):
    expected = f"{COUNT_NAME} gave {given}, expected 36." + (f" {hint}" if hint else "")
    assert failure(check_count_trainable, answer) == expected


def count_cases():
    return hidden_sets("check_count_trainable", 1)[0]


def count_verdict(case, n):
    return verdict("check_count_trainable", case, {"n": n})


def test_count_trainable_shared_weight_edge():
    """Network [3, 5, 5, 5] whose block3 convolution shares block2's weight, block2, block3 and the
    classifier trainable (9 tensors; block3 lists no weight of its own): block2 = 5*5*9 + 5 + 10 = 240,
    block3 = bias 5 + batch norm 10, classifier 5*4 + 4 = 24 -> 279. Looping over the layers counts
    the shared 225 weights twice: 504."""
    case = count_cases()[3]
    name = "count_trainable(network [3, 5, 5, 5], 9 trainable tensors, a weight shared by two layers)"
    assert count_verdict(case, 279) is None
    assert count_verdict(case, 504) == (
        f"{name} gave 504, expected 279. A weight shared by two layers is one parameter: count it once "
        "(model.parameters() lists it once; looping over the layers counts it twice).")


def test_count_trainable_edges_frozen_all_and_biases_only():
    """[3, 5, 4] frozen: 0. [3, 4, 6] all trainable: 3*4*9+4 + 8 + 4*6*9+6 + 12 + 6*4+4 = 382. [3, 4, 2]
    with only the biases (conv, batch norm, linear) trainable: 4 + 4 + 2 + 2 + 4 = 16."""
    frozen, everything, biases, shared = count_cases()[:4]
    assert [(c["widths"].tolist(), c["tied"]) for c in (frozen, everything, biases, shared)] == [
        ([3, 5, 4], 0), ([3, 4, 6], 0), ([3, 4, 2], 0), ([3, 5, 5, 5], 1)]
    assert count_verdict(frozen, 0) is None
    assert count_verdict(everything, 382) is None
    assert count_verdict(biases, 16) is None
    assert count_verdict(biases, 0) == (
        "count_trainable(network [3, 4, 2], 5 trainable tensors) gave 0, expected 16. Biases are parameters too: "
        "count every p in model.parameters() with p.requires_grad.")


def per_layer(model):
    return sum(p.numel() for m in model.modules() for p in m.parameters(recurse=False) if p.requires_grad)


def test_count_trainable_hidden_cases_catch_a_count_over_the_layers():
    assert "Well done" in check_count_trainable(per_layer)
    assert failure(check_count_trainable, per_layer, hidden=True).startswith(
        "per_layer(network [3, 5, 5, 5], 9 trainable tensors, a weight shared by two layers) gave 504, expected 279.")


def test_count_trainable_random_hidden_cases_span_their_ranges():
    widths, masks = [], []
    for cases in hidden_sets("check_count_trainable", 12):
        assert [len(c["widths"]) - 1 for c in cases[4:]] == [2, 3, 4]
        for case in cases[4:]:
            assert case["widths"][0] == 3 and not case["tied"]
            assert len(case["mask"]) == 4 * (len(case["widths"]) - 1) + 2  # conv, batch norm: 2 each; fc: 2
            widths += case["widths"][1:].tolist()
            masks += case["mask"].tolist()
    assert set(widths) == set(range(2, 12)) and set(masks) == {0, 1}


def layout(model):
    return [(name, type(module).__name__) for name, module in model.named_modules() if name]


def test_count_trainable_networks_are_conv_blocks_and_a_pooled_linear_head():
    """The learner gets working networks laid out as chapter 8 describes them; in the shared-weight
    case the two convolutions share one weight tensor."""
    seen = []

    def recording(model):
        seen.append(model)
        return count_trainable(model)
    assert "Well done" in check_count_trainable(recording, hidden=True)
    blocks = [(f"block{b}{part}", kind) for b in (1, 2) for part, kind in
              (("", "Sequential"), (".0", "Conv2d"), (".1", "BatchNorm2d"), (".2", "ReLU"))]
    assert layout(seen[0]) == blocks + [("classifier", "Sequential"), ("classifier.pool", "AdaptiveAvgPool2d"),
                                        ("classifier.flatten", "Flatten"), ("classifier.fc", "Linear")]
    shared = seen[3]
    assert shared.block3[0].weight is shared.block2[0].weight
    assert shared(torch.zeros(1, 3, 4, 3)).shape == (1, 4)


# ----- chapter 8: prepare_for_transfer(model, num_classes)

# The first public case: network [3, 6, 8], 5 classes, a batch of 2 images of 6 x 5 pixels.
def bias_only_unfrozen(model, num_classes):
    replace_then_freeze(model, num_classes).classifier.fc.bias.requires_grad_(True)
    return model


def statistics_adapting(model, num_classes):
    """AdaBN: batch norms in eval mode that switch to training for each forward pass."""
    prepare_for_transfer(model, num_classes)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.register_forward_pre_hook(lambda layer, inputs: setattr(layer, "training", True))
    return model


def stepped_before_freezing(model, num_classes):
    model.eval()
    model(torch.ones(1, 3, 4, 4)).sum().backward()  # the trunk's .grad stay after freezing
    return prepare_for_transfer(model, num_classes)


def replaced_without_bias(model, num_classes):
    prepare_for_transfer(model, num_classes)
    model.classifier.fc = nn.Linear(model.classifier.fc.in_features, num_classes, bias=False)
    return model


def statistics_reset(model, num_classes):
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.reset_running_stats()
    return prepare_for_transfer(model, num_classes)


def still_training(model, num_classes):
    for p in model.parameters():
        p.requires_grad_(False)
    model.classifier.fc = nn.Linear(model.classifier.fc.in_features, num_classes)
    return model


def head_returned(model, num_classes):
    return nn.Linear(model.classifier.fc.in_features, num_classes)


@pytest.mark.parametrize("answer, message", [
    (no_return, " returned None: return the model at the end."),
    (head_returned, " gave Linear; return the model, with an nn.Linear at model.classifier.fc."),
    (freeze_but_keep_head, ": model.classifier.fc is still the old layer, with 4 outputs. Assign a new one: "
     "model.classifier.fc = nn.Linear(...)."),
    (classes_plus_one, ": the new head has 6 outputs, expected one per class, 5."),
    (fixed_inputs, ": the new head takes 1280 inputs but the layer before gives 8: use "
     "model.classifier.fc.in_features."),
    (replaced_without_bias, ": the new head has no bias; nn.Linear(in_features, num_classes) has one."),
    (replace_then_freeze, ": the new head is frozen too. Freeze the network first and replace the head after (a new "
     "layer's parameters require gradients), or unfreeze the head."),
    (bias_only_unfrozen, ": the new head is frozen too. Freeze the network first and replace the head after (a "
     "new layer's parameters require gradients), or unfreeze the head."),
    # block1 and block2: conv weight and bias, batch norm weight and bias
    (only_head_replaced, ": 8 parameter tensors outside the head still train (e.g. block1.0.weight): call "
     "requires_grad_(False) on every parameter but the head's."),
    # the running mean and variance of both batch norms
    (statistics_reset, ": 4 pretrained tensors changed (e.g. block1.1.running_mean): keep the pretrained "
     "weights and statistics as they are; only the head is new."),
    (still_training, ": 2 batch norm layers are still in training mode (e.g. block1.1), so a forward pass "
     "would replace their pretrained running statistics: put every batch norm layer in eval mode "
     "(module.eval())."),
    (broken_forward, ": the returned model stopped with RuntimeError on a batch of images."),
    (statistics_adapting, ": a forward pass changed the running statistics of block1.1.running_mean: put every "
     "batch norm layer in eval mode."),
    (stepped_before_freezing, ": gradients should reach the head's weight and bias only (they reached "
     "block1.0.weight)."),
])
def test_prepare_for_transfer_messages_are_whole(answer, message):
    assert failure(check_prepare_for_transfer, answer) == f"{answer.__name__}(model, 5){message}"


def prepare_outputs(case, answer=prepare_for_transfer):
    """The run step's plain results for ``answer`` on ``case``."""
    return EXERCISES["check_prepare_for_transfer"].run(Learner((answer,), ("prepare_for_transfer",)), case)


def prepare_case():
    """The first public case, drawn when a test runs."""
    return EXERCISES["check_prepare_for_transfer"].cases()[0]


PREPARE_NAME = "prepare_for_transfer(model, 5): "


def test_prepare_for_transfer_right_answer_and_its_near_misses():
    """The outputs are compared within 1e-4 (float32 layers against a float64 oracle, about 1e-6 apart)."""
    case = prepare_case()
    out = prepare_outputs(case)
    assert out["y"].shape == (2, 5) and verdict("check_prepare_for_transfer", case, out) is None
    assert verdict("check_prepare_for_transfer", case, {**out, "y": out["y"] + 5e-5}) is None
    assert verdict("check_prepare_for_transfer", case, {**out, "y": out["y"] + 3e-4}) == (
        PREPARE_NAME + "the model's outputs differ from the pretrained layers (batch norm in eval mode) followed "
        "by your new head: keep every other layer as it was.")
    assert verdict("check_prepare_for_transfer", case, {**out, "y": out["y"][:, :, None]}) == (
        PREPARE_NAME + "the model now outputs shape (2, 5, 1), expected (2, 5).")
    assert verdict("check_prepare_for_transfer", case, {**out, "y": out["y"].astype(np.complex64)}) == (
        "prepare_for_transfer(model, 5)(x) returned array of complex64, expected an array of numbers.")


@pytest.mark.parametrize("change, message", [
    ({"stats.count": 1, "stats.first": "block2.1.running_var"}, "a forward pass changed the running statistics "
     "of block2.1.running_var: put every batch norm layer in eval mode."),
    ({"grads.count": 2, "grads.first": "block1.1.weight"}, "gradients should reach the head's weight and bias "
     "only (they reached block1.1.weight)."),
    ({"head_grads": False}, "gradients should reach the head's weight and bias only (they reached not the head)."),
])
def test_prepare_for_transfer_statistics_and_gradients_after_a_forward_pass(change, message):
    case = prepare_case()
    out = prepare_outputs(case)
    assert (out["stats.count"], out["grads.count"], out["head_grads"]) == (0, 0, True)
    assert verdict("check_prepare_for_transfer", case, {**out, **change}) == PREPARE_NAME + message


def test_prepare_for_transfer_hidden_edges_and_ranges():
    """Every set: one block, one class, a batch of 1; then as many classes as the pretrained head (4),
    3 images of 2 channels; then 1, 2 and 3 random blocks of 2 to 11 channels, 2 to 14 classes. The
    images are 6 x 5 (not square)."""
    widths, classes = set(), set()
    for cases in hidden_sets("check_prepare_for_transfer", 12):
        assert [(c["widths"].tolist(), c["num_classes"], c["x"].shape) for c in cases[:2]] == [
            ([3, 5], 1, (1, 3, 6, 5)), ([2, 4, 6, 3], 4, (3, 2, 6, 5))]
        assert [len(c["widths"]) for c in cases[2:]] == [2, 3, 4]
        for case in cases[2:]:
            assert case["x"].shape == (2, 3, 6, 5) and case["widths"][0] == 3
            widths.update(case["widths"][1:].tolist())
            classes.add(case["num_classes"])
    assert widths == set(range(2, 12)) and classes == set(range(2, 15))


def replaces_only_when_classes_change(model, num_classes):
    if model.classifier.fc.out_features == num_classes:
        for p in model.parameters():
            p.requires_grad_(False)
        model.classifier.fc.requires_grad_(True)
        return model.eval()
    return prepare_for_transfer(model, num_classes)


def test_prepare_for_transfer_hidden_cases_catch_a_head_kept_when_the_classes_match():
    assert "Well done" in check_prepare_for_transfer(replaces_only_when_classes_change)
    assert failure(check_prepare_for_transfer, replaces_only_when_classes_change, hidden=True) == (
        "replaces_only_when_classes_change(model, 4): model.classifier.fc is still the old layer, with 4 "
        "outputs. Assign a new one: model.classifier.fc = nn.Linear(...).")


def test_the_pretrained_network_comes_in_train_mode_with_statistics_of_its_own():
    """Each case's network is its own (seeded by the case): the public networks [3, 6, 8] and [3, 6, 8,
    10] have different first convolutions."""
    seen, first_convolutions = [], []

    def recording(model, num_classes):
        seen.append([(m.training, m.running_mean.clone(), m.running_var.clone())
                     for m in model.modules() if isinstance(m, nn.BatchNorm2d)])
        first_convolutions.append(model.block1[0].weight.detach().clone())
        return prepare_for_transfer(model, num_classes)
    assert "Well done" in check_prepare_for_transfer(recording)
    assert first_convolutions[0].shape == first_convolutions[1].shape == (6, 3, 3, 3)
    assert not torch.equal(*first_convolutions)
    assert [len(layers) for layers in seen] == [2, 3] and all(training for layers in seen for training, _, _ in layers)
    means = torch.cat([mean for layers in seen for _, mean, _ in layers])
    variances = torch.cat([var for layers in seen for _, _, var in layers])
    assert means.min() < -0.2 and means.max() > 0.2 and means.abs().max() < 1
    assert variances.min() >= 0.5 and variances.max() < 1.5 and variances.std() > 0.1


def refuses(*args):
    raise ValueError("no")


def fails_on_reuse(backbone, images, path):
    return refuses() if os.path.exists(path) else make_cache()(backbone, images, path)


def refuses_a_file_it_did_not_write():
    written = set()

    def cache_outputs(backbone, images, path):
        if os.path.exists(path) and path not in written:
            refuses()
        written.add(path)
        return make_cache()(backbone, images, path)
    return cache_outputs


@pytest.mark.parametrize("check, answer, call", [
    (check_count_trainable, refuses, "refuses(network [3, 6, 8], 2 trainable tensors)"),
    (check_prepare_for_transfer, refuses, "refuses(model, 5)"),
    (check_cache_outputs, refuses, "refuses(backbone, images, path)"),
    (check_cache_outputs, fails_on_reuse, "fails_on_reuse(backbone, images, path), second call"),
    (check_cache_outputs, refuses_a_file_it_did_not_write(), "cache_outputs(backbone, images, path), file already "
     "there"),
])
def test_chapter_8_errors_name_the_call_that_raised(check, answer, call):
    assert failure(check, answer) == (f"{call} stopped with ValueError: no. Try your function on this input in a "
                                      "cell of its own to see where.")


# ----- chapter 8: cache_outputs(backbone, images, path)

def cache_case():
    """The first public case, drawn when a test runs: 6 images of 3 x 8 x 8; the backbone gives 5 channels."""
    return EXERCISES["check_cache_outputs"].cases()[0]


CACHE_NAME = "cache_outputs(backbone, images, path)"


@pytest.mark.parametrize("answer, message", [
    (lambda b, x, p: make_cache()(b, x, p).tolist(), " returned list; return the outputs, a tensor."),
    (lambda b, x, p: make_cache()(b, x, p)[:1], ": outputs of shape (1, 5, 8, 8), expected (6, 5, 8, 8) "
     "(backbone(images): one output per image)."),
    (make_cache(eval_mode=False), ": these outputs used each batch's own statistics: call backbone.eval() "
     "first, so batch norm uses its stored running statistics."),
    (lambda b, x, p: make_cache()(b, x, p) + 1e-3, ": the outputs differ from backbone(images) in eval mode."),
    (make_cache(no_grad=False), ": the outputs carry a gradient graph; compute them inside `with "
     "torch.no_grad():` (nothing below the cached layer trains)."),
    (make_cache(save=False, reuse=False), " wrote no file at path: save the outputs with torch.save(outputs, "
     "path)."),
    (make_cache(save_other=True, reuse=False), ": the file at path does not hold the returned outputs; "
     "torch.save exactly them."),
    (make_cache(reuse=False), ", second call: the backbone ran again although the file exists. When "
     "os.path.exists(path), return torch.load(path) without running it."),
])
def test_cache_outputs_messages_are_whole(answer, message):
    assert failure(check_cache_outputs, answer) == CACHE_NAME + message


def test_cache_outputs_saved_in_another_format_is_told_torch_cannot_read_it():
    def saved_as_json(backbone, images, path):
        outputs = make_cache(save=False, reuse=False)(backbone, images, path)
        with open(path, "w") as file:
            json.dump(outputs.tolist(), file)
        return outputs
    assert failure(check_cache_outputs, saved_as_json) == (
        "saved_as_json(backbone, images, path): torch.load could not read the file at path (UnpicklingError): save "
        "the outputs with torch.save(outputs, path).")


def test_cache_outputs_written_to_a_file_of_its_own_is_told_to_write_at_path(tmp_path):
    """Its own file name for the cache, path only read: told after the first call, before reuse."""
    def cache_outputs(backbone, images, path):
        own = tmp_path / "features.pt"
        if own.exists():
            return torch.load(path)
        return make_cache(reuse=False)(backbone, images, own)
    assert failure(check_cache_outputs, cache_outputs) == (
        f"{CACHE_NAME} wrote no file at path: save the outputs with torch.save(outputs, path).")


def test_cache_outputs_kept_in_memory_instead_of_the_file_is_refused():
    memory = {}

    def cache_outputs(backbone, images, path):
        if path not in memory:
            memory[path] = make_cache(reuse=False)(backbone, images, path)
        return memory[path]
    assert failure(check_cache_outputs, cache_outputs) == (
        f"{CACHE_NAME}, called with a file already at path (one your code did not write in this session): "
        "return torch.load(path), without running the backbone. Keep nothing in memory between calls: the "
        "file is the cache.")


def test_cache_outputs_that_runs_the_backbone_before_looking_at_the_file_is_refused():
    memory = {}

    def cache_outputs(backbone, images, path):
        if path not in memory:
            outputs = make_cache(save=False, reuse=False)(backbone, images, path)
            if os.path.exists(path):
                outputs = torch.load(path)
            else:
                torch.save(outputs, path)
            memory[path] = outputs
        return memory[path]
    assert failure(check_cache_outputs, cache_outputs).startswith(
        f"{CACHE_NAME}, called with a file already at path (one your code did not write in this session): "
        "return torch.load(path), without running the backbone.")


def cache_outputs_of(case):
    return EXERCISES["check_cache_outputs"].run(Learner((make_cache(),), ("cache_outputs",)), case)


@pytest.mark.parametrize("key, message", [
    ("saved", ": the file at path does not hold the returned outputs; torch.save exactly them."),
    ("again", ", second call: return what the file holds, the same outputs as the first call."),
    ("prepared", ", called with a file already at path (one your code did not write in this session)"),
])
def test_cache_outputs_read_back_must_be_exact(key, message):
    """What comes back from the file is compared without an absolute tolerance: values read back
    1e-3 off (ReLU's zeros among them) are refused."""
    case = cache_case()
    out = cache_outputs_of(case)
    assert verdict("check_cache_outputs", case, out) is None
    assert verdict("check_cache_outputs", case, {**out, key: out[key] + 1e-3}).startswith(CACHE_NAME + message)


@pytest.mark.parametrize("key, call", [
    ("y", CACHE_NAME), ("saved", "the saved file"), ("again", f"{CACHE_NAME}, second call"), ("prepared", CACHE_NAME),
])
def test_cache_outputs_complex_results_are_named_by_where_they_came_from(key, call):
    case = cache_case()
    out = cache_outputs_of(case)
    assert verdict("check_cache_outputs", case, {**out, key: out[key].astype(np.complex64)}) == (
        f"{call} returned array of complex64, expected an array of numbers.")


def test_cache_outputs_hidden_cases_one_image_then_random_batches():
    sizes, batches = set(), set()
    for cases in hidden_sets("check_cache_outputs", 15):
        assert len(cases) == 3 and cases[0]["seed"] == 17 and cases[0]["images"].shape == (1, 3, 5, 5)
        for case in cases[1:]:
            n, channels, height, width = case["images"].shape
            assert channels == 3 and height == width and 0 <= case["seed"] < 1000
            sizes.add(height)
            batches.add(n)
    assert sizes == set(range(4, 9)) and batches == set(range(2, 7))


def test_cache_outputs_file_already_there_looks_like_one_a_right_answer_writes():
    """The file the check puts at a new path holds float32 outputs of the backbone's shape, as
    torch.save(backbone(images)) would."""
    loaded = []

    def cache_outputs(backbone, images, path):
        if os.path.exists(path):
            features = torch.load(path)
            n, _, height, width = images.shape
            loaded.append(features.dtype == torch.float32 and features.shape == (n, 5, height, width))
        return make_cache()(backbone, images, path)
    assert "Well done" in check_cache_outputs(cache_outputs)
    assert loaded == [True] * 4  # two public cases: the learner's own file, then the check's


def test_cache_outputs_backbone_arrives_fresh_in_training_mode_with_statistics_far_from_a_batchs():
    """So that skipping backbone.eval() shows: running means in [-2, 2) and variances in [0.5, 3), where
    a batch of its convolution's outputs has means near 0."""
    seen = []

    def cache_outputs(backbone, images, path):
        if not os.path.exists(path):
            seen.append((backbone.training, backbone.calls, backbone.bn.running_mean.clone(),
                         backbone.bn.running_var.clone()))
        return make_cache()(backbone, images, path)
    assert "Well done" in check_cache_outputs(cache_outputs)
    assert [(training, calls) for training, calls, _, _ in seen] == [(True, 0), (True, 0)]
    means, variances = (torch.cat([entry[i] for entry in seen]) for i in (2, 3))
    assert -2 <= means.min() < -1 and 1 < means.max() < 2
    assert 0.5 <= variances.min() < 1.5 and 2 < variances.max() < 3


def test_cache_outputs_hidden_cases_catch_a_squeezed_batch_of_one():
    def squeezed(backbone, images, path):
        return make_cache()(backbone, images, path).squeeze(0)
    assert "Well done" in check_cache_outputs(squeezed)
    assert failure(check_cache_outputs, squeezed, hidden=True) == (
        f"{CACHE_NAME.replace('cache_outputs', 'squeezed')}: outputs of shape (5, 5, 5), expected (1, 5, 5, 5) "
        "(backbone(images): one output per image).")
