"""The texture task against hand computation: the grey central square of each photo, the rows
where each split's patches start, the patch grid at the largest size, and per-class subsets."""

import numpy as np
import pytest
from skimage import color, data, transform

from cnncourse.data.textures import TEXTURES, per_class_subset, split_rows, texture_arrays, texture_photo, textures


def test_a_grey_photo_is_shrunk_to_300_rows_and_columns():
    expected = transform.resize(data.grass() / 255.0, (300, 300), anti_aliasing=True)
    np.testing.assert_allclose(texture_photo("grass"), expected, atol=1e-12)


def test_a_colour_photo_turns_grey_and_loses_its_side_columns():
    # chelsea is 300 x 451: already 300 rows high, its central 300 columns start at (451 - 300) // 2
    photo = texture_photo("chelsea")
    assert photo.shape == (300, 300)
    np.testing.assert_allclose(photo, color.rgb2gray(data.chelsea() / 255.0)[:, 75:375], atol=1e-9)


@pytest.mark.parametrize("split, size, starts", [
    ("train", 64, [0, 16, 32, 48, 64, 80, 96, 112]),   # top 180 rows: a patch starts at most at 116
    ("test", 64, [180, 196, 212, 228]),                 # rows 180 .. 299: at most at 236
    ("train", 120, [0, 16, 32, 48]),
    ("test", 120, [180]),                               # the test region holds exactly one row
    ("test", 16, list(range(180, 285, 16))),            # ... 276: a start at 284 would fit too
    ("train", 36, list(range(0, 145, 16))),             # the last start, 144, is exactly cut - size
    ("train", 21, list(range(0, 145, 16))),             # 160 would reach row 181, a test row
])
def test_patch_rows_of_each_split(split, size, starts):
    assert list(split_rows(300, split, size)) == starts


def test_the_largest_patches_tile_the_test_region_in_one_row_of_12():
    images, labels = texture_arrays("test", size=120)
    assert images.shape == (8 * 12, 3, 120, 120) and images.dtype == np.float32 and labels.dtype == np.int64
    assert np.array_equal(labels, np.repeat(np.arange(8), 12))
    assert np.array_equal(images[:, 0], images[:, 1]) and np.array_equal(images[:, 0], images[:, 2])
    gravel = texture_photo("gravel").astype(np.float32)
    block = images[labels == TEXTURES.index("gravel"), 0]
    for j in (0, 5, 11):  # columns start every 16 pixels: 0 .. 176
        assert np.array_equal(block[j], gravel[180:300, 16 * j:16 * j + 120])


@pytest.mark.parametrize("size, split, tops, lefts", [
    (44, "train", range(0, 137, 16), range(0, 257, 16)),   # 300 - 44 = 256: the last column starts at 256
    (29, "test", range(180, 272, 16), range(0, 257, 16)),  # 300 - 29 = 271: no column at 272
    (64, "train", range(0, 117, 16), range(0, 237, 16)),   # the default size
])
def test_patches_lie_on_the_grid_of_each_split(monkeypatch, size, split, tops, lefts):
    # a stand-in photo whose pixel (r, c) holds 1000 r + c: a patch's first pixel tells where it starts
    photo = np.add.outer(1000.0 * np.arange(300), np.arange(300))
    monkeypatch.setattr("cnncourse.data.textures.texture_photo", lambda name: photo)
    images, labels = texture_arrays(split) if size == 64 else texture_arrays(split, size)
    starts = [(int(v) // 1000, int(v) % 1000) for v in images[labels == 0, 0, 0, 0]]
    assert starts == [(top, left) for top in tops for left in lefts] and images.shape[-1] == size
    assert labels.dtype == np.int64 and np.bincount(labels).tolist() == [len(starts)] * 8


def test_per_class_subset_on_uneven_classes_with_any_labels():
    labels = np.array([7, 3, 7, 3, 3, 7, 3, 3])
    chosen = per_class_subset(labels, 3, seed=4)
    assert np.all(np.diff(chosen) > 0)  # increasing, no index twice
    assert sorted(labels[chosen].tolist()) == [3, 3, 3, 7, 7, 7]
    assert set(chosen.tolist()) >= {0, 2, 5}  # class 7 has exactly 3 examples: all of them
    draws = {tuple(per_class_subset(labels, 3, seed=s)) for s in range(12)}
    assert len(draws) > 1 and tuple(chosen) in draws
    assert np.array_equal(per_class_subset(labels, 3, seed=4), chosen)
    assert np.array_equal(per_class_subset(labels, 2), per_class_subset(labels, 2, seed=0))
    with pytest.raises(ValueError, match="seed must be >= 0"):
        per_class_subset(labels, 1, seed=-1)
    with pytest.raises(TypeError, match="per_class must be an int"):
        per_class_subset(labels, 1.5)


def test_the_dataset_holds_the_chosen_patches_with_their_labels(monkeypatch):
    # a stand-in for the photos' patches: patch i is filled with i, 5 patches in each of 3 classes
    labels = np.repeat(np.arange(3), 5)
    patches = np.broadcast_to(np.arange(15.0, dtype=np.float32)[:, None, None, None], (15, 3, 16, 16)).copy()
    sizes = []
    monkeypatch.setattr("cnncourse.data.textures.texture_arrays",
                        lambda split, size: sizes.append(size) or (patches, labels))
    draws = []
    for seed in (0, 1, 2):
        x, y = textures("test", size=16, per_class=2, seed=seed).tensors
        index = x[:, 0, 0, 0].long().numpy()
        assert np.array_equal(y.numpy(), labels[index]) and np.bincount(y.numpy()).tolist() == [2, 2, 2]
        assert np.all(x.numpy() == index[:, None, None, None])
        draws.append(index.tolist())
    assert draws[0] != draws[1] or draws[0] != draws[2]
    assert len(textures("test", size=16).tensors[0]) == 15
    default = textures("test", per_class=2)
    assert np.array_equal(default.tensors[0], textures("test", per_class=2, seed=0).tensors[0])
    assert sizes[-2:] == [64, 64]  # the default patch side


def test_bad_sizes_and_names_are_named():
    with pytest.raises(ValueError, match="size must be >= 16"):
        texture_arrays("test", size=15)
    with pytest.raises(ValueError, match="name must be one of brick, grass"):
        texture_photo("Brick")
