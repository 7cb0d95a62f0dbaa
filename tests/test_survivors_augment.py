"""Augmentation's documented contracts (mutants of cnncourse/data/augment.py that survived):
brightness and contrast drawn over their whole ranges, the k-th reading of example i seeded by
(seed, i, k) in the image's own layout and dtype, and the errors, defaults and repr named."""

import re

import numpy as np
import pytest
import torch
from torch.utils.data import TensorDataset

from cnncourse.data.augment import (AugmentedDataset, Compose, RandomBrightnessContrast, RandomCrop,
                                    RandomHorizontalFlip, RandomRotation, RandomScale, RandomTranslate,
                                    SaltAndPepper, make_transform)

# values 0.4..0.6: a change of brightness up to 0.3 and contrast up to 0.5 never reaches 0 or 1
IMAGE = 0.4 + 0.2 * np.arange(12).reshape(3, 4) / 11


def test_brightness_is_drawn_from_minus_to_plus_its_amount():
    shifts = [float((RandomBrightnessContrast(0.3, 0.0)(IMAGE, seed) - IMAGE).mean()) for seed in range(200)]
    assert -0.3 <= min(shifts) < -0.25 and 0.25 < max(shifts) <= 0.3


def test_contrast_multiplies_the_distance_to_the_mean_by_1_plus_or_minus_its_amount():
    centred = IMAGE - IMAGE.mean()
    gains = []
    for seed in range(200):
        out = RandomBrightnessContrast(0.0, 0.5)(IMAGE, seed)
        gain = (out - IMAGE.mean()) / centred
        assert np.allclose(gain, gain[0, 0], atol=1e-9)  # one factor for the whole image, around its mean
        gains.append(gain[0, 0])
    assert 0.5 <= min(gains) < 0.55 and 1.45 < max(gains) <= 1.5


def test_the_kth_reading_of_example_i_is_the_transform_seeded_by_seed_i_k():
    """(3, 5, 3) images: which axis holds the channels cannot be guessed, the dataset says CHW."""
    images = torch.rand(2, 3, 5, 3, generator=torch.Generator().manual_seed(0))
    transform = Compose([RandomCrop(1), RandomHorizontalFlip()])
    data = AugmentedDataset(TensorDataset(images, torch.tensor([4, 7])), transform, seed=0)
    for k in range(3):
        for i in (1, 0):
            image, label = data[i]
            expected = transform(images[i].numpy(), np.random.default_rng([0, i, k]), layout="CHW")
            assert image.dtype == torch.float32 and label == [4, 7][i]
            np.testing.assert_array_equal(image.numpy(), expected.astype(np.float32))
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        AugmentedDataset(data.dataset, transform, seed=-1)
    with pytest.raises(TypeError, match="seed must be an int, got float"):
        AugmentedDataset(data.dataset, transform, seed=1.0)


def test_bad_arguments_are_named_by_type_and_a_transform_shows_its_settings():
    with pytest.raises(TypeError, match=r"^transforms\[1\] must be a Transform, got str$"):
        Compose([RandomCrop(1), "flip"])
    with pytest.raises(TypeError, match=r"^dataset must be a torch.utils.data.Dataset, got list$"):
        AugmentedDataset([1, 2], RandomCrop(1))
    with pytest.raises(TypeError, match=r"^transform must be a Transform \(see cnncourse.data.augment\), got str$"):
        AugmentedDataset(TensorDataset(torch.zeros(1, 1, 2, 2)), "crop")
    assert repr(RandomBrightnessContrast(0.1, 0.25)) == "RandomBrightnessContrast(brightness=0.1, contrast=0.25)"


def test_make_transform_names_what_it_refuses_and_takes_a_one_pixel_image():
    names = "translate, crop, flip, rotate, scale, brightness_contrast, salt_and_pepper"
    with pytest.raises(ValueError, match=f"^unknown transform 'blur'; choose one of {names}$"):
        make_transform("blur")
    with pytest.raises(ValueError, match="^image_size must be >= 1, got 0$"):
        make_transform("crop", image_size=0)
    with pytest.raises(TypeError, match="^image_size must be an int, got float 8.0$"):
        make_transform("crop", image_size=8.0)
    assert repr(make_transform("crop", 1.0, image_size=1)) == "RandomCrop(padding=0)"  # round(0.25)
    assert repr(make_transform("crop", 1.0, image_size=8)) == "RandomCrop(padding=2)"


def test_salt_and_pepper_takes_a_fraction_of_the_pixels():
    assert repr(SaltAndPepper()) == "SaltAndPepper(amount=0.05)"
    with pytest.raises(ValueError, match="amount"):
        SaltAndPepper(1.5)


SETTINGS = [(RandomTranslate, "max_shift", 0.0, 1.0), (RandomHorizontalFlip, "p", 0.0, 1.0),
            (RandomRotation, "degrees", 0.0, 180.0), (RandomScale, "amount", 0.0, 0.9),
            (RandomBrightnessContrast, "brightness", 0.0, 1.0), (RandomBrightnessContrast, "contrast", 0.0, 1.0),
            (SaltAndPepper, "amount", 0.0, 1.0)]


@pytest.mark.parametrize("transform, name, low, high", SETTINGS, ids=[f"{t.__name__}.{n}" for t, n, _, _ in SETTINGS])
def test_each_setting_takes_its_whole_range_and_names_what_is_outside(transform, name, low, high):
    for value in (low, high):
        assert getattr(transform(**{name: value}), name) == value
    for value in (low - 0.01, high + 0.01):
        with pytest.raises(ValueError, match=f"^{name} must be in \\[{low:g}, {high:g}\\], got {value!r}$"):
            transform(**{name: value})
    with pytest.raises(TypeError, match=f"^{name} must be a number, got str '1'$"):
        transform(**{name: "1"})
    with pytest.raises(ValueError, match="^padding must be >= 0, got -1$"):
        RandomCrop(-1)


def test_a_translation_moves_both_ways_by_up_to_its_limit():
    """A 9x9 image with one lit pixel in the middle; max_shift 0.25 of 9 is 2 pixels."""
    image = np.zeros((9, 9))
    image[4, 4] = 1.0
    moves = set()
    for seed in range(200):
        row, col = np.unravel_index(np.argmax(RandomTranslate(0.25)(image, seed)), image.shape)
        moves.add((int(row) - 4, int(col) - 4))
    assert moves == {(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)}


def test_a_zoom_about_the_centre_keeps_a_square_of_ones_symmetric():
    """Points outside the image read 0 on every side alike, however far out a strong zoom-out reaches."""
    for seed in range(20):
        out = RandomScale(0.9)(np.ones((9, 9)), seed)
        np.testing.assert_allclose(out, out[::-1, :], atol=1e-12)
        np.testing.assert_allclose(out, out[:, ::-1], atol=1e-12)
        assert out[4, 4] == 1.0


@pytest.mark.parametrize("shape, layout", [((5, 6), "HW"), ((5, 6, 1), "HWC"), ((5, 6, 4), "HWC"),
                                           ((1, 5, 6), "CHW"), ((4, 5, 6), "CHW")])
def test_the_layout_is_guessed_from_which_axis_has_1_3_or_4_entries(shape, layout):
    image = np.linspace(0, 1, np.prod(shape)).reshape(shape)
    np.testing.assert_array_equal(RandomHorizontalFlip(1.0)(image, 0),
                                  RandomHorizontalFlip(1.0)(image, 0, layout=layout))


@pytest.mark.parametrize("shape", [(2, 5, 6), (5, 6, 2), (3, 5, 3), (5, 5, 5)])
def test_a_shape_whose_layout_cannot_be_told_is_refused(shape):
    message = (f"cannot tell whether an image of shape {shape} is HWC or CHW: pass layout='HWC' "
               "or layout='CHW'")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        RandomHorizontalFlip()(np.zeros(shape), 0)
