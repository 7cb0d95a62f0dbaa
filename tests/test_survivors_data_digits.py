"""The digit datasets against scikit-learn's raw digits and a hand-written bilinear resize: pixel
values, the stratified seeded split, the limit, the resize and the named bad input."""

import numpy as np
import pytest

from cnncourse.data.handwritten_digits import NUM_CLASSES, digit_arrays, digits


@pytest.fixture(scope="module")
def raw():
    from sklearn.datasets import load_digits  # here: the pytest worker that does not run this file skips it

    bunch = load_digits()
    return bunch.images, bunch.target


def rows(images):
    """Each image as a hashable row of bytes, for set comparisons."""
    return sorted(image.tobytes() for image in np.ascontiguousarray(images, dtype=np.float64))


def test_the_two_splits_are_the_raw_digits_over_16_each_image_once(raw):
    images, targets = raw
    (x_train, y_train), (x_test, y_test) = digit_arrays("train"), digit_arrays("test")
    assert x_train.dtype == np.float64 and y_train.dtype == np.int64 and x_train.shape[1:] == (1, 8, 8)
    assert rows(np.concatenate([x_train, x_test])[:, 0]) == rows(images / 16.0)
    assert x_train.max() == 1.0 and x_train.min() == 0.0  # 16 and 0 occur: the scale is 1/16
    assert np.array_equal(np.bincount(np.concatenate([y_train, y_test])), np.bincount(targets))
    assert NUM_CLASSES == 10 and set(y_test.tolist()) == set(range(10))


@pytest.mark.parametrize("fraction", [0.25, 0.5])
def test_the_split_is_stratified_with_the_asked_test_fraction(raw, fraction):
    _, targets = raw
    _, y_test = digit_arrays("test", test_fraction=fraction)
    per_class = np.bincount(targets)
    assert len(y_test) == int(np.ceil(fraction * len(targets)))  # scikit-learn rounds the test size up
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - fraction * per_class) < 1)


def test_the_seed_picks_the_split_and_the_same_seed_repeats_it():
    a, b, c = (digit_arrays("test", seed=s)[0] for s in (1, 1, 2))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert not np.array_equal(digit_arrays("test")[0], a)  # the default is seed 0


def bilinear(image, size):
    """Half-pixel-centred bilinear resize of a square (n, n) image, edges clamped (by hand)."""
    n = image.shape[0]
    position = np.clip((np.arange(size) + 0.5) * n / size - 0.5, 0, n - 1)
    low = np.floor(position).astype(int)
    high, weight = np.minimum(low + 1, n - 1), position - low
    along_rows = image[low] * (1 - weight)[:, None] + image[high] * weight[:, None]
    return along_rows[:, low] * (1 - weight) + along_rows[:, high] * weight


@pytest.mark.parametrize("size", [9, 12, 28])
def test_larger_sizes_are_bilinear_resizes_of_the_8x8_digits(size):
    small, labels = digit_arrays("test")
    large, same_labels = digit_arrays("test", size=size)
    assert large.shape == (len(small), 1, size, size) and np.array_equal(labels, same_labels)
    for k in (0, 7):
        np.testing.assert_allclose(large[k, 0], bilinear(small[k, 0], size), atol=1e-12)


def test_resized_digits_stay_within_0_and_1():
    # unclamped, bilinear rounding gives 1 + 2e-16 at size 14
    for split in ("train", "test"):
        images, _ = digit_arrays(split, size=14)
        assert images.max() == 1.0 and images.min() == 0.0


def test_the_dataset_passes_the_seed_on():
    x, y = digits("test", size=8, seed=3).tensors
    images, labels = digit_arrays("test", seed=3)
    assert np.array_equal(x.numpy(), images.astype(np.float32)) and np.array_equal(y.numpy(), labels)


def test_the_dataset_is_float32_and_limit_keeps_the_first_examples():
    images, labels = digit_arrays("train", size=10)
    data = digits("train", size=10, limit=5)
    x, y = data.tensors
    assert len(data) == 5 and x.dtype.is_floating_point and x.element_size() == 4
    np.testing.assert_array_equal(x.numpy(), images[:5].astype(np.float32))
    np.testing.assert_array_equal(y.numpy(), labels[:5])
    assert len(digits("test", size=8)) == 450


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(split="test", test_fraction=0.0), ValueError, "test_fraction must be between 0 and 1, got 0.0"),
    (dict(split="test", test_fraction=1.0), ValueError, "test_fraction must be between 0 and 1, got 1.0"),
    (dict(split="test", seed=1.5), TypeError, "seed must be an int"),
    (dict(split="test", size=7), ValueError, "size must be >= 8"),
    (dict(split="valid"), ValueError, "split must be 'train' or 'test', got 'valid'"),
])
def test_bad_arguments_are_named(kwargs, error, words):
    with pytest.raises(error, match=words):
        digit_arrays(**kwargs)
    with pytest.raises(TypeError, match="limit must be an int"):
        digits("test", limit=2.5)


def test_each_call_returns_its_own_arrays_so_changing_them_changes_no_later_call():
    images, labels = digit_arrays("train", size=12)
    expected = images.copy(), labels.copy()
    images[:] = -1.0
    labels[:] = 99
    dataset = digits("train", size=12)
    dataset.tensors[0].zero_()
    again = digit_arrays("train", size=12)
    np.testing.assert_array_equal(again[0], expected[0])
    np.testing.assert_array_equal(again[1], expected[1])
