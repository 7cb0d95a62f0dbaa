"""Semantic segmentation made small: a fully convolutional network labels every pixel of the
generated scenes of :mod:`cnncourse.data.scenes`, judged by intersection over union (IoU)."""

import numpy as np
import torch
from torch import nn

from ..validation import as_int


class TinyFCN(nn.Module):
    """(N, 1, H, W) -> per-pixel class scores (N, num_classes, H, W), H and W even.

    Two 3x3 convolutions, a 2x2 max pool, two more on the half-size maps (a wider view), a
    transposed convolution back to full size, concatenated with the full-size maps (a skip
    connection, for sharp edges), then a 1x1 convolution to class scores. No fully connected layer,
    so any image size works.
    """

    def __init__(self, num_classes=4, width=16):
        super().__init__()
        self.num_classes = as_int(num_classes, "num_classes", minimum=2)
        w = as_int(width, "width", minimum=1)
        self.full = nn.Sequential(nn.Conv2d(1, w, 3, padding=1), nn.ReLU(), nn.Conv2d(w, w, 3, padding=1), nn.ReLU())
        self.coarse = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(w, 2 * w, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.ReLU(),
                                  nn.ConvTranspose2d(2 * w, w, 2, stride=2), nn.ReLU())
        self.classify = nn.Conv2d(2 * w, self.num_classes, 1)

    def forward(self, x):
        if x.dim() != 4 or x.shape[1] != 1 or x.shape[2] % 2 or x.shape[3] % 2:
            raise ValueError(f"TinyFCN expects input (N, 1, H, W) with H and W even, got {tuple(x.shape)}")
        full = self.full(x)
        return self.classify(torch.cat([full, self.coarse(full)], dim=1))


def iou_per_class(predicted, truth, num_classes):
    """Intersection over union of each class over all pixels: (num_classes,) float64, nan for a
    class absent from both. predicted, truth: integer label maps of the same shape."""
    predicted, truth = np.asarray(predicted), np.asarray(truth)
    if predicted.shape != truth.shape:
        raise ValueError(f"predicted {predicted.shape} and truth {truth.shape} must have the same shape")
    num_classes = as_int(num_classes, "num_classes", minimum=1)
    scores = np.full(num_classes, np.nan)
    for c in range(num_classes):
        union = np.logical_or(predicted == c, truth == c).sum()
        if union:
            scores[c] = np.logical_and(predicted == c, truth == c).sum() / union
    return scores


def scene_dataset(images, masks):
    """A ``TensorDataset`` of (image (1, H, W) float32, mask (H, W) int64) for :func:`cnncourse.training.fit`."""
    return torch.utils.data.TensorDataset(torch.as_tensor(images, dtype=torch.float32), torch.as_tensor(masks))
