"""Classification metrics: the confusion matrix and the accuracy read from it."""

import numpy as np

from ..validation import as_int


def confusion_matrix(predictions, targets, num_classes):
    """Counts (num_classes, num_classes): row = true class, column = predicted class.

    predictions, targets: integer class labels of the same length (arrays, lists or tensors).
    """
    num_classes = as_int(num_classes, "num_classes", minimum=1)
    predictions, targets = np.asarray(predictions), np.asarray(targets)
    for name, labels in (("predictions", predictions), ("targets", targets)):
        if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
            raise TypeError(f"{name} must be a 1-D sequence of integer labels, got dtype {labels.dtype}, "
                            f"shape {labels.shape}")
        if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
            raise ValueError(f"{name} must lie in [0, {num_classes}), got values from {labels.min()} "
                             f"to {labels.max()}")
    if predictions.shape != targets.shape:
        raise ValueError(f"predictions and targets must have the same length, got {len(predictions)} and {len(targets)}")
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (targets, predictions), 1)
    return counts
