"""lite0_for_task and lite0_pixels: the ImageNet weights read from the weight file, a head and a
random network equal to torch's own initialisation from the same seed, the input size checked at
the door, pixels scaled by hand (issue 17's surviving mutants). The network is built twice in all."""

import pytest
import torch
from torch import nn

from cnncourse.models import efficientnet_lite0
from cnncourse.models.efficientnet_lite import rename_keys, weights_path
from cnncourse.transfer import lite0_for_task, lite0_pixels


@pytest.fixture(scope="module")
def reference():
    """What torch draws after seeding 0: a randomly initialised Lite0, then a 1280 -> 5 linear layer."""
    torch.manual_seed(0)
    model = efficientnet_lite0(pretrained=False)
    return model, nn.Linear(1280, 5)


def test_the_defaults_give_the_imagenet_weights_a_seed_0_head_and_64_pixel_inputs(reference):
    model = lite0_for_task(5)
    state = model.state_dict()
    stored = rename_keys(torch.load(weights_path(), map_location="cpu", weights_only=True), model)
    body = [name for name in stored if not name.startswith("classifier.fc.")]
    assert len(body) == len(state) - 2
    assert all(torch.equal(state[name], stored[name]) for name in body)
    assert torch.equal(model.classifier.fc.weight, reference[1].weight)
    assert torch.equal(model.classifier.fc.bias, reference[1].bias)
    assert all(m.training for m in model.modules()) and all(p.requires_grad for p in model.parameters())
    with pytest.raises(ValueError) as caught:
        model(torch.zeros(1, 3, 64, 63))
    assert str(caught.value) == "efficientnet_lite0 expects input (N, 3, 64, 64), got (1, 3, 64, 63)"


def test_without_pretrained_weights_it_is_torchs_initialisation_from_the_seed(reference):
    model = lite0_for_task(5, size=32, pretrained=False, seed=0)
    expected = {**reference[0].state_dict(), "classifier.fc.weight": reference[1].weight,
                "classifier.fc.bias": reference[1].bias}
    state = model.state_dict()
    assert list(state) == list(expected)
    assert all(torch.equal(state[name], expected[name]) for name in state)
    assert model.training
    with torch.no_grad():
        assert model.eval()(torch.zeros(1, 3, 32, 32)).shape == (1, 5)


@pytest.mark.parametrize("kwargs, error, text", [
    ({"num_classes": "5"}, TypeError, "num_classes must be an int, got str '5'"),
    ({"size": 31}, ValueError, "size must be >= 32, got 31"),
    ({"size": 64.0}, TypeError, "size must be an int, got float 64.0"),
    ({"seed": -1}, ValueError, "seed must be >= 0, got -1"),
    ({"seed": None}, TypeError, "seed must be an int, got NoneType None"),
])
def test_bad_settings_are_named_before_the_network_is_built(kwargs, error, text):
    with pytest.raises(error) as caught:
        lite0_for_task(**{"num_classes": 5, **kwargs})
    assert str(caught.value) == text


def test_lite0_pixels_maps_0_255_to_about_minus_1_1_as_float32():
    pixels = torch.tensor([[0.0, 127 / 255], [1.0, 0.5]], dtype=torch.float64)
    got = lite0_pixels(pixels)
    assert got.dtype == torch.float32 and got.shape == (2, 2)
    torch.testing.assert_close(got, torch.tensor([[-127 / 128, 0.0], [1.0, 0.5 / 128]]))
    torch.testing.assert_close(lite0_pixels([0.25]), torch.tensor([(63.75 - 127) / 128]))
    with pytest.raises(TypeError) as caught:
        lite0_pixels(torch.tensor([0, 255]))
    assert str(caught.value) == "images must hold floats in [0, 1], got dtype torch.int64"
