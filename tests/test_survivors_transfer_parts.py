"""cnncourse.transfer's freezing and per-part learning rates on a network of a few tiny layers
(named like Lite0's parts), checked against hand-counted parameters, torch's own layers and
autograd: no pretrained weights, no training loop (issue 17's surviving mutants)."""

from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

from cnncourse.transfer import (changed_tensors, freeze, frozen_norms, parameter_groups, replace_head,
                                state_fingerprint, trainable_parameters, unfreeze)
from cnncourse.transfer.freezing import check_module_names


def parts(seed=0):
    """stem (conv 2 -> 3, BN), stage1 (conv 3 -> 3, BN, ReLU), classifier (pool, flatten, BN, fc 3 -> 4):
    (N, 2, H, W) -> (N, 4). Parameters: stem 9 + 6, stage1 12 + 6, classifier 6 + 16."""
    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict(
        stem=nn.Sequential(OrderedDict(conv=nn.Conv2d(2, 3, 1), bn=nn.BatchNorm2d(3))),
        stage1=nn.Sequential(OrderedDict(conv=nn.Conv2d(3, 3, 1), bn=nn.BatchNorm2d(3), act=nn.ReLU())),
        classifier=nn.Sequential(OrderedDict(pool=nn.AdaptiveAvgPool2d(1), flatten=nn.Flatten(),
                                             norm=nn.BatchNorm1d(3), fc=nn.Linear(3, 4)))))


def trainable_names(model):
    return [n for n, p in model.named_parameters() if p.requires_grad]


def norm_modes(model):
    """{batch-norm layer name: training?}"""
    return {n: m.training for n, m in model.named_modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)}


def batch(seed=1):
    return torch.randn(5, 2, 3, 4, generator=torch.Generator().manual_seed(seed))


def test_freeze_by_default_trains_the_classifier_alone_its_norm_following_train_mode():
    model = parts()
    assert freeze(model) is model
    assert trainable_names(model) == ["classifier.norm.weight", "classifier.norm.bias",
                                      "classifier.fc.weight", "classifier.fc.bias"]
    assert trainable_parameters(model) == 6 + 16
    assert frozen_norms(model) == ["stem.bn", "stage1.bn"]
    model.train()
    assert norm_modes(model) == {"stem.bn": False, "stage1.bn": False, "classifier.norm": True}
    model.eval()
    assert not any(norm_modes(model).values())
    # a forward pass in train mode updates the trainable norm's statistics and no frozen one's
    model.train()
    before = state_fingerprint(model)
    model(batch())
    assert changed_tensors(model, before) == ["classifier.norm.running_mean", "classifier.norm.running_var",
                                              "classifier.norm.num_batches_tracked"]


def test_a_frozen_norm_asked_to_train_stays_in_eval_mode_and_returns_itself():
    model = freeze(parts(), trainable=())
    assert trainable_parameters(model) == 0 and trainable_names(model) == []
    bn = model.stage1.bn
    assert bn.train() is bn and bn.train(True) is bn and not bn.training
    model.train()
    assert not any(norm_modes(model).values()) and model.stage1.training


def test_freeze_can_keep_a_trainable_parts_statistics_fixed():
    model = freeze(parts(), trainable=("stage1", "classifier"), norm_statistics=False)
    assert trainable_parameters(model) == 12 + 6 + 6 + 16
    assert frozen_norms(model) == ["stem.bn", "stage1.bn", "classifier.norm"]
    model.train()
    assert not any(norm_modes(model).values())


@pytest.mark.parametrize("training", [False, True])
def test_unfreeze_puts_its_norms_in_the_models_current_mode(training):
    model = freeze(parts(), trainable="classifier")
    model.train(training)
    assert unfreeze(model, "stage1") is model
    assert norm_modes(model) == {"stem.bn": False, "stage1.bn": training, "classifier.norm": training}
    assert trainable_parameters(model) == 12 + 6 + 6 + 16 and frozen_norms(model) == ["stem.bn"]
    model.train(not training)
    assert norm_modes(model) == {"stem.bn": False, "stage1.bn": not training, "classifier.norm": not training}


def test_unfreeze_by_default_releases_the_norms_and_can_keep_them_held():
    held = unfreeze(freeze(parts(), trainable=()), ["stem"], norm_statistics=False)
    assert trainable_names(held)[:4] == ["stem.conv.weight", "stem.conv.bias", "stem.bn.weight", "stem.bn.bias"]
    assert frozen_norms(held) == ["stem.bn", "stage1.bn", "classifier.norm"]
    released = unfreeze(freeze(parts(), trainable=()), ["stem"])
    assert frozen_norms(released) == ["stage1.bn", "classifier.norm"]
    released.train()
    assert norm_modes(released)["stem.bn"]


def test_replace_head_keeps_bias_choice_dtype_and_device_of_the_old_layer():
    model = parts()
    model.classifier.fc = nn.Linear(3, 4, bias=False, dtype=torch.float64)
    replace_head(model, 1)
    fc = model.classifier.fc
    assert (fc.in_features, fc.out_features, fc.bias, fc.weight.dtype) == (3, 1, None, torch.float64)
    meta = nn.Sequential(OrderedDict(fc=nn.Linear(3, 2, device="meta")))
    assert replace_head(meta, 5, head="fc") is meta   # a top-level head
    assert meta.fc.weight.device.type == "meta" and meta.fc.out_features == 5 and meta.fc.bias is not None


def test_replace_head_reaches_a_head_two_levels_down():
    model = nn.Sequential(OrderedDict(top=nn.Sequential(OrderedDict(
        mid=nn.Sequential(OrderedDict(fc=nn.Linear(2, 3)))))))
    old = model.top.mid.fc
    replace_head(model, 6, head="top.mid.fc")
    assert model.top.mid.fc is not old and model(torch.zeros(1, 2)).shape == (1, 6)
    assert [n for n, _ in model.named_modules()] == ["", "top", "top.mid", "top.mid.fc"]


@pytest.mark.parametrize("num_classes, error, message", [
    (0, ValueError, "num_classes must be >= 1: a head for 0 classes has nothing to predict"),
    (np.int64(0), ValueError, "num_classes must be >= 1, got 0"),
    (False, TypeError, "num_classes must be an int, got bool False"),
])
def test_replace_head_rejects_class_counts_below_one(num_classes, error, message):
    with pytest.raises(error) as caught:
        replace_head(parts(), num_classes)
    assert str(caught.value) == message


def test_a_bad_module_name_is_listed_with_the_models_real_names():
    with pytest.raises(ValueError) as caught:
        freeze(parts(), trainable=("classifer",))
    assert str(caught.value) == ("trainable: 'classifer' is not a module of this model; its top-level modules "
                                 "are stem, stage1, classifier (deeper ones are written like 'stem.conv')")
    flat = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    with pytest.raises(ValueError) as caught:
        check_module_names(flat, "2")
    assert str(caught.value) == "names: '2' is not a module of this model; its top-level modules are 0, 1"
    with pytest.raises(ValueError, match="^names: '' is not a module"):   # the model itself has no name
        check_module_names(flat, "")
    with pytest.raises(TypeError) as caught:
        unfreeze(parts(), 3)
    assert str(caught.value) == "names must be a module name or a sequence of them, got int"
    with pytest.raises(TypeError) as caught:
        check_module_names(flat, ["0", 1])
    assert str(caught.value) == "names must hold module names (str), got int 1"
    with pytest.raises(TypeError) as caught:
        check_module_names("flat", "0")
    assert str(caught.value) == "model must be a torch.nn.Module, got str"
    with pytest.raises(TypeError) as caught:
        trainable_parameters(flat.state_dict())
    assert str(caught.value) == "model must be a torch.nn.Module, got OrderedDict"
    with pytest.raises(TypeError) as caught:
        unfreeze(parts(), "stem", norm_statistics=1)
    assert str(caught.value) == "norm_statistics must be True or False, got 1"
    assert check_module_names(flat, ["1", "0"]) == ("1", "0") and check_module_names(flat, "1") == ("1",)
    with pytest.raises(ValueError) as caught:
        replace_head(parts(), 2, head="fc")
    assert str(caught.value) == ("head: 'fc' is not a module of this model; its top-level modules are stem, "
                                 "stage1, classifier (deeper ones are written like 'stem.conv')")
    with pytest.raises(ValueError) as caught:
        replace_head(parts(), 2, head="stage1")
    assert str(caught.value) == "head: 'stage1' is a Sequential, expected the nn.Linear that makes the scores"


def test_a_fingerprint_is_a_copy_and_changed_tensors_names_exactly_what_moved():
    model = parts()
    before = state_fingerprint(model)
    assert list(before) == list(model.state_dict()) and changed_tensors(model, before) == []
    with torch.no_grad():
        model.stage1.conv.bias[2] += 1.0
        model.stem.bn.running_var[0] = 3.0
    assert before["stage1.conv.bias"][2] == parts().stage1.conv.bias[2]   # the clone did not move
    assert changed_tensors(model, before) == ["stem.bn.running_var", "stage1.conv.bias"]


def test_parameter_groups_hold_each_parts_trainable_tensors_at_a_float_rate():
    model = freeze(parts(), trainable=("stem", "classifier"))
    groups = parameter_groups(model, {"classifier": 1, "stem": 0.25})
    assert [g["name"] for g in groups] == ["classifier", "stem"]
    assert [g["lr"] for g in groups] == [1.0, 0.25] and isinstance(groups[0]["lr"], float)
    assert [[id(p) for p in g["params"]] for g in groups] == [
        [id(p) for p in model.classifier.parameters()], [id(p) for p in model.stem.parameters()]]
    # a part partly frozen contributes only its trainable tensors
    model.classifier.norm.requires_grad_(False)
    groups = parameter_groups(model, {"classifier": 0.1, "stem": 0.01})
    assert [id(p) for p in groups[0]["params"]] == [id(model.classifier.fc.weight), id(model.classifier.fc.bias)]


@pytest.mark.parametrize("rates, message", [
    ({"stage1": 0.1, "classifier": 0}, "learning_rates['classifier'] must be a number > 0, got 0"),
    ({"stage1": -0.1, "classifier": 1}, "learning_rates['stage1'] must be a number > 0, got -0.1"),
    ({"stage1": True, "classifier": 1}, "learning_rates['stage1'] must be a number > 0, got True"),
    ({"stage1": "0.1", "classifier": 1}, "learning_rates['stage1'] must be a number > 0, got '0.1'"),
    ({"stem": 0.1, "stage1": 0.1, "classifier": 1},
     "learning_rates: 'stem' has no trainable parameters (frozen? unfreeze it first)"),
    ({"stage1": 0.1, "classifier": 1, "classifier.fc": 2},
     "learning_rates: 'classifier.fc' and 'classifier' overlap; give each parameter one learning rate"),
    ({"classifier": 1}, "learning_rates: 2 trainable parameter tensors belong to no named module "
                        "(e.g. 'stage1.conv.weight'): add their module, or freeze them"),
    ({"stage": 1}, "learning_rates: 'stage' is not a module of this model; its top-level modules are stem, "
                   "stage1, classifier (deeper ones are written like 'stem.conv')"),
    ({}, "learning_rates is empty: name at least one module and its learning rate"),
])
def test_parameter_groups_name_what_is_wrong(rates, message):
    model = freeze(parts(), trainable=("stage1", "classifier"))
    model.stage1.bn.requires_grad_(False)
    with pytest.raises(ValueError) as caught:
        parameter_groups(model, rates)
    assert str(caught.value) == message


def test_parameter_groups_want_a_dict():
    with pytest.raises(TypeError) as caught:
        parameter_groups(parts(), [("stem", 0.1)])
    assert str(caught.value) == "learning_rates must be a dict {module name: learning rate}, got list"
