"""load_image against scikit-image's raw photos: the 8-bit scale, the boolean horse, grey
conversion, the resized shape of non-square photos, anti-aliasing when shrinking, named bad input."""

import numpy as np
import pytest
from skimage import color, data, transform

from cnncourse.data.photos import PHOTOS, check_photo_name, load_image


@pytest.mark.parametrize("name", ["text", "chelsea"])
def test_8_bit_photos_are_divided_by_255(name):
    raw = getattr(data, name)()
    image = load_image(name)
    assert image.shape == raw.shape and image.dtype == np.float64
    np.testing.assert_array_equal(image * 255.0, raw.astype(np.float64))


def test_the_boolean_horse_is_zeros_and_ones():
    image = load_image("horse")
    assert np.array_equal(image, data.horse().astype(np.float64)) and set(np.unique(image)) == {0.0, 1.0}


def test_grey_converts_colour_photos_and_keeps_grey_ones():
    np.testing.assert_allclose(load_image("chelsea", grey=True), color.rgb2gray(data.chelsea() / 255.0),
                               atol=1e-12)
    np.testing.assert_array_equal(load_image("text", grey=True), data.text() / 255.0)


@pytest.mark.parametrize("name, size, shape", [
    ("text", 64, (25, 64)),      # 172 x 448: 172 * 64 / 448 = 24.6
    ("chelsea", 100, (67, 100, 3)),   # 300 x 451: 300 * 100 / 451 = 66.5
    ("text", 896, (344, 896)),   # twice as large
])
def test_size_is_the_longer_side_and_the_aspect_is_kept(name, size, shape):
    assert load_image(name, size=size).shape == shape


def test_shrinking_smooths_first_and_growing_interpolates():
    raw = data.text() / 255.0
    small = load_image("text", size=64)
    np.testing.assert_allclose(small, transform.resize(raw, (25, 64), anti_aliasing=True), atol=1e-12)
    aliased = transform.resize(raw, (25, 64), anti_aliasing=False)
    assert np.abs(small - aliased).max() > 0.1
    np.testing.assert_allclose(load_image("text", size=896), transform.resize(raw, (344, 896), order=1),
                               atol=1e-12)


def test_names_are_checked():
    assert check_photo_name("moon") == "moon" and len(PHOTOS) == len(set(PHOTOS)) == 16
    with pytest.raises(TypeError, match="name must be a str, got int"):
        load_image(3)
    with pytest.raises(ValueError, match="unknown photo name 'cells3d'; choose one of astronaut, brick"):
        check_photo_name("cells3d")
