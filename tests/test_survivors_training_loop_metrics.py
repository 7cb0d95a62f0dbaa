"""confusion_matrix against counting by hand: every (true, predicted) pair in its cell, the edge
classes, empty input, and each bad input named (which of the two, and how)."""

import numpy as np
import pytest
import torch

from cnncourse.training import confusion_matrix


def test_random_labels_are_counted_like_a_loop_would():
    rng = np.random.default_rng(0)
    targets, predictions = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    expected = np.zeros((5, 5), dtype=np.int64)
    for t, p in zip(targets, predictions):
        expected[t, p] += 1
    counts = confusion_matrix(predictions, targets, 5)
    assert counts.dtype == np.int64 and np.array_equal(counts, expected)
    assert counts[4].sum() == counts[:, 4].sum() == 0  # a class never seen keeps an empty row and column


def test_the_last_class_and_repeated_pairs():
    counts = confusion_matrix([2, 2, 0], torch.tensor([2, 2, 1]), num_classes=3)
    assert counts.tolist() == [[0, 0, 0], [1, 0, 0], [0, 0, 2]]
    none = np.array([], dtype=np.int64)
    assert confusion_matrix(none, torch.from_numpy(none), 2).tolist() == [[0, 0], [0, 0]]
    assert confusion_matrix([0], [0], 1).tolist() == [[1]]


@pytest.mark.parametrize("predictions, targets, num_classes, error, words", [
    ([0, 1], [0, -1], 3, ValueError, r"targets must lie in \[0, 3\), got values from -1 to 0"),
    ([-2, 1], [0, 1], 3, ValueError, r"predictions must lie in \[0, 3\), got values from -2 to 1"),
    ([0, 1], [0, 3], 3, ValueError, r"targets must lie in \[0, 3\), got values from 0 to 3"),
    ([[0, 1]], [[0, 1]], 3, TypeError, r"predictions must be a 1-D sequence of integer labels, got dtype int64, "
                                       r"shape \(1, 2\)"),
    ([0, 1], [0.0, 1.0], 3, TypeError, "targets must be a 1-D sequence of integer labels, got dtype float64"),
    ([0, 1, 1], [0, 1], 3, ValueError, "predictions and targets must have the same length, got 3 and 2"),
    ([0], [0], 0, ValueError, "num_classes must be >= 1"),
])
def test_bad_input_is_named(predictions, targets, num_classes, error, words):
    with pytest.raises(error, match=words):
        confusion_matrix(predictions, targets, num_classes)
