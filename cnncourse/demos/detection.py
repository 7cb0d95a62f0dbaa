"""Object detection made small: slide a window over the image, let a classifier score each window,
keep the best-scoring window of each object with non-maximum suppression, and judge the boxes by
intersection over union (IoU) with the true ones. Boxes are (x0, y0, x1, y1), x1 and y1 exclusive."""

import numpy as np
import torch
from torch import nn

from ..validation import as_array, as_int


def _boxes(value, name):
    boxes = as_array(value, name)
    if boxes.ndim == 1 and boxes.shape[0] == 4:
        boxes = boxes[None]
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{name} must be boxes (x0, y0, x1, y1), shaped (4,) or (N, 4), got {boxes.shape}")
    if np.any(boxes[:, 2] < boxes[:, 0]) or np.any(boxes[:, 3] < boxes[:, 1]):
        raise ValueError(f"{name}: every box needs x1 >= x0 and y1 >= y0")
    return boxes


def box_iou(a, b):
    """IoU of every box of ``a`` (N, 4) with every box of ``b`` (M, 4): (N, M) in [0, 1].
    Area of the intersection over area of the union; 0 when boxes do not touch (or both are empty)."""
    a, b = _boxes(a, "a"), _boxes(b, "b")
    width = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    height = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = width * height
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter, dtype=np.float64), where=union > 0)


def nms(boxes, scores, threshold=0.5):
    """Non-maximum suppression: indices of the boxes kept, best score first. Repeatedly keep the
    best remaining box and drop every remaining box whose IoU with it exceeds ``threshold``."""
    boxes = _boxes(boxes, "boxes")
    scores = as_array(scores, "scores", ndim=1)
    if len(scores) != len(boxes):
        raise ValueError(f"scores has {len(scores)} entries for {len(boxes)} boxes")
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
    order = np.argsort(-scores, kind="stable")
    keep = []
    while order.size:
        best = int(order[0])
        keep.append(best)
        order = order[1:][box_iou(boxes[best], boxes[order[1:]])[0] <= threshold]
    return np.array(keep, dtype=np.int64)


def sliding_windows(height, width, window, stride):
    """Every ``window`` x ``window`` box at steps of ``stride`` inside a height x width image: (K, 4) ints."""
    height, width = as_int(height, "height", minimum=1), as_int(width, "width", minimum=1)
    window, stride = as_int(window, "window", minimum=1), as_int(stride, "stride", minimum=1)
    if window > min(height, width):
        raise ValueError(f"window ({window}) must fit in the image ({height} x {width})")
    tops, lefts = range(0, height - window + 1, stride), range(0, width - window + 1, stride)
    return np.array([(x, y, x + window, y + window) for y in tops for x in lefts], dtype=np.int64)


def crops(image, boxes):
    """The pixels of each box of a (1, H, W) image, stacked: (K, 1, h, w) float32 (boxes all one size)."""
    image = np.asarray(image, dtype=np.float32)
    return np.stack([image[:, y0:y1, x0:x1] for x0, y0, x1, y1 in np.asarray(boxes)])


def window_training_set(images, boxes, window, negatives=3, jitter=1, seed=0):
    """Training windows for a window classifier: for every object, a window centred on it (shifted
    by up to ``jitter`` pixels) labelled with its class; ``negatives`` windows per scene whose IoU
    with every object is below 0.4 (partial views included), labelled 0 (background). Returns a ``TensorDataset``."""
    rng = np.random.default_rng(as_int(seed, "seed", minimum=0))
    window, jitter = as_int(window, "window", minimum=1), as_int(jitter, "jitter", minimum=0)
    size = images.shape[-1]
    patches, labels = [], []
    for image, objects in zip(images, boxes):
        for kind, x0, y0, x1, y1 in objects:
            cx = (x0 + x1) // 2 + rng.integers(-jitter, jitter + 1)
            cy = (y0 + y1) // 2 + rng.integers(-jitter, jitter + 1)
            left = int(np.clip(cx - window // 2, 0, size - window))
            top = int(np.clip(cy - window // 2, 0, size - window))
            patches.append(crops(image, [(left, top, left + window, top + window)])[0])
            labels.append(kind)
        candidates = sliding_windows(size, size, window, 1)
        if len(objects):
            candidates = candidates[box_iou(candidates, objects[:, 1:]).max(axis=1) < 0.4]
        for box in candidates[rng.choice(len(candidates), size=min(negatives, len(candidates)), replace=False)]:
            patches.append(crops(image, [box])[0])
            labels.append(0)
    return torch.utils.data.TensorDataset(torch.from_numpy(np.stack(patches)), torch.tensor(labels))


class WindowClassifier(nn.Module):
    """(N, 1, window, window) -> (N, num_classes) scores; class 0 is background."""

    def __init__(self, num_classes=4, window=12):
        super().__init__()
        self.window = as_int(window, "window", minimum=4)
        side = self.window // 4
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        classes = as_int(num_classes, "num_classes", minimum=2)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * side * side, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


@torch.no_grad()
def detect(classifier, image, stride=2, min_score=0.5, iou_threshold=0.3):
    """Slide ``classifier``'s window over a (1, H, W) image with ``stride``; a window whose most likely
    class is not background, with probability >= ``min_score``, is a candidate; NMS per class keeps
    the best of each cluster. Returns (boxes (K, 4), classes (K,), scores (K,)), best first, and the
    number of windows scored."""
    image = np.asarray(image, dtype=np.float32)
    windows = sliding_windows(image.shape[1], image.shape[2], classifier.window, stride)
    classifier.eval()
    probabilities = classifier(torch.from_numpy(crops(image, windows))).softmax(dim=1).numpy()
    classes, scores = probabilities.argmax(axis=1), probabilities.max(axis=1)
    candidate = (classes > 0) & (scores >= min_score)
    kept = []
    for c in np.unique(classes[candidate]):
        index = np.flatnonzero(candidate & (classes == c))
        kept.extend(index[nms(windows[index], scores[index], iou_threshold)])
    kept = np.array(sorted(kept, key=lambda i: -scores[i]), dtype=np.int64)
    return windows[kept], classes[kept], scores[kept], len(windows)


def match(pred_boxes, pred_classes, true_boxes, threshold=0.5):
    """Greedy matching of predictions (best first) to true boxes (class, x0, y0, x1, y1): a prediction
    is right when its class agrees and its IoU with a still unmatched true box is >= threshold.
    Returns (true positives, false positives, missed objects)."""
    true_boxes = np.asarray(true_boxes).reshape(-1, 5)
    unmatched = np.ones(len(true_boxes), dtype=bool)
    hits = 0
    for box, kind in zip(np.asarray(pred_boxes).reshape(-1, 4), pred_classes):
        if not len(true_boxes):
            break
        overlap = box_iou(box, true_boxes[:, 1:])[0] * (true_boxes[:, 0] == kind) * unmatched
        if overlap.max() >= threshold:
            unmatched[overlap.argmax()] = False
            hits += 1
    return hits, len(pred_classes) - hits, int(unmatched.sum())
