"""Classification plus localisation of a single object: one CNN with two heads, class scores and
the four numbers of the object's box, trained with a sum of two losses (cross-entropy for the
class, L1 for the box). Boxes are (x0, y0, x1, y1) in pixels, x1 and y1 exclusive, as in
:mod:`.detection`; the network predicts them divided by the image size."""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..validation import as_int
from .detection import box_iou

BOX = 4  # numbers per box


class Localizer(nn.Module):
    """(N, 1, size, size) -> (N, num_classes + 4): class scores, then the box / size.

    Three conv 3x3 + ReLU + 2x2 max-pool stages (8, 16, 32 channels), a hidden layer of 64, and
    one linear layer for both heads; size must be a multiple of 8."""

    def __init__(self, num_classes=3, size=32):
        super().__init__()
        self.num_classes = as_int(num_classes, "num_classes", minimum=1)
        self.size = as_int(size, "size", minimum=8)
        if self.size % 8:
            raise ValueError(f"size must be a multiple of 8 (three 2x2 pools), got {size}")
        layers, channels = [], 1
        for width in (8, 16, 32):
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            channels = width
        side = self.size // 8
        self.features = nn.Sequential(*layers, nn.Flatten())
        self.heads = nn.Sequential(nn.Linear(32 * side * side, 64), nn.ReLU(),
                                   nn.Linear(64, self.num_classes + BOX))

    def forward(self, x):
        return self.heads(self.features(x))


def localization_data(images, boxes):
    """A TensorDataset of (image, target) with target (5,) float32: the class index (the scene's
    class minus 1, background having no box) and the box divided by the image size. boxes: one
    (1, 5) array (class, x0, y0, x1, y1) per image, as :func:`cnncourse.data.scenes.shape_scenes`
    gives them with ``objects=(1, 1)``."""
    images = torch.as_tensor(np.asarray(images), dtype=torch.float32)
    rows = [np.asarray(b).reshape(-1, 5) for b in boxes]
    if images.dim() != 4 or len(rows) != len(images) or any(len(r) != 1 for r in rows):
        raise ValueError("images (N, 1, H, W) need boxes with exactly one object each")
    rows = np.concatenate(rows).astype(np.float32)
    targets = np.concatenate([rows[:, :1] - 1, rows[:, 1:] / images.shape[-1]], axis=1)
    return torch.utils.data.TensorDataset(images, torch.from_numpy(targets))


def localization_loss(output, target):
    """Cross-entropy of the class scores plus the mean absolute error of the 4 box numbers."""
    scores, box = output[:, :-BOX], output[:, -BOX:]
    return F.cross_entropy(scores, target[:, 0].long()) + F.l1_loss(box, target[:, 1:])


@torch.no_grad()
def localize(model, images):
    """Predicted classes (N,) (scene classes, 1 = square) and boxes (N, 4) in pixels, rounded."""
    model.eval()
    output = model(torch.as_tensor(np.asarray(images), dtype=torch.float32))
    classes = output[:, :-BOX].argmax(dim=1).numpy() + 1
    boxes = np.clip(np.round(output[:, -BOX:].numpy() * model.size), 0, model.size)
    return classes, boxes.astype(np.int64)


def localization_scores(model, images, boxes):
    """(class accuracy, IoU of each predicted box with the true one (N,)) on single-object scenes."""
    truth = np.concatenate([np.asarray(b).reshape(-1, 5) for b in boxes])
    classes, predicted = localize(model, images)
    predicted[:, 2:] = np.maximum(predicted[:, 2:], predicted[:, :2])  # no negative sizes
    ious = np.array([box_iou(p, t)[0, 0] for p, t in zip(predicted, truth[:, 1:])])
    return float((classes == truth[:, 0]).mean()), ious
