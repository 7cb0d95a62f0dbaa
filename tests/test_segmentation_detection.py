"""Generated scenes, the segmenter and the detection pieces against hand-computed answers."""

import numpy as np
import pytest
import torch

from cnncourse.data.scenes import CLASSES, draw_shape, shape_scenes
from cnncourse.demos.detection import (WindowClassifier, box_iou, crops, detect, match, nms, sliding_windows,
                                       window_training_set)
from cnncourse.demos.segmentation import TinyFCN, iou_per_class, scene_dataset


def test_box_iou_hand_computed():
    a = np.array([[0, 0, 4, 4], [10, 10, 12, 13]])
    b = np.array([[2, 2, 6, 6], [0, 0, 4, 4], [20, 20, 30, 30], [1, 1, 3, 3]])
    expected = np.array([[4 / 28, 1.0, 0.0, 4 / 16], [0.0, 0.0, 0.0, 0.0]])
    assert np.allclose(box_iou(a, b), expected)
    assert box_iou([0, 0, 0, 0], [0, 0, 0, 0])[0, 0] == 0.0   # empty boxes: no division by zero
    with pytest.raises(ValueError, match="x1 >= x0"):
        box_iou([4, 0, 0, 4], [0, 0, 1, 1])
    with pytest.raises(ValueError, match="a must be boxes"):
        box_iou([[0, 0, 1]], [0, 0, 1, 1])


def test_nms_against_brute_force():
    rng = np.random.default_rng(1)
    for _ in range(25):
        xy = rng.integers(0, 25, size=(10, 2))
        boxes = np.concatenate([xy, xy + rng.integers(2, 10, size=(10, 2))], axis=1)
        scores, threshold = rng.random(10), float(rng.uniform(0.1, 0.8))
        expected = []
        for i in sorted(range(10), key=lambda i: -scores[i]):
            if not any(box_iou(boxes[i], boxes[j])[0, 0] > threshold for j in expected):
                expected.append(i)
        assert nms(boxes, scores, threshold).tolist() == expected
    with pytest.raises(ValueError, match="threshold"):
        nms(boxes, scores, 1.5)
    with pytest.raises(ValueError, match="scores"):
        nms(boxes, scores[:3])


def test_sliding_windows_and_crops():
    windows = sliding_windows(5, 7, 3, 2)
    assert windows.tolist() == [[0, 0, 3, 3], [2, 0, 5, 3], [4, 0, 7, 3], [0, 2, 3, 5], [2, 2, 5, 5], [4, 2, 7, 5]]
    image = np.arange(35, dtype=np.float32).reshape(1, 5, 7)
    assert np.array_equal(crops(image, windows[4:5])[0, 0], image[0, 2:5, 2:5])
    with pytest.raises(ValueError, match="window"):
        sliding_windows(5, 7, 6, 1)


def test_scenes_are_deterministic_and_masks_agree_with_boxes():
    images, masks, boxes = shape_scenes(6, size=32, objects=(2, 3), seed=4)
    again = shape_scenes(6, size=32, objects=(2, 3), seed=4)
    assert np.array_equal(images, again[0]) and np.array_equal(masks, again[1])
    assert images.shape == (6, 1, 32, 32) and masks.shape == (6, 32, 32) and len(CLASSES) == 4
    for image, mask, objects in zip(images, masks, boxes):
        assert 2 <= len(objects) <= 3
        covered = np.zeros_like(mask, dtype=bool)
        for kind, x0, y0, x1, y1 in objects:
            assert np.array_equal(mask[y0:y1, x0:x1] == kind, draw_shape(kind, x1 - x0))
            covered[y0:y1, x0:x1] = True
        assert np.all(mask[~covered] == 0) and image[0][mask > 0].min() >= 0.6 and image[0][mask == 0].max() <= 0.3
    # pixel (r, c) is inside when |c + 0.5 - 2| <= (r + 0.5) / 2: the apex row is too thin to hold a pixel
    assert draw_shape(3, 4).astype(int).tolist() == [[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [1, 1, 1, 1]]
    assert draw_shape(2, 4).astype(int).tolist() == [[0, 1, 1, 0], [1, 1, 1, 1], [1, 1, 1, 1], [0, 1, 1, 0]]
    with pytest.raises(ValueError, match="kind"):
        draw_shape(5, 4)
    with pytest.raises(ValueError, match="do not fit"):
        shape_scenes(1, size=10, sides=(9, 9))


def test_iou_per_class_hand_computed():
    truth = np.array([[0, 0, 1], [0, 2, 2]])
    predicted = np.array([[0, 1, 1], [0, 2, 0]])
    # class 0: both 3 pixels ((0,0),(1,0)) / union 4; class 1: 1 / 2; class 2: 1 / 2; class 3: absent
    scores = iou_per_class(predicted, truth, 4)
    assert np.allclose(scores[:3], [2 / 4, 1 / 2, 1 / 2]) and np.isnan(scores[3])
    with pytest.raises(ValueError, match="same shape"):
        iou_per_class(predicted, truth[:1], 4)


def test_fcn_gives_per_pixel_scores_at_any_even_size():
    net = TinyFCN(num_classes=4, width=4)
    for size in (8, 14):
        assert net(torch.zeros(2, 1, size, size)).shape == (2, 4, size, size)
    with pytest.raises(ValueError, match="even"):
        net(torch.zeros(1, 1, 7, 7))
    images, masks, _ = shape_scenes(3, size=16, sides=(4, 6))
    inputs, labels = scene_dataset(images, masks)[0]
    assert inputs.shape == (1, 16, 16) and labels.dtype == torch.int64


class OracleClassifier(torch.nn.Module):
    """Scores a window by how much of it is bright: class 1 when over 60 pixels of 100 are."""

    window = 10

    def forward(self, x):
        bright = (x > 0.5).float().sum(dim=(1, 2, 3))
        return torch.stack([60 - bright, bright - 60], dim=1) * 0.2


def test_detect_and_match_on_a_scene_with_two_squares():
    image = np.zeros((1, 40, 40), dtype=np.float32)
    image[0, 4:14, 6:16] = 1.0
    image[0, 24:34, 20:30] = 1.0
    boxes, classes, scores, windows = detect(OracleClassifier(), image, stride=2, min_score=0.5, iou_threshold=0.3)
    assert windows == 16 * 16
    truth = np.array([[1, 6, 4, 16, 14], [1, 20, 24, 30, 34]])
    assert sorted(map(tuple, boxes.tolist())) == [(6, 4, 16, 14), (20, 24, 30, 34)]
    assert match(boxes, classes, truth) == (2, 0, 0)
    assert match(boxes[:1], classes[:1], truth) == (1, 0, 1)
    assert match(boxes, np.array([2, 2]), truth) == (0, 2, 2)


def test_window_training_set_labels():
    images, _, boxes = shape_scenes(4, size=32, objects=(1, 2), sides=(8, 10), seed=1)
    data = window_training_set(images, boxes, 12, negatives=3, seed=0)
    x, y = data.tensors
    objects = sum(len(b) for b in boxes)
    assert len(data) == objects + 4 * 3 and x.shape[1:] == (1, 12, 12)
    assert (y == 0).sum() == 12 and sorted(y[y > 0].tolist()) == sorted(int(k) for b in boxes for k in b[:, 0])
    assert WindowClassifier(window=12)(x).shape == (len(data), 4)
