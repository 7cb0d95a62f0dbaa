"""cnncourse.transfer.cached_features on a network of three tiny layers: the stored features are the
layer's eval-mode outputs computed by hand, the network stops after the layer and keeps no hook,
the cache is found again for equal content and missed for any change, and the folder is checked
(issue 17's surviving mutants)."""

import copy
import pickle
from collections import OrderedDict
from pathlib import Path

import pytest
import torch
from torch import nn

from cnncourse.transfer import cached_features


def body(activation=nn.ReLU):
    """low (conv 1 -> 2, BN, activation), high (conv 2 -> 2), top (pool, flatten, fc 2 -> 3):
    (N, 1, H, W) -> (N, 3)."""
    torch.manual_seed(0)
    return nn.Sequential(OrderedDict(
        low=nn.Sequential(OrderedDict(conv=nn.Conv2d(1, 2, 3, padding=1), bn=nn.BatchNorm2d(2), act=activation())),
        high=nn.Conv2d(2, 2, 1),
        top=nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2, 3))))


def data(n=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.utils.data.TensorDataset(torch.randn(n, 1, 2, 3, generator=g), torch.arange(n) % 3)


def by_hand(model, x):
    """high(low(x)) with the batch norm normalising by its running statistics (eval mode)."""
    bn = model.low.bn
    with torch.no_grad():
        z = model.low.conv(x)
        z = (z - bn.running_mean[:, None, None]) / torch.sqrt(bn.running_var[:, None, None] + bn.eps)
        return model.high(model.low.act(z * bn.weight[:, None, None] + bn.bias[:, None, None]))


class Calls:
    """Counts a module's forward passes."""

    def __init__(self, module):
        self.count = 0
        module.register_forward_pre_hook(lambda module, inputs: setattr(self, "count", self.count + 1))


@pytest.mark.parametrize("training", [True, False])
def test_features_are_the_eval_mode_layer_output_one_batch_at_a_time(tmp_path, training, capsys):
    model, dataset = body(), data()
    with torch.no_grad():
        model.low.bn.running_mean.copy_(torch.tensor([0.3, -0.2]))
        model.low.bn.running_var.copy_(torch.tensor([2.0, 0.5]))
    model.train(training)
    low, top = Calls(model.low), Calls(model.top)
    got = cached_features(model, "high", dataset, tmp_path, batch_size=2, progress=False)
    assert not got.from_cache and (low.count, top.count) == (3, 0)     # 5 images in batches of 2; stops at high
    assert model.training is training and model.low.bn.training is training
    torch.testing.assert_close(got.features, by_hand(model, dataset.tensors[0]), rtol=1e-6, atol=1e-6)
    assert got.features.shape == (5, 2, 2, 3) and torch.equal(got.labels, dataset.tensors[1])
    assert got.tensors[0] is got.features and len(got) == 5 and torch.equal(got[4][1], torch.tensor(1))
    assert [p.name for p in tmp_path.iterdir()] == [got.path.name]      # no half-written file left
    assert got.path.parent == tmp_path and got.path.name.startswith("high-") and got.path.suffix == ".pt"
    again = cached_features(model, "high", dataset, str(tmp_path), batch_size=1, progress=False)
    assert again.from_cache and again.path == got.path and low.count == 3
    assert torch.equal(again.features, got.features) and torch.equal(again.labels, got.labels)
    assert capsys.readouterr().err == ""
    assert model(dataset.tensors[0]).shape == (5, 3) and top.count == 1  # no hook left: the model runs whole


def test_progress_shows_the_layer_and_batches(tmp_path, capsys):
    cached_features(body(), "low", data(), tmp_path, batch_size=5, device="cpu")
    assert "features of low" in capsys.readouterr().err


def test_features_are_float32_for_a_double_model_and_labels_come_from_any_dataset(tmp_path):
    model = body().double()
    pairs = [(x.double(), int(y)) for x, y in data(n=3)]

    class Pairs(torch.utils.data.Dataset):
        def __len__(self):
            return len(pairs)

        def __getitem__(self, i):
            return pairs[i]

    got = cached_features(model, "low.bn", Pairs(), tmp_path / "a" / "b", progress=False)
    assert got.features.dtype == torch.float32 and got.labels.tolist() == [0, 1, 2]
    assert got.path.parent == tmp_path / "a" / "b"
    changed = copy.deepcopy(pairs)
    changed[2] = (changed[2][0], 0)
    pairs[:] = changed
    assert not cached_features(model, "low.bn", Pairs(), tmp_path / "a" / "b", progress=False).from_cache


@pytest.mark.parametrize("change", ["same content", "weight", "running mean", "layer", "pixel", "label",
                                    "activation", "image shape", "label dtype"])
def test_the_cache_is_found_for_equal_content_and_missed_for_any_change(tmp_path, change):
    model, dataset = body(), data(n=4)
    first = cached_features(model, "high", dataset, tmp_path, progress=False)
    layer, (x, y) = "high", (t.clone() for t in dataset.tensors)
    model = copy.deepcopy(model)
    with torch.no_grad():
        if change == "weight":
            model.high.weight[1, 0, 0, 0] += 1e-3
        elif change == "running mean":
            model.low.bn.running_mean[0] = 0.5
        elif change == "layer":
            layer = "low"
        elif change == "pixel":
            x[2, 0, 1, 2] += 0.25
        elif change == "label":
            y[3] = 2
        elif change == "activation":  # no parameters: only the structure differs
            model.low.act = nn.Tanh()
        elif change == "image shape":  # the same pixel bytes, as (2, 3) images
            x = x.reshape(4, 1, 3, 2)
        elif change == "label dtype":  # the same bytes read as floats
            y = y.view(torch.float64)
    again = cached_features(model, layer, torch.utils.data.TensorDataset(x, y), tmp_path, progress=False)
    assert again.from_cache is (change == "same content")
    assert (again.path == first.path) is (change == "same content")


class Scale(nn.Module):
    """Multiplies its input by a buffer, broadcast: (N, 1, H, W) -> (N, C, H, W)."""

    def __init__(self, scale):
        super().__init__()
        self.register_buffer("scale", scale)

    def forward(self, x):
        return x * self.scale


@pytest.mark.parametrize("other", [
    torch.tensor([1.5, -2.0]).reshape(1, 1, 2, 1),                    # the same bytes, another shape
    torch.tensor([1.5, -2.0]).view(torch.int32).reshape(1, 2, 1, 1),  # the same bytes, another dtype
])
def test_a_buffer_with_the_same_bytes_in_another_shape_or_dtype_misses_the_cache(tmp_path, other):
    dataset = data(n=2)
    model = nn.Sequential(OrderedDict(scale=Scale(torch.tensor([1.5, -2.0]).reshape(1, 2, 1, 1))))
    cached_features(model, "scale", dataset, tmp_path, progress=False)
    model.scale.scale = other
    again = cached_features(model, "scale", dataset, tmp_path, progress=False)
    assert not again.from_cache
    torch.testing.assert_close(again.features, (dataset.tensors[0] * other).float())


def test_by_default_256_images_go_through_the_network_at_a_time(tmp_path):
    model, dataset = body(), data(n=257)
    low = Calls(model.low)
    assert cached_features(model, "low", dataset, tmp_path, progress=False).features.shape == (257, 2, 2, 3)
    assert low.count == 2


class Touch:
    """Unpickled, it creates the file ``marker``: code run by merely loading a file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return Path.touch, (self.marker,)


@pytest.mark.parametrize("unsafe_default", ["0", "1"])
def test_a_cache_file_is_read_as_tensors_only_never_running_code_it_holds(tmp_path, monkeypatch, unsafe_default):
    # torch.load's own default turns unsafe with this variable set; the cache must ask for tensors only
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", unsafe_default)
    model, dataset = body(), data(n=2)
    first = cached_features(model, "high", dataset, tmp_path / "cache", progress=False)
    marker = tmp_path / "code ran"
    torch.save({"features": Touch(marker), "labels": first.labels}, first.path)
    with pytest.raises(pickle.UnpicklingError):
        cached_features(model, "high", dataset, tmp_path / "cache", progress=False)
    assert not marker.exists()


def test_a_layer_that_never_runs_is_reported_and_leaves_no_hook(tmp_path):
    class Skips(nn.Module):
        def __init__(self):
            super().__init__()
            self.body, self.unused = body(), nn.Linear(1, 1)

        def forward(self, x):
            return self.body(x)

    model = Skips()
    with pytest.raises(RuntimeError) as caught:
        cached_features(model, "unused", data(), tmp_path, progress=False)
    assert str(caught.value) == "layer 'unused' did not run during the forward pass"
    assert not model.unused._forward_hooks and model.training


@pytest.mark.parametrize("kwargs, error, message", [
    ({"cache_dir": 3}, TypeError, "cache_dir must be a folder path (str or Path), got int"),
    ({"cache_dir": "/proc"}, ValueError, "cache_dir '/proc' cannot be written (No such file or directory); "
                                         "choose a folder you can write to, e.g. one from tempfile.mkdtemp()"),
    ({"batch_size": 0}, ValueError, "batch_size must be >= 1, got 0"),
    ({"dataset": torch.zeros(3, 1, 2, 2)}, TypeError, "dataset must be a torch.utils.data.Dataset, got Tensor"),
    ({"dataset": torch.utils.data.TensorDataset(torch.zeros(0, 1, 2, 2))}, ValueError, "dataset is empty"),
    ({"layer": "hihg"}, ValueError, "layer: 'hihg' is not a module of this model; its top-level modules are "
                                    "low, high, top (deeper ones are written like 'low.conv')"),
])
def test_bad_input_is_named(tmp_path, kwargs, error, message):
    call = {"model": body(), "layer": "high", "dataset": data(), "cache_dir": tmp_path, "progress": False,
            **kwargs}
    with pytest.raises(error) as caught:
        cached_features(**call)
    assert str(caught.value) == message


def test_a_file_in_the_way_of_the_folder_is_named_with_the_reason(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ValueError) as caught:
        cached_features(body(), "high", data(), blocker / "cache", progress=False)
    assert str(caught.value).startswith(f"cache_dir '{blocker / 'cache'}' cannot be written (Not a directory); ")
