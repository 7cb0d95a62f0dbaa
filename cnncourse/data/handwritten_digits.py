"""Real handwritten digits, offline: scikit-learn's bundled ``load_digits`` as torch datasets.

1,797 digits of 8x8 pixels (values 0 to 16), scaled to [0, 1], optionally resized (bilinear) to
the 28x28 of MNIST, and split once, stratified and seeded, into train and test sets.
"""

import functools

import numpy as np
import torch
import torch.nn.functional as F

from ..validation import as_int

SPLITS = ("train", "test")
NUM_CLASSES = 10


def digit_arrays(split, size=8, test_fraction=0.25, seed=0):
    """Images (N, 1, size, size) float64 in [0, 1] and labels (N,) int64 of one split.

    split: 'train' or 'test'. size: side in pixels (8 is the original; larger sizes are
    bilinear resizes). The same ``test_fraction`` and ``seed`` always give the same split.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    size = as_int(size, "size", minimum=8)
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    images, labels = _split(split, size, float(test_fraction), as_int(seed, "seed"))
    return images.copy(), labels.copy()  # the cached arrays stay as they are


@functools.lru_cache(maxsize=8)
def _split(split, size, test_fraction, seed):
    """digit_arrays' work, done once per argument set: every training run reads its digits again."""
    from sklearn.datasets import load_digits  # here, not above: importing it takes 0.8 s
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = digits.images[:, None].astype(np.float64) / 16.0
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target.astype(np.int64), test_size=test_fraction,
        random_state=seed, stratify=digits.target)
    images, labels = (x_train, y_train) if split == "train" else (x_test, y_test)
    if size != 8:
        resized = F.interpolate(torch.from_numpy(images), size=(size, size), mode="bilinear",
                                align_corners=False)
        images = resized.clamp(0.0, 1.0).numpy()
    return images, labels


def digits(split, size=28, test_fraction=0.25, seed=0, limit=None):
    """A ``TensorDataset`` of (image float32 (1, size, size), label int64) pairs of one split.

    limit: keep only the first ``limit`` examples (a quick subset), or None for all of them.
    """
    images, labels = digit_arrays(split, size, test_fraction, seed)
    if limit is not None:
        limit = as_int(limit, "limit", minimum=1)
        images, labels = images[:limit], labels[:limit]
    return torch.utils.data.TensorDataset(torch.from_numpy(images).float(), torch.from_numpy(labels))
