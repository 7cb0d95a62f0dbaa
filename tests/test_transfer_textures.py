"""The texture task: real photos, grey, train and test patches from disjoint rows of each photo."""

import numpy as np
import pytest

from cnncourse.data.textures import (SIDE, STRIDE, TEXTURES, TRAIN_FRACTION, per_class_subset, texture_arrays,
                                     texture_photo, textures)


@pytest.fixture(scope="module")
def splits():
    return {split: texture_arrays(split, 32) for split in ("train", "test")}


def test_every_class_has_the_same_number_of_patches_in_each_split(splits):
    (x_train, y_train), (x_test, y_test) = splits["train"], splits["test"]
    assert x_train.shape[1:] == (3, 32, 32) and x_train.dtype == np.float32
    columns = (SIDE - 32) // STRIDE + 1
    train_rows = (round(SIDE * TRAIN_FRACTION) - 32) // STRIDE + 1
    test_rows = (SIDE - round(SIDE * TRAIN_FRACTION) - 32) // STRIDE + 1
    assert np.bincount(y_train).tolist() == [train_rows * columns] * len(TEXTURES)
    assert np.bincount(y_test).tolist() == [test_rows * columns] * len(TEXTURES)
    assert np.array_equal(x_train[:, 0], x_train[:, 2]) and 0 <= x_train.min() and x_train.max() <= 1


def test_patches_are_cut_from_the_photo_and_test_rows_lie_below_train_rows(splits):
    photo = texture_photo("gravel")
    cut = round(SIDE * TRAIN_FRACTION)
    (x_train, y_train), (x_test, y_test) = splits["train"], splits["test"]
    label = TEXTURES.index("gravel")
    first_train, first_test = x_train[y_train == label][0, 0], x_test[y_test == label][0, 0]
    assert np.allclose(first_train, photo[:32, :32]) and np.allclose(first_test, photo[cut:cut + 32, :32])
    last_train = x_train[y_train == label][-1, 0]
    bottom = (cut - 32) // STRIDE * STRIDE
    assert np.allclose(last_train, photo[bottom:bottom + 32, -32 - (SIDE - 32) % STRIDE:SIDE - (SIDE - 32) % STRIDE])
    assert bottom + 32 <= cut  # no training pixel comes from the test rows


def test_per_class_subset_is_balanced_seeded_and_checked():
    labels = np.repeat(np.arange(4), 10)
    chosen = per_class_subset(labels, 3, seed=1)
    assert np.bincount(labels[chosen]).tolist() == [3] * 4
    assert np.array_equal(chosen, per_class_subset(labels, 3, seed=1))
    assert not np.array_equal(chosen, per_class_subset(labels, 3, seed=2))
    assert np.array_equal(per_class_subset(labels, None), np.arange(40))
    with pytest.raises(ValueError, match="per_class=11 but class 0 has only 10"):
        per_class_subset(labels, 11)
    with pytest.raises(ValueError, match="per_class must be >= 1"):
        per_class_subset(labels, 0)


def test_textures_dataset_and_bad_input():
    data = textures("test", size=32, per_class=2, seed=0)
    assert len(data) == 2 * len(TEXTURES) and data[0][0].shape == (3, 32, 32)
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        texture_arrays("validation")
    with pytest.raises(ValueError, match="size must be <= 120"):
        texture_arrays("train", 200)
    with pytest.raises(ValueError, match="size must be <= 120"):  # 121 to 128 used to crash in np.stack
        texture_arrays("test", 121)
    assert texture_arrays("test", 120)[0].shape[1:] == (3, 120, 120)
    with pytest.raises(ValueError, match="name must be one of brick"):
        texture_photo("camera")
