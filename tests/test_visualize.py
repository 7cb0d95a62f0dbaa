"""cnncourse.visualize against independent computations on tiny networks whose answers are known."""

import numpy as np
import pytest
import torch
from torch import nn

from cnncourse.visualize import (feature_maps, filters_as_images, grad_cam, normalize_map, occlusion, overlay,
                                 randomized_copy, saliency, share_inside, smooth_saliency)


class TinyNet(nn.Module):
    """conv 3 -> 2 (1x1, fixed weights) -> ReLU -> global average -> linear 2 -> 3."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 1, bias=False)
        self.act = nn.ReLU()
        self.fc = nn.Linear(2, 3, bias=False)
        with torch.no_grad():
            self.conv.weight.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, -1.0]]).reshape(2, 3, 1, 1))
            self.fc.weight.copy_(torch.tensor([[2.0, -1.0], [-1.0, 3.0], [0.5, 0.5]]))

    def forward(self, x):
        return self.fc(self.act(self.conv(x)).mean(dim=(2, 3)))


def _image(seed=0, size=4):
    return torch.from_numpy(np.random.default_rng(seed).uniform(-1, 1, (1, 3, size, size))).float()


def test_grad_cam_matches_the_hand_computation_on_a_tiny_network():
    model, x = TinyNet(), _image()
    a = torch.relu(torch.stack([x[0, 0], x[0, 1] - x[0, 2]]))      # the two maps, (2, 4, 4)
    for target in range(3):
        # score = sum_k w[target, k] * mean(A_k), so d score / d A_k = w[target, k] / 16 everywhere
        alpha = model.fc.weight[target].detach() / 16
        expected = torch.relu((alpha[:, None, None] * a).sum(0))
        got = grad_cam(model, x, target, model.act, resize=False)
        assert torch.allclose(got, expected, atol=1e-6)
        assert got.min() >= 0
    # at the input's own size, resizing a 4x4 map to 4x4 changes nothing
    assert torch.allclose(grad_cam(model, x, 1, model.act), grad_cam(model, x, 1, model.act, resize=False))


def test_grad_cam_resizes_bilinearly_to_the_image():
    model = nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                          nn.Flatten(), nn.Linear(4, 5))
    torch.manual_seed(0)
    x = _image(1, 8)
    cam = grad_cam(model, x, 2, model[1])
    small = grad_cam(model, x, 2, model[1], resize=False)
    assert cam.shape == (8, 8) and small.shape == (4, 4) and cam.min() >= 0
    expected = torch.nn.functional.interpolate(small[None, None], size=(8, 8), mode="bilinear")[0, 0]
    assert torch.allclose(cam, expected, atol=1e-6)


def test_saliency_matches_autograd_of_the_whole_score_vector():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Tanh(), nn.Flatten(), nn.Linear(4 * 25, 6))
    x = _image(2, 5)
    jacobian = torch.autograd.functional.jacobian(model, x)      # (1, 6, 1, 3, 5, 5)
    for target in (0, 5):
        expected = jacobian[0, target, 0].abs().max(dim=0).values
        assert torch.allclose(saliency(model, x, target), expected, atol=1e-6)


def test_saliency_of_a_linear_model_is_its_weights():
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 2))
    x = _image(3, 2)
    weights = model[1].weight.detach()[1].reshape(3, 2, 2)
    assert torch.allclose(saliency(model, x, 1), weights.abs().amax(0))
    # every noisy copy has the same gradient, so SmoothGrad gives the same map
    assert torch.allclose(smooth_saliency(model, x, 1, samples=4), weights.abs().amax(0), atol=1e-6)
    assert torch.equal(smooth_saliency(TinyNet(), x, 0, samples=3, seed=5),
                       smooth_saliency(TinyNet(), x, 0, samples=3, seed=5))


def _occluded_by_hand(model, x, target, patch=3, stride=2):
    """The occlusion map of ``target`` for a 6 x 6 image, one hidden copy at a time (numpy)."""
    with torch.no_grad():
        base = model(x).softmax(1)[0, target].item()
        total, count = np.zeros((6, 6)), np.zeros((6, 6))
        for top in range(0, 6 - patch + 1, stride):
            for left in range(0, 6 - patch + 1, stride):
                hidden = x.clone()
                hidden[..., top:top + patch, left:left + patch] = 0
                drop = base - model(hidden).softmax(1)[0, target].item()
                total[top:top + patch, left:left + patch] += drop
                count[top:top + patch, left:left + patch] += 1
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _occlusion_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 3, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 36, 4))


def test_occlusion_against_a_brute_force_loop():
    model, x = _occlusion_model(), _image(4, 6)
    got = occlusion(model, x, 3, patch=3, stride=2, fill=0.0, batch_size=2)
    assert got.shape == (6, 6)
    assert np.allclose(got.numpy(), _occluded_by_hand(model, x, 3), atol=1e-6)


def test_occlusion_of_several_classes_gives_each_class_its_own_map():
    model, x = _occlusion_model(), _image(4, 6)
    got = occlusion(model, x, [3, 0, 3], patch=3, stride=2, fill=0.0, batch_size=3)
    assert got.shape == (3, 6, 6)
    for index, target in enumerate([3, 0, 3]):
        assert np.allclose(got[index].numpy(), _occluded_by_hand(model, x, target), atol=1e-6)
    assert not np.allclose(got[0].numpy(), got[1].numpy())
    with pytest.raises(ValueError, match="target must be a class index or a non-empty list"):
        occlusion(model, x, [], patch=3)
    with pytest.raises(ValueError, match=r"target\[1\] must be a class index in \[0, 3\]"):
        occlusion(model, x, (0, 4), patch=3)


def test_feature_maps_and_filters():
    model, x = TinyNet(), _image()
    maps = feature_maps(model, x, model.conv)
    assert torch.allclose(maps, torch.stack([x[0, 0], x[0, 1] - x[0, 2]]))
    images = filters_as_images(nn.Conv2d(3, 2, 3))
    assert images.shape == (2, 3, 3, 3) and images.min() >= 0 and images.max() <= 1
    conv = nn.Conv2d(3, 1, 1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([-2.0, 0.0, 1.0]).reshape(1, 3, 1, 1))
    assert torch.allclose(filters_as_images(conv)[0, 0, 0], torch.tensor([0.0, 0.5, 0.75]))


def test_randomized_copy_changes_weights_not_the_original():
    model = TinyNet()
    before = model.conv.weight.clone()
    clone = randomized_copy(model, seed=1)
    assert torch.equal(model.conv.weight, before)
    assert not torch.equal(clone.conv.weight, before)
    assert torch.equal(clone.fc.weight, randomized_copy(model, seed=1).fc.weight)


def test_overlay_and_share_inside():
    heat = np.zeros((4, 4))
    heat[:, :2] = 1.0
    heat[0, 3] = -5  # negatives are clipped
    assert share_inside(heat, slice(None), slice(0, 2)) == 1.0
    assert np.allclose(normalize_map(torch.tensor(heat * 2)), np.clip(heat, 0, None))
    image = np.full((4, 4, 3), 0.2)
    out = overlay(image, heat, alpha=1.0)
    assert np.allclose(out[0, 0], [1.0, 1.0, 0.0]) and np.allclose(out[0, 3], 0.2)


def test_clear_errors():
    model, x = TinyNet(), _image()
    with pytest.raises(ValueError, match="not a module of this model"):
        grad_cam(model, x, 0, nn.ReLU())
    with pytest.raises(TypeError, match="layer"):
        grad_cam(model, x, 0, "act")
    with pytest.raises(ValueError, match=r"target must be a class index in \[0, 2\]"):
        grad_cam(model, x, 3, model.act)
    with pytest.raises(ValueError, match="target"):
        saliency(model, x, -1)
    with pytest.raises(ValueError, match="target"):
        occlusion(model, x, 7, patch=2, stride=2)
    with pytest.raises(ValueError, match=r"x must have shape \(1, C, H, W\)"):
        saliency(model, x.repeat(2, 1, 1, 1), 0)
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        saliency(model, x.numpy(), 0)
    with pytest.raises(ValueError, match="patch"):
        occlusion(model, x, 0, patch=9)
    with pytest.raises(ValueError, match="feature maps"):
        grad_cam(model, x, 0, model.fc)
    with pytest.raises(TypeError, match="conv"):
        filters_as_images(model.fc)
    with pytest.raises(ValueError, match="noise"):
        smooth_saliency(model, x, 0, noise=-1)
