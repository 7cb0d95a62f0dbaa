"""Chapter 8's exercise checks accept right answers and give every hint to the mistake it names."""

import os

import pytest
import torch
from torch import nn

from cnncourse.exercises import (EXERCISES, ExerciseFailed, NotAttemptedYet, check_cache_outputs,
                                 check_count_trainable, check_prepare_for_transfer)
from cnncourse.threads import one_thread


@pytest.fixture(autouse=True, scope="module")
def single_thread():
    """Torch on one thread: its thread pool makes these tiny layers far slower on a busy machine."""
    with one_thread():
        yield


def count_trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def prepare_for_transfer(model, num_classes):
    for p in model.parameters():
        p.requires_grad_(False)
    model.classifier.fc = nn.Linear(model.classifier.fc.in_features, num_classes)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.eval()
    return model


def make_cache(eval_mode=True, no_grad=True, save=True, reuse=True, save_other=False):
    def cache_outputs(backbone, images, path):
        if reuse and os.path.exists(path):
            return torch.load(path)
        if eval_mode:
            backbone.eval()
        with torch.set_grad_enabled(not no_grad):
            outputs = backbone(images)
        if save:
            torch.save(outputs * 2 if save_other else outputs, path)
        return outputs
    return cache_outputs


def not_done(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("hidden", [False, True])
def test_right_answers_pass(hidden):
    assert "Well done" in check_count_trainable(count_trainable, hidden=hidden)
    assert "Well done" in check_prepare_for_transfer(prepare_for_transfer, hidden=hidden)
    assert "Well done" in check_cache_outputs(make_cache(), hidden=hidden)


def test_the_grader_knows_the_three_exercises():
    assert {"check_count_trainable", "check_prepare_for_transfer", "check_cache_outputs"} <= set(EXERCISES)


@pytest.mark.parametrize("check", [check_count_trainable, check_prepare_for_transfer, check_cache_outputs])
def test_untouched_solutions_are_not_attempted(check):
    with pytest.raises(NotAttemptedYet, match="not attempted yet"):
        check(not_done)


def statistics(model):
    return sum(m.running_mean.numel() * 2 for m in model.modules() if isinstance(m, nn.BatchNorm2d))


@pytest.mark.parametrize("wrong, hint", [
    (lambda m: sum(p.numel() for p in m.parameters()), "every parameter: count only those with p.requires_grad"),
    (lambda m: sum(p.numel() for p in m.parameters() if not p.requires_grad), "That is the frozen ones"),
    (lambda m: sum(1 for p in m.parameters() if p.requires_grad), "number of parameter tensors"),
    (lambda m: count_trainable(m) + statistics(m), "buffers, not parameters"),
    (lambda m: float(count_trainable(m)), "expected an int"),
])
def test_count_trainable_mistakes_get_hints(wrong, hint):
    with pytest.raises(ExerciseFailed, match=hint):
        check_count_trainable(wrong)


def replace_then_freeze(model, num_classes):
    model.classifier.fc = nn.Linear(model.classifier.fc.in_features, num_classes)
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def only_head_replaced(model, num_classes):
    model.classifier.fc = nn.Linear(model.classifier.fc.in_features, num_classes)
    return model


def freeze_but_keep_head(model, num_classes):
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def fixed_inputs(model, num_classes):
    prepare_for_transfer(model, num_classes)
    model.classifier.fc = nn.Linear(1280, num_classes)
    return model


def classes_plus_one(model, num_classes):
    return prepare_for_transfer(model, num_classes + 1)


def no_return(model, num_classes):
    prepare_for_transfer(model, num_classes)


def broken_forward(model, num_classes):
    prepare_for_transfer(model, num_classes)
    model.classifier.pool = nn.Conv2d(99, 1, 1).requires_grad_(False)
    return model


@pytest.mark.parametrize("wrong, hint", [
    (no_return, "returned None: return the model"),
    (lambda m, c: nn.Linear(3, c), "gave Linear; return the model"),
    (freeze_but_keep_head, "still the old layer"),
    (classes_plus_one, "outputs, expected one per class"),
    (fixed_inputs, "takes 1280 inputs but the layer before gives"),
    (replace_then_freeze, "the new head is frozen too"),
    (only_head_replaced, "parameter tensors outside the head still train"),
    (broken_forward, "stopped with RuntimeError on a batch of images"),
])
def test_prepare_for_transfer_mistakes_get_hints(wrong, hint):
    with pytest.raises(ExerciseFailed, match=hint):
        check_prepare_for_transfer(wrong)


def test_prepare_for_transfer_wrong_output_shape_is_told():
    def extra_axis(model, num_classes):
        prepare_for_transfer(model, num_classes)
        model.classifier.add_module("unflatten", nn.Unflatten(1, (num_classes, 1)))  # (N, classes, 1)
        return model
    with pytest.raises(ExerciseFailed, match=r"now outputs shape \(2, 5, 1\), expected \(2, 5\)"):
        check_prepare_for_transfer(extra_axis)


@pytest.mark.parametrize("wrong, hint", [
    (make_cache(eval_mode=False), "each batch's own statistics: call backbone.eval"),
    (make_cache(no_grad=False), "carry a gradient graph"),
    (make_cache(save=False, reuse=False), "wrote no file at path"),
    (make_cache(save_other=True, reuse=False), "does not hold the returned outputs"),
    (make_cache(reuse=False), "the backbone ran again although the file exists"),
    (lambda b, x, p: make_cache()(b, x, p)[:1], "outputs of shape"),
    (lambda b, x, p: make_cache()(b, x, p) + 1, "differ from backbone\\(images\\) in eval mode"),
    (lambda b, x, p: make_cache()(b, x, p).tolist(), "returned list; return the outputs, a tensor"),
])
def test_cache_outputs_mistakes_get_hints(wrong, hint):
    with pytest.raises(ExerciseFailed, match=hint):
        check_cache_outputs(wrong)


def test_cache_outputs_second_call_must_return_the_file():
    state = {"calls": 0}

    def changes_on_reuse(backbone, images, path):
        state["calls"] += 1
        outputs = make_cache()(backbone, images, path)
        return outputs if state["calls"] % 2 else outputs * 0
    with pytest.raises(ExerciseFailed, match="second call: return what the file holds"):
        check_cache_outputs(changes_on_reuse)
