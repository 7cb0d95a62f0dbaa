"""confusion_matrix counts (true, predicted) pairs and names bad input."""

import numpy as np
import pytest
import torch

from cnncourse.training import confusion_matrix


def test_counts_true_rows_and_predicted_columns():
    counts = confusion_matrix(torch.tensor([0, 1, 1, 2]), [0, 2, 1, 2], num_classes=3)
    np.testing.assert_array_equal(counts, [[1, 0, 0], [0, 1, 0], [0, 1, 1]])
    assert np.trace(counts) / counts.sum() == 0.75


@pytest.mark.parametrize("predictions, targets, error, words", [
    ([0.0, 1.0], [0, 1], TypeError, "predictions must be a 1-D sequence of integer labels"),
    ([0, 3], [0, 1], ValueError, r"predictions must lie in \[0, 3\)"),
    ([0, 1], [0], ValueError, "same length"),
])
def test_bad_input_is_named(predictions, targets, error, words):
    with pytest.raises(error, match=words):
        confusion_matrix(predictions, targets, 3)
