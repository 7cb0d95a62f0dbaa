"""cnncourse.transfer: new heads, freezing that leaves frozen parts bit-identical through fit (batch
norm buffers included), unfreezing, per-part learning rates, and the on-disk feature cache."""

from collections import OrderedDict

import pytest
import torch
from torch import nn

from cnncourse.training import fit
from cnncourse.transfer import (cached_features, changed_tensors, freeze, frozen_norms, lite0_for_task,
                                lite0_pixels, parameter_groups, replace_head, state_fingerprint,
                                trainable_parameters, unfreeze)


def tiny_net(seed=0, num_classes=3):
    """conv-BN-ReLU, conv-BN-ReLU, pooled linear head: (N, 2, 6, 6) -> (N, num_classes)."""
    torch.manual_seed(seed)
    block = lambda c_in, c_out: nn.Sequential(OrderedDict(  # noqa: E731
        [("conv", nn.Conv2d(c_in, c_out, 3, padding=1)), ("bn", nn.BatchNorm2d(c_out)), ("act", nn.ReLU())]))
    return nn.Sequential(OrderedDict([
        ("low", block(2, 4)), ("high", block(4, 5)),
        ("classifier", nn.Sequential(OrderedDict([("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()),
                                                  ("fc", nn.Linear(5, num_classes))])))]))


def images(n=24, seed=0, num_classes=3):
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % num_classes
    inputs = torch.randn(n, 2, 6, 6, generator=g) + labels[:, None, None, None].float()
    return torch.utils.data.TensorDataset(inputs, labels)


def train(model, **kwargs):
    return fit(model, images(), epochs=2, lr=0.05, optimizer="momentum", batch_size=8, progress=False,
               device="cpu", **kwargs)


def test_replace_head_gives_a_fresh_linear_layer_of_the_right_size():
    model = tiny_net()
    old = model.classifier.fc
    torch.manual_seed(5)
    expected = nn.Linear(5, 7)
    torch.manual_seed(5)
    assert replace_head(model, 7) is model
    assert model.classifier.fc is not old and model(torch.zeros(2, 2, 6, 6)).shape == (2, 7)
    assert torch.equal(model.classifier.fc.weight, expected.weight)  # torch's own default initialisation
    assert torch.equal(model.classifier.fc.bias, expected.bias)


def test_freeze_leaves_only_the_named_parts_trainable():
    model = freeze(tiny_net(), trainable="classifier")
    assert trainable_parameters(model) == 5 * 3 + 3
    assert [n for n, p in model.named_parameters() if p.requires_grad] == ["classifier.fc.weight", "classifier.fc.bias"]
    assert frozen_norms(model) == ["low.bn", "high.bn"]
    freeze(model, trainable=())
    assert trainable_parameters(model) == 0


def test_frozen_parts_come_out_of_fit_bit_identical_buffers_included():
    model = freeze(tiny_net(), trainable=("high", "classifier"))
    before = state_fingerprint(model)
    train(model)
    changed = changed_tensors(model, before)
    frozen = [name for name in before if name.startswith("low.")]
    assert len(frozen) == 7  # conv weight, bias; bn weight, bias, running mean, var, batches tracked
    for name in frozen:  # no gradient, no update, batch norm held in eval mode: exactly equal
        assert torch.equal(model.state_dict()[name], before[name]), name
    # A bias right before batch norm has a zero gradient (batch norm subtracts each channel's mean):
    # whether it moves at all is rounding noise, so it is bounded, not required to change.
    noise = (model.high.conv.bias - before["high.conv.bias"]).abs().max().item()
    assert noise < 1e-6, noise
    learning = sorted(n for n in before if not n.startswith("low.") and n != "high.conv.bias")
    assert set(learning) <= set(changed), set(learning) - set(changed)
    assert not model.low.bn.training and model.high.bn.training  # fit left the model in train mode


def test_a_convolution_bias_before_batch_norm_gets_no_gradient():
    model = tiny_net().train()
    inputs, labels = images()[:8]
    nn.functional.cross_entropy(model(inputs), labels).backward()
    scale = model.high.conv.weight.grad.abs().max().item()
    assert scale > 1e-3  # the weights before batch norm do learn
    # float32 rounding of a sum over 8 x 6 x 6 values, relative to the weights' gradients
    assert model.high.conv.bias.grad.abs().max().item() < 1e-5 * scale
    assert model.low.conv.bias.grad.abs().max().item() < 1e-5 * model.low.conv.weight.grad.abs().max().item()


def test_without_freeze_batch_norm_statistics_drift_even_with_frozen_weights():
    """The classic mistake, reproduced: requires_grad alone does not stop batch norm."""
    model = tiny_net()
    for p in model.low.parameters():
        p.requires_grad_(False)
    before = state_fingerprint(model)
    train(model)
    assert {"low.bn.running_mean", "low.bn.running_var", "low.bn.num_batches_tracked"} <= set(
        changed_tensors(model, before))
    assert torch.equal(model.low.conv.weight, before["low.conv.weight"])


def test_unfreeze_restores_training_and_batch_norm_modes():
    model = freeze(tiny_net(), trainable="classifier")
    model.train()
    assert not model.high.bn.training
    unfreeze(model, "high")
    assert model.high.bn.training and not model.low.bn.training
    assert trainable_parameters(model) == sum(p.numel() for p in model.high.parameters()) + 18
    model.eval()
    model.train()
    assert model.high.bn.training and frozen_norms(model) == ["low.bn"]


def test_unfreeze_can_keep_the_running_statistics_while_scale_and_shift_train():
    model = freeze(tiny_net(), trainable="classifier")
    unfreeze(model, ("low", "high"), norm_statistics=False)
    before = state_fingerprint(model)
    train(model)
    changed = set(changed_tensors(model, before))
    assert {"low.bn.weight", "low.bn.bias", "low.conv.weight"} <= changed
    assert not changed & {"low.bn.running_mean", "low.bn.running_var", "low.bn.num_batches_tracked"}


def test_parameter_groups_give_each_part_its_own_learning_rate():
    """One SGD step on the whole data: each parameter moves by its group's lr times its gradient
    (computed independently here with autograd)."""
    model = freeze(tiny_net(), trainable=("high", "classifier"))
    data = images()
    x, y = data.tensors
    reference = tiny_net()
    reference.low.eval()  # frozen batch norm normalises with its running statistics
    loss = nn.functional.cross_entropy(reference(x), y)
    grads = dict(zip([n for n, _ in reference.named_parameters()],
                     torch.autograd.grad(loss, list(reference.parameters()))))
    before = state_fingerprint(model)
    groups = parameter_groups(model, {"high": 0.01, "classifier": 0.5})
    assert [g["name"] for g in groups] == ["high", "classifier"] and [g["lr"] for g in groups] == [0.01, 0.5]
    fit(model, data, epochs=1, lr=123.0, optimizer="sgd", batch_size=len(data), progress=False, device="cpu",
        parameters=groups)
    for name, p in model.named_parameters():
        lr = 0.01 if name.startswith("high") else 0.5 if name.startswith("classifier") else 0.0
        torch.testing.assert_close(p.detach(), before[name] - lr * grads[name], atol=1e-6, rtol=1e-5)


def test_parameter_groups_reject_gaps_overlaps_and_frozen_parts():
    model = freeze(tiny_net(), trainable=("high", "classifier"))
    with pytest.raises(ValueError, match="belong to no named module.*'high.conv.weight'"):
        parameter_groups(model, {"classifier": 0.1})
    with pytest.raises(ValueError, match="'low' has no trainable parameters"):
        parameter_groups(model, {"low": 0.1, "high": 0.1, "classifier": 0.1})
    with pytest.raises(ValueError, match="overlap"):
        parameter_groups(model, {"high": 0.1, "high.conv": 0.1, "classifier": 0.1})
    with pytest.raises(ValueError, match=r"learning_rates\['high'\] must be a number > 0"):
        parameter_groups(model, {"high": 0, "classifier": 0.1})
    with pytest.raises(TypeError, match="learning_rates must be a dict"):
        parameter_groups(model, [("high", 0.1)])
    with pytest.raises(ValueError, match="learning_rates is empty"):
        parameter_groups(model, {})


@pytest.mark.parametrize("call, error, message", [
    (lambda m: freeze(m, trainable=("classifer",)), ValueError, "trainable: 'classifer' is not a module.*low, high"),
    (lambda m: unfreeze(m, "stage9"), ValueError, "names: 'stage9' is not a module"),
    (lambda m: freeze(m, trainable=[1]), TypeError, "trainable must hold module names"),
    (lambda m: unfreeze(m, "high", norm_statistics="yes"), TypeError, "norm_statistics must be True or False"),
    (lambda m: replace_head(m, 0), ValueError, "num_classes must be >= 1: a head for 0 classes"),
    (lambda m: replace_head(m, 2.5), TypeError, "num_classes must be an int"),
    (lambda m: replace_head(m, 4, head="high"), ValueError, "head: 'high' is a Sequential, expected the nn.Linear"),
    (lambda m: replace_head(m, 4, head="head"), ValueError, "head: 'head' is not a module"),
    (lambda m: trainable_parameters("model"), TypeError, "model must be a torch.nn.Module"),
])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call(tiny_net())


class Counter:
    """Counts the forward passes of a module (to see whether the model ran)."""

    def __init__(self, module):
        self.calls = 0
        module.register_forward_pre_hook(self)

    def __call__(self, module, inputs):
        self.calls += 1


def test_cached_features_are_the_layer_outputs_and_a_second_call_reads_the_file(tmp_path):
    model, data = tiny_net(), images()
    runs = Counter(model.low)
    top_runs = Counter(model.classifier)
    first = cached_features(model, "high", data, tmp_path, batch_size=5, progress=False)
    assert not first.from_cache and runs.calls == 5 and top_runs.calls == 0  # stops after the layer
    assert model.training  # the model's mode is restored
    model.eval()
    with torch.no_grad():
        expected = model.high(model.low(data.tensors[0]))  # the parts by hand, in eval mode
    torch.testing.assert_close(first.features, expected)
    assert torch.equal(first.labels, data.tensors[1])
    runs.calls = 0
    second = cached_features(model, "high", data, tmp_path, progress=False)
    assert second.from_cache and runs.calls == 0 and second.path == first.path
    assert torch.equal(second.features, first.features) and torch.equal(second.labels, first.labels)
    assert [p.name for p in tmp_path.iterdir()] == [first.path.name]


@pytest.mark.parametrize("change", ["weight", "buffer", "layer", "pixel", "label"])
def test_the_cache_is_invalidated_by_any_change_it_depends_on(tmp_path, change):
    model, data = tiny_net(), images()
    first = cached_features(model, "high", data, tmp_path, progress=False)
    layer = "high"
    x, y = (t.clone() for t in data.tensors)
    with torch.no_grad():
        if change == "weight":
            model.low.conv.weight[0, 0, 0, 0] += 1e-3
        elif change == "buffer":
            model.low.bn.running_var[1] *= 2
        elif change == "layer":
            layer = "high.conv"
        elif change == "pixel":
            x[3, 1, 2, 2] += 0.5
        else:
            y[0] = 2
    again = cached_features(model, layer, torch.utils.data.TensorDataset(x, y), tmp_path, progress=False)
    assert not again.from_cache and again.path != first.path


def test_cached_features_work_on_any_dataset_of_pairs(tmp_path):
    model, data = tiny_net(), images(n=6)
    pairs = [(x, int(y)) for x, y in data]

    class Pairs(torch.utils.data.Dataset):
        def __len__(self):
            return len(pairs)

        def __getitem__(self, i):
            return pairs[i]

    got = cached_features(model, "low", Pairs(), tmp_path, progress=False)
    assert got.features.shape == (6, 4, 6, 6) and cached_features(model, "low", Pairs(), tmp_path,
                                                                   progress=False).from_cache


def test_cached_features_bad_input(tmp_path):
    model, data = tiny_net(), images(n=4)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(ValueError, match="cache_dir .*a_file/cache' cannot be written"):
        cached_features(model, "high", data, blocker / "cache", progress=False)
    with pytest.raises(ValueError, match="cache_dir .*a_file' cannot be written"):
        cached_features(model, "high", data, blocker, progress=False)
    with pytest.raises(TypeError, match="cache_dir must be a folder path"):
        cached_features(model, "high", data, 3, progress=False)
    with pytest.raises(ValueError, match="layer: 'hihg' is not a module"):
        cached_features(model, "hihg", data, tmp_path, progress=False)
    with pytest.raises(TypeError, match="dataset must be a torch.utils.data.Dataset"):
        cached_features(model, "high", data.tensors, tmp_path, progress=False)
    with pytest.raises(ValueError, match="dataset is empty"):
        cached_features(model, "high", torch.utils.data.TensorDataset(torch.zeros(0, 2, 6, 6)), tmp_path)


def test_lite0_for_task_runs_small_images_with_the_imagenet_weights_and_a_new_head():
    model = lite0_for_task(5, size=64, seed=3).eval()
    assert model.classifier.fc.out_features == 5 and model.training is False
    reference = __import__("cnncourse.models", fromlist=["efficientnet_lite0"]).efficientnet_lite0(pretrained=True)
    assert torch.equal(model.stage7[0].project.conv.weight, reference.stage7[0].project.conv.weight)
    with torch.no_grad():
        assert model(torch.zeros(2, 3, 64, 64)).shape == (2, 5)
    with pytest.raises(ValueError, match=r"expects input \(N, 3, 64, 64\)"):
        model(torch.zeros(1, 3, 224, 224))
    pixels = torch.tensor([0.0, 127 / 255, 1.0])
    torch.testing.assert_close(lite0_pixels(pixels), torch.tensor([-127 / 128, 0.0, 1.0]))
    with pytest.raises(TypeError, match="images must hold floats"):
        lite0_pixels(torch.tensor([0, 255]))


def test_a_frozen_pretrained_lite0_trains_only_its_head_every_other_tensor_bit_identical():
    model = freeze(lite0_for_task(4, size=32), trainable="classifier")
    before = state_fingerprint(model)
    g = torch.Generator().manual_seed(0)
    data = torch.utils.data.TensorDataset(torch.randn(8, 3, 32, 32, generator=g), torch.arange(8) % 4)
    fit(model, data, epochs=2, lr=0.01, batch_size=4, progress=False, device="cpu")
    assert len(frozen_norms(model)) == 49 and len(before) == 49 + 49 * 5 + 2  # convs, batch norms, head
    assert sorted(changed_tensors(model, before)) == ["classifier.fc.bias", "classifier.fc.weight"]


def test_a_frozen_model_survives_saving_and_copying_still_frozen(tmp_path):
    import copy
    model = freeze(tiny_net(), trainable="classifier")
    torch.save(model, tmp_path / "model.pt")
    for twin in (torch.load(tmp_path / "model.pt", weights_only=False), copy.deepcopy(model)):
        twin.train()
        assert not twin.low.bn.training and not twin.high.bn.training and frozen_norms(twin) == ["low.bn", "high.bn"]
        assert twin.low.bn.train.args[0] is twin.low.bn  # holds the copy, not the original
        unfreeze(twin, "high")
        twin.train()
        assert twin.high.bn.training and not twin.low.bn.training
        assert torch.equal(twin.low.bn.running_mean, model.low.bn.running_mean)
