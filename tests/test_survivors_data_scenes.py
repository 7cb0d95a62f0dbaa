"""Generated scenes against their specification: the inclusive ranges of object counts and sides,
every class drawn, the one-pixel border and gaps, background and shape intensities, seeds, the
smallest scene that fits, and the shapes' masks counted by hand."""

import numpy as np
import pytest

from cnncourse.data.scenes import CLASSES, draw_shape, shape_scenes


@pytest.fixture
def scenes():
    return shape_scenes(60, size=24, objects=(1, 2), sides=(3, 5), seed=3)


def test_counts_sides_and_classes_cover_their_inclusive_ranges(scenes):
    _, masks, boxes = scenes
    assert [len(b) for b in boxes].count(1) > 0 and [len(b) for b in boxes].count(2) > 0
    assert all(1 <= len(b) <= 2 for b in boxes)
    every = np.concatenate(boxes)
    assert every.dtype == np.int64 and every.shape[1] == 5
    sides = every[:, 3] - every[:, 1]
    assert np.array_equal(sides, every[:, 4] - every[:, 2]) and set(sides.tolist()) == {3, 4, 5}
    assert set(every[:, 0].tolist()) == {1, 2, 3} and set(np.unique(masks).tolist()) == {0, 1, 2, 3}
    assert CLASSES == ("background", "square", "disc", "triangle")


def test_shapes_keep_off_the_border_and_one_pixel_apart(scenes):
    _, masks, boxes = scenes
    assert not masks[:, [0, -1], :].any() and not masks[:, :, [0, -1]].any()
    for objects in boxes:
        _, x0, y0, x1, y1 = objects.T
        for i in range(len(objects)):
            for j in range(i):  # separated along x or along y by at least one empty pixel
                assert x1[i] < x0[j] or x1[j] < x0[i] or y1[i] < y0[j] or y1[j] < y0[i]
    every = np.concatenate(boxes)
    # every place from one pixel in to one pixel before the far border is used
    assert every[:, 1:3].min(axis=0).tolist() == [1, 1] and every[:, 3:].max(axis=0).tolist() == [23, 23]


def test_shapes_may_sit_exactly_one_pixel_from_an_earlier_one_on_every_side():
    _, _, boxes = shape_scenes(150, size=16, objects=(3, 4), sides=(3, 5), seed=0)
    sides_seen = set()
    for objects in boxes:
        for i, (_, x0, y0, x1, y1) in enumerate(objects):
            for _, a0, b0, a1, b1 in objects[:i]:  # a box placed earlier
                gaps = {"left": a0 - x1, "right": x0 - a1, "above": b0 - y1, "below": y0 - b1}
                apart = [side for side, gap in gaps.items() if gap >= 1]
                if len(apart) == 1 and gaps[apart[0]] == 1:
                    sides_seen.add(apart[0])
    assert sides_seen == {"left", "right", "above", "below"}


def test_the_default_scene_is_32_pixels():
    images, masks, _ = shape_scenes(1)
    assert images.shape == (1, 1, 32, 32) and masks.shape == (1, 32, 32)


def test_intensities_background_below_0_3_and_one_bright_value_per_shape(scenes):
    images, masks, boxes = scenes
    assert images.dtype == np.float32 and images.shape == (60, 1, 24, 24) and masks.dtype == np.int64
    background = images[:, 0][masks == 0]
    assert background.min() >= 0 and background.max() < 0.3 and background.max() > 0.25
    brightest = []
    for image, objects in zip(images[:, 0], boxes):
        for kind, x0, y0, x1, y1 in objects:
            inside = image[y0:y1, x0:x1][draw_shape(kind, x1 - x0)]
            assert inside.min() == inside.max() and 0.6 <= inside[0] <= 1.0
            brightest.append(inside[0])
    assert min(brightest) < 0.65 and max(brightest) > 0.95  # drawn over the whole of [0.6, 1]


def test_the_smallest_scene_that_fits_puts_the_shape_one_pixel_in():
    images, masks, boxes = shape_scenes(2, size=8, objects=(1, 1), sides=(6, 6), seed=0)
    assert [b[:, 1:].tolist() for b in boxes] == [[[1, 1, 7, 7]], [[1, 1, 7, 7]]]
    assert (masks[:, 0] == 0).all() and (masks[:, 1:7, 1:7] > 0).any(axis=(1, 2)).all()
    # a second object can never fit (a gap of one pixel is needed): it is given up, not forced in
    _, _, crowded = shape_scenes(1, size=8, objects=(2, 2), sides=(6, 6), seed=0)
    assert len(crowded[0]) == 1


def test_seeds():
    a, b, c = (shape_scenes(2, size=16, sides=(3, 4), seed=s) for s in (5, 5, 6))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    assert np.array_equal(shape_scenes(2, size=16, sides=(3, 4))[0], shape_scenes(2, size=16, sides=(3, 4), seed=0)[0])


def test_masks_of_side_5_counted_by_hand():
    # pixel centres at 0.5 .. 4.5, the centre at 2.5: the disc of radius 2.5 leaves the 4 corners out,
    # the triangle |c + 0.5 - 2.5| <= (r + 0.5) / 2 holds 1, 1, 3, 3, 5 pixels in rows 0 to 4
    assert draw_shape(1, 5).all() and draw_shape(1, 5).shape == (5, 5)
    disc = draw_shape(2, 5)
    assert disc.sum() == 21 and not disc[[0, 0, 4, 4], [0, 4, 0, 4]].any()
    assert draw_shape(3, 5).sum(axis=1).tolist() == [1, 1, 3, 3, 5]
    assert draw_shape(3, 5)[0].tolist() == [False, False, True, False, False]
    # side 6, radius 3: offsets 0.5, 1.5, 2.5 from the centre; rows keep 4, 6, 6, 6, 6, 4 pixels
    assert draw_shape(2, 6).sum(axis=1).tolist() == [4, 6, 6, 6, 6, 4]


@pytest.mark.parametrize("call, error, words", [
    (lambda: draw_shape(1, 2), ValueError, "side must be >= 3"),
    (lambda: draw_shape(0, 4), ValueError, "kind must be 1 .square., 2 .disc. or 3 .triangle., got 0"),
    (lambda: shape_scenes(0), ValueError, "count must be >= 1"),
    (lambda: shape_scenes(1, size=7), ValueError, "size must be >= 8"),
    (lambda: shape_scenes(1, objects=(0, 2)), ValueError, "objects must be >= 1"),
    (lambda: shape_scenes(1, sides=(2, 4)), ValueError, "sides must be >= 3"),
    (lambda: shape_scenes(1, objects=(3, 2)), ValueError, "objects and sides must be .low, high. with low <= high"),
    (lambda: shape_scenes(1, sides=(6, 5)), ValueError, "objects and sides must be .low, high."),
    (lambda: shape_scenes(1, size=8, sides=(3, 7)), ValueError, "sides up to 7 do not fit in a 8 x 8 scene"),
    (lambda: shape_scenes(1, seed=-1), ValueError, "seed must be >= 0"),
])
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()
