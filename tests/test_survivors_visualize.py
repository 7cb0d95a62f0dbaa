"""cnncourse.visualize on rectangular images and tiny networks, against hand values, autograd and
brute-force loops; every bad input named in its error (issue 17's surviving mutants)."""

import numpy as np
import pytest
import torch
from torch import nn

from cnncourse.visualize import (check_layer, filters_as_images, grad_cam, normalize_map, occlusion, overlay,
                                 randomized_copy, saliency, share_inside, smooth_saliency)


def tanh_net(dtype=torch.float32):
    """conv 3 -> 2 (3x3), tanh, flatten, linear -> 3 scores, for (1, 3, 2, 3) images."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 2, 3, padding=1), nn.Tanh(), nn.Flatten(), nn.Linear(12, 3)).to(dtype)


def image(h=2, w=3, seed=0):
    return torch.randn(1, 3, h, w, generator=torch.Generator().manual_seed(seed)) * 0.7 + 0.4


def message(call):
    """The text of the error that ``call()`` raises."""
    with pytest.raises((TypeError, ValueError)) as caught:
        call()
    return str(caught.value)


def test_smooth_saliency_by_default_averages_16_gradients_at_noise_015_of_the_range_seed_0():
    model, x = tanh_net(), image()
    generator = torch.Generator().manual_seed(0)
    sigma = 0.15 * (x.max() - x.min()).item()
    maps = []
    for _ in range(16):
        noisy = (x + sigma * torch.randn(x.shape, generator=generator)).requires_grad_(True)
        (grad,) = torch.autograd.grad(model(noisy)[0, 2], noisy)
        maps.append(grad[0].abs().amax(dim=0))
    torch.testing.assert_close(smooth_saliency(model, x, 2), torch.stack(maps).mean(0), rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(smooth_saliency(model, x, 2, samples=1), maps[0], rtol=1e-5, atol=1e-7)
    # without noise every copy is the image itself
    torch.testing.assert_close(smooth_saliency(model, x, 2, samples=3, noise=0), saliency(model, x, 2))


def test_smooth_saliency_keeps_the_models_dtype():
    model, x = tanh_net(torch.bfloat16), image().to(torch.bfloat16)
    got = smooth_saliency(model, x, 0, samples=2)
    assert got.shape == (2, 3) and got.dtype == torch.float32 and got.abs().sum() > 0


@pytest.mark.parametrize("kwargs, text", [
    ({"samples": 0}, "samples must be >= 1, got 0"),
    ({"samples": 2.0}, "samples must be an int, got float 2.0"),
    ({"noise": "0.1"}, "noise must be a number >= 0, got '0.1'"),
    ({"noise": True}, "noise must be a number >= 0, got True"),
    ({"noise": -0.5}, "noise must be a number >= 0, got -0.5"),
    ({"seed": -1}, "seed must be >= 0, got -1"),
    ({"seed": "1"}, "seed must be an int, got str '1'"),
])
def test_smooth_saliency_names_its_bad_settings(kwargs, text):
    assert message(lambda: smooth_saliency(tanh_net(), image(), 0, **kwargs)) == text


def test_grad_cam_of_a_rectangular_image_matches_the_hand_map():
    model, x = tanh_net(), image(3, 5)
    model[3] = nn.Linear(2 * 15, 3)
    with torch.no_grad():
        a = torch.tanh(model[0](x))                                 # (1, 2, 3, 5)
        alpha = model[3].weight[1].reshape(2, 3, 5).mean(dim=(1, 2))   # d score / d A, averaged
    expected = torch.relu((alpha[:, None, None] * a[0]).sum(0))
    torch.testing.assert_close(grad_cam(model, x, 1, model[1], resize=False), expected)
    assert message(lambda: grad_cam(model, x, 1, model[3])) == (
        "layer must output feature maps (1, K, h, w); pick a convolutional stage")


def test_check_layer_returns_the_dotted_name_and_names_bad_layers():
    model = nn.Sequential(nn.Conv2d(3, 2, 1), nn.Sequential(nn.ReLU()))
    assert check_layer(model, model[1][0]) == "1.0" and check_layer(model, model) == "(the model itself)"
    assert message(lambda: check_layer(model, nn.ReLU())) == (
        "layer (ReLU) is not a module of this model: pass one of its own modules, e.g. model.stage6 or "
        "model.head, not a layer of another copy")
    assert message(lambda: check_layer(model, "0")) == (
        "layer must be a module of the model (e.g. model.stage6), got str")
    assert message(lambda: check_layer([model], model)) == "model must be a torch.nn.Module, got list"


@pytest.mark.parametrize("scores", [(1, 3, 1), (2, 3)])
def test_a_model_without_one_row_of_scores_is_rejected(scores):
    class Shaped(nn.Module):
        def forward(self, x):
            return x.mean() * torch.ones(scores)

    x = image()
    assert message(lambda: saliency(Shaped(), x, 0)) == (
        f"the model must return scores of shape (1, classes), got {scores}")


def test_filters_are_scaled_one_by_one_so_the_largest_weight_reaches_0_or_1():
    conv = nn.Conv2d(3, 3, 1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[0.2, -0.1, 0.0], [0.0, 0.0, 0.0], [-3.0, 1.5, 0.3]]).reshape(3, 3, 1, 1))
    got = filters_as_images(conv)[:, 0, 0]                             # (3 filters, RGB)
    expected = torch.tensor([[1.0, 0.25, 0.5], [0.5, 0.5, 0.5], [0.0, 0.75, 0.55]])
    torch.testing.assert_close(got, expected)


@pytest.mark.parametrize("conv, text", [
    (nn.Conv2d(1, 2, 3), "conv must read the 3 RGB channels of the image, got in_channels=1"),
    (nn.Conv2d(3, 3, 3, groups=3), "conv must read the 3 RGB channels of the image, got in_channels=3"),
    (nn.Conv1d(3, 2, 3), "conv must be a torch.nn.Conv2d, got Conv1d"),
])
def test_filters_as_images_wants_an_rgb_convolution(conv, text):
    assert message(lambda: filters_as_images(conv)) == text


def test_overlay_mixes_each_pixel_towards_red_yellow_by_its_heat():
    image_ = np.array([[[-0.2, 0.4, 0.6], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]],
                       [[0.5, 0.5, 0.5], [0.1, 0.2, 0.3], [-0.5, 1.5, 0.5]]])   # (2, 3, 3): rectangular
    heat = np.array([[0.0, 2.0, 4.0], [1.0, -3.0, 4.0]])                    # scaled to 0, .5, 1 / .25, 0, 1
    got = overlay(image_, heat)                                             # alpha 0.5
    assert got.shape == (2, 3, 3)
    np.testing.assert_allclose(got[0, 0], [0.0, 0.4, 0.6])                   # no heat; -0.2 clipped
    np.testing.assert_allclose(got[0, 1], [0.25, 0.125, 0.0])                # 0.75 * 0 + 0.25 * (1, .5, 0)
    np.testing.assert_allclose(got[0, 2], [1.0, 1.0, 0.5])                   # 0.5 * 1 + 0.5 * (1, 1, 0)
    np.testing.assert_allclose(got[1, 0], [0.5 * 0.875 + 0.125, 0.5 * 0.875 + 0.125 * 0.25, 0.5 * 0.875])
    np.testing.assert_allclose(got[1, 1], [0.1, 0.2, 0.3])
    np.testing.assert_allclose(got[1, 2], [0.25, 1.0, 0.25])                 # -0.5 and 1.25 clipped to [0, 1]
    np.testing.assert_allclose(overlay(image_, heat, alpha=0)[0, 2], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(overlay(image_, heat, alpha=1)[0, 1], [0.5, 0.25, 0.0])


@pytest.mark.parametrize("args, text", [
    ((np.zeros((2, 3)), np.ones((2, 3))), "image must have 3 dimensions, got shape (2, 3)"),
    ((np.zeros((2, 3, 3)), np.ones((2, 3, 1))), "heat must have 2 dimensions, got shape (2, 3, 1)"),
    ((np.zeros((2, 3, 3)), np.ones((3, 2))), "heat has shape (3, 2), the image (2, 3): they must agree"),
    ((np.zeros((2, 3, 3)), np.ones((2, 3)), 1.5), "alpha must be in [0, 1], got 1.5"),
    ((np.zeros((2, 3, 3)), np.ones((2, 3)), -0.1), "alpha must be in [0, 1], got -0.1"),
])
def test_overlay_names_what_does_not_fit(args, text):
    assert message(lambda: overlay(*args)) == text


def test_normalize_map_scales_by_the_maximum_and_leaves_a_zero_map_alone():
    heat = torch.tensor([[0.1, -1.0], [0.5, 0.25], [0.0, 0.2]], requires_grad=True)
    np.testing.assert_allclose(normalize_map(heat), [[0.2, 0.0], [1.0, 0.5], [0.0, 0.4]], rtol=1e-6)
    zeros = normalize_map(-np.ones((2, 3)))
    assert zeros.shape == (2, 3) and not zeros.any()


def test_share_inside_of_a_single_hot_pixel_and_of_nothing():
    heat = np.zeros((2, 3))
    heat[1, 2] = 0.4
    assert share_inside(heat, slice(1, 2), slice(2, 3)) == 1.0 and share_inside(heat, slice(0, 1), slice(None)) == 0
    heat[0, 0] = 1.2
    assert share_inside(heat, slice(0, 1), slice(None)) == pytest.approx(0.75)
    assert message(lambda: share_inside(np.zeros((2, 3)), slice(None), slice(None))) == (
        "heat is zero everywhere: it has no mass to share")


def test_occlusion_of_a_rectangular_image_against_a_brute_force_loop():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Conv2d(3, 2, 1), nn.Sigmoid(), nn.Flatten(), nn.Linear(2 * 15, 4))
    x = image(3, 5, seed=2)
    got = occlusion(model, x, 1, patch=2, stride=2, fill=0.3, batch_size=3)
    with torch.no_grad():
        base = model(x).softmax(1)[0, 1]
        drops = {}
        for top, left in [(0, 0), (0, 2)]:                      # a 2 x 2 patch fits at top 0, left 0 and 2
            hidden = x.clone()
            hidden[0, :, top:top + 2, left:left + 2] = 0.3
            drops[top, left] = base - model(hidden).softmax(1)[0, 1]
    expected = torch.zeros(3, 5)
    expected[:2, :2], expected[:2, 2:4] = drops[0, 0], drops[0, 2]        # the last row and column: never hidden
    torch.testing.assert_close(got, expected)


def test_randomized_copy_is_a_freshly_built_network_from_the_seed():
    def build():
        return nn.Sequential(nn.Conv2d(3, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(2, 3))

    model = build().train()
    with torch.no_grad():
        model[1].running_mean.fill_(5.0)
        model[3].weight.fill_(2.0)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    for seed, call in [(0, lambda: randomized_copy(model)), (7, lambda: randomized_copy(model, seed=7))]:
        clone = call()
        torch.manual_seed(seed)
        fresh = build()
        assert clone.training is False and model.training is True
        for name, tensor in fresh.state_dict().items():
            assert torch.equal(clone.state_dict()[name], tensor), (seed, name)
    assert all(torch.equal(model.state_dict()[k], v) for k, v in before.items())
    assert message(lambda: randomized_copy(model, seed=-1)) == "seed must be >= 0, got -1"
    assert message(lambda: randomized_copy("model")) == "model must be a torch.nn.Module, got str"


@pytest.mark.parametrize("x, text", [
    (np.zeros((1, 3, 2, 3), dtype=np.float32), "x must be a torch.Tensor of shape (1, 3, H, W), got ndarray"),
    (torch.zeros(1, 3, 2, 3, dtype=torch.int64),
     "x must hold floats (prepared as the weights expect), got torch.int64"),
    (torch.zeros(3, 2, 3), "x must have shape (1, C, H, W): one image, batch of one; got (3, 2, 3)"),
])
def test_every_method_names_a_bad_image(x, text):
    model = tanh_net()
    for call in (lambda: saliency(model, x, 0), lambda: grad_cam(model, x, 0, model[1]),
                 lambda: occlusion(model, x, 0, patch=1), lambda: smooth_saliency(model, x, 0)):
        assert message(call) == text
