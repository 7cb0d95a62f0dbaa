"""Data augmentation: each transform checked against an independent construction (shifted or
padded copies, scipy's affine resampling, a line fit), ranges kept, layouts, seeds, the dataset
wrapper, and errors."""

import math

import numpy as np
import pytest
import torch
from scipy import ndimage

from cnncourse.data.augment import (TRANSFORMS, AugmentedDataset, Compose, RandomBrightnessContrast,
                                    RandomCrop, RandomHorizontalFlip, RandomRotation, RandomScale,
                                    RandomTranslate, SaltAndPepper, make_transform)

IMAGE = np.random.default_rng(0).uniform(size=(12, 10))
ALL = [make_transform(name, 0.8, image_size=12) for name in TRANSFORMS]


def zero_shifted(image, dy, dx):
    """image moved dy down and dx right, built by padding and slicing."""
    h, w = image.shape
    padded = np.pad(image, ((h, h), (w, w)))
    return padded[h - dy:2 * h - dy, w - dx:2 * w - dx]


def test_translation_is_a_whole_pixel_shift_within_the_limit():
    seen = set()
    for seed in range(20):
        out = RandomTranslate(max_shift=0.25)(IMAGE, seed)
        shifts = [(dy, dx) for dy in range(-3, 4) for dx in range(-3, 4)
                  if np.array_equal(out, zero_shifted(IMAGE, dy, dx))]
        assert len(shifts) == 1
        seen.add(shifts[0])
    assert len(seen) > 5


def test_crop_with_padding_is_a_window_of_the_padded_image():
    for seed in range(10):
        out = RandomCrop(padding=2)(IMAGE, seed)
        padded = np.pad(IMAGE, 2)
        windows = [(t, l) for t in range(5) for l in range(5) if np.array_equal(out, padded[t:t + 12, l:l + 10])]
        assert windows


def test_flip_mirrors_left_right():
    np.testing.assert_array_equal(RandomHorizontalFlip(p=1.0)(IMAGE, 0), IMAGE[:, ::-1])
    np.testing.assert_array_equal(RandomHorizontalFlip(p=0.0)(IMAGE, 0), IMAGE)


def scipy_warp(image, matrix):
    centre = (np.array(image.shape) - 1) / 2
    return ndimage.affine_transform(image, matrix, offset=centre - matrix @ centre, order=1,
                                    mode="grid-constant", cval=0.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rotation_and_scaling_equal_scipys_bilinear_resampling(seed):
    angle = math.radians(np.random.default_rng(seed).uniform(-30, 30))  # the draw the transform makes
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    np.testing.assert_allclose(RandomRotation(30)(IMAGE, seed), scipy_warp(IMAGE, rotation), atol=1e-9)
    factor = np.random.default_rng(seed).uniform(0.7, 1.3)
    np.testing.assert_allclose(RandomScale(0.3)(IMAGE, seed), scipy_warp(IMAGE, np.eye(2) / factor), atol=1e-9)


def test_rotation_by_zero_and_scale_one_change_nothing():
    np.testing.assert_allclose(RandomRotation(0)(IMAGE, 3), IMAGE, atol=1e-12)
    np.testing.assert_allclose(RandomScale(0)(IMAGE, 3), IMAGE, atol=1e-12)


def test_brightness_contrast_is_affine_where_not_clipped():
    image = np.linspace(0.3, 0.7, 40).reshape(5, 8)  # mid-grey: stays inside [0, 1]
    out = RandomBrightnessContrast(brightness=0.2, contrast=0.5)(image, 4)
    slope, intercept = np.polyfit(image.ravel(), out.ravel(), 1)
    np.testing.assert_allclose(out, slope * image + intercept, atol=1e-12)
    assert 0.5 <= slope <= 1.5 and not np.isclose(slope, 1.0)


def test_salt_and_pepper_sets_a_fraction_of_pixels_to_0_or_1_in_every_channel():
    image = np.full((200, 200, 3), 0.5)
    out = SaltAndPepper(amount=0.1)(image, 5)
    changed = (out != 0.5).any(axis=2)
    assert abs(changed.mean() - 0.1) < 0.01
    assert set(np.unique(out[changed])) == {0.0, 1.0}
    assert np.all(out[changed].min(axis=1) == out[changed].max(axis=1))
    assert abs((out[changed][:, 0] == 1.0).mean() - 0.5) < 0.05


@pytest.mark.parametrize("transform", ALL, ids=list(TRANSFORMS))
def test_values_stay_in_range_and_seeds_decide(transform):
    image = np.random.default_rng(1).uniform(size=(3, 12, 12))
    out = transform(image, 7)
    assert out.shape == image.shape and out.min() >= 0 and out.max() <= 1
    np.testing.assert_array_equal(out, transform(image, 7))
    np.testing.assert_array_equal(out, transform(image, np.random.default_rng(7)))


@pytest.mark.parametrize("transform", ALL, ids=list(TRANSFORMS))
def test_hwc_and_chw_give_the_same_image(transform):
    chw = np.random.default_rng(2).uniform(size=(3, 12, 12)).astype(np.float32)
    hwc = chw.transpose(1, 2, 0)
    out = transform(hwc, 8)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, transform(chw, 8).transpose(1, 2, 0), atol=1e-6)
    np.testing.assert_allclose(transform(chw, 8, layout="CHW"), transform(chw, 8), atol=0)


def test_strength_zero_changes_nothing_and_seeds_vary_strong_transforms():
    for name in TRANSFORMS:
        np.testing.assert_allclose(make_transform(name, 0.0, 12)(IMAGE, 1), IMAGE, atol=1e-12, err_msg=name)
    for transform in ALL:
        assert any(not np.allclose(transform(IMAGE, 0), transform(IMAGE, s)) for s in range(1, 6))


def test_compose_applies_in_order_with_one_generator():
    chain = Compose([RandomHorizontalFlip(1.0), RandomCrop(1)])
    rng = np.random.default_rng(3)
    rng.random()  # the flip's draw
    np.testing.assert_array_equal(chain(IMAGE, 3), RandomCrop(1)(IMAGE[:, ::-1], rng))


def test_dataset_wrapper_gives_fresh_deterministic_variants_each_epoch():
    images = torch.rand(6, 1, 8, 8)
    base = torch.utils.data.TensorDataset(images, torch.arange(6))
    data = AugmentedDataset(base, RandomTranslate(0.25), seed=1)
    first, label = data[2]
    second, _ = data[2]
    assert first.shape == (1, 8, 8) and first.dtype == torch.float32 and label == 2
    assert not torch.equal(first, second)
    again = AugmentedDataset(base, RandomTranslate(0.25), seed=1)
    assert torch.equal(again[2][0], first) and torch.equal(again[2][0], second)
    batch, labels = next(iter(torch.utils.data.DataLoader(data, batch_size=6)))
    assert batch.shape == (6, 1, 8, 8) and labels.tolist() == list(range(6))


@pytest.mark.parametrize("call, error, match", [
    (lambda: make_transform("blur"), ValueError, "unknown transform 'blur'"),
    (lambda: make_transform("rotate", 1.5), ValueError, r"strength must be in \[0, 1\]"),
    (lambda: RandomRotation(-5), ValueError, "degrees must be in"),
    (lambda: SaltAndPepper("lots"), TypeError, "amount must be a number"),
    (lambda: RandomCrop(1.5), TypeError, "padding must be an int"),
    (lambda: RandomCrop(1)(np.full((4, 4), 2.0), 0), ValueError, r"image values must lie in \[0, 1\]"),
    (lambda: RandomCrop(1)(np.zeros((3, 5, 3)), 0), ValueError, "cannot tell whether"),
    (lambda: RandomCrop(1)(np.zeros((3, 5, 5)), 0, layout="NCHW"), ValueError, "layout must be one of"),
    (lambda: RandomCrop(1)(np.zeros((5, 5)), 0, layout="HWC"), ValueError, "needs 3 dimensions"),
    (lambda: Compose([RandomCrop(1), "flip"]), TypeError, r"transforms\[1\] must be a Transform"),
    (lambda: AugmentedDataset([1, 2], RandomCrop(1)), TypeError, "dataset must be"),
])
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
