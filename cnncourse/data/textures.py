"""A small real task for transfer learning, offline: which surface is a grey patch cut from?

Eight of scikit-image's bundled photos are eight classes of surface (brick wall, grass, gravel,
the moon's face, a deep-sky field, stained tissue, a coffee table scene, cat fur). Each photo is
turned grey (so colour alone cannot tell the classes apart), resized and cut to its central
:data:`SIDE` x :data:`SIDE` square, and that square is cut in two by rows: square patches for training come only from the
top :data:`TRAIN_FRACTION` of the photo, patches for testing only from the rest. No test pixel was
ever seen in training, which makes the test fair: a model must recognise the *material*, not
remember a place. Patches lie on a regular grid (overlapping within a split, never across).
"""

import numpy as np
import torch
from skimage import color

from ..validation import as_int
from ..models.imagenet import center_square
from .photos import load_image

TEXTURES = ("brick", "grass", "gravel", "moon", "hubble_deep_field", "immunohistochemistry", "coffee",
            "chelsea")
MATERIALS = ("brick wall", "grass", "gravel", "lunar surface", "deep sky", "stained tissue", "coffee table",
             "cat fur")
SIDE, TRAIN_FRACTION, STRIDE = 300, 0.6, 16
SPLITS = ("train", "test")


def texture_photo(name):
    """The grey photo of class ``name`` (one of :data:`TEXTURES`), its central square:
    (SIDE, SIDE) float64 in [0, 1]."""
    if name not in TEXTURES:
        raise ValueError(f"name must be one of {', '.join(TEXTURES)}, got {name!r}")
    image = load_image(name)
    if image.ndim == 3:
        image = color.rgb2gray(image)
    return center_square(np.repeat(image[..., None], 3, axis=-1), SIDE)[..., 0]


def split_rows(height, split, size):
    """The rows ``range`` where patches of ``split`` may start: train patches lie in the top
    ``TRAIN_FRACTION`` of the rows, test patches below it."""
    cut = round(height * TRAIN_FRACTION)
    first, last = (0, cut - size) if split == "train" else (cut, height - size)
    return range(first, last + 1, STRIDE)


def texture_arrays(split, size=64):
    """Every grid patch of one split: images (N, 3, size, size) float32 in [0, 1] (the grey patch in
    all three channels, as RGB networks expect) and labels (N,) int64, class i = ``TEXTURES[i]``.

    size: the patch side in pixels, 16 to 120 (the test region, 120 rows, must hold a patch).
    """
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    size = as_int(size, "size", minimum=16)
    rows = SIDE - round(SIDE * TRAIN_FRACTION)  # the test region's height: 120
    if size > rows:
        raise ValueError(f"size must be <= {rows} (the test region of a photo is {rows} rows high), got {size}")
    images, labels = [], []
    for label, name in enumerate(TEXTURES):
        photo = texture_photo(name)
        for top in split_rows(photo.shape[0], split, size):
            for left in range(0, photo.shape[1] - size + 1, STRIDE):
                images.append(photo[top:top + size, left:left + size])
                labels.append(label)
    grey = np.stack(images).astype(np.float32)[:, None]
    return np.repeat(grey, 3, axis=1), np.array(labels, dtype=np.int64)


def per_class_subset(labels, per_class, seed=0):
    """Indices of ``per_class`` examples of every class, drawn at random (``seed``) from ``labels``
    (N,), in increasing order. per_class None keeps every example."""
    labels = np.asarray(labels)
    if per_class is None:
        return np.arange(len(labels))
    per_class = as_int(per_class, "per_class", minimum=1)
    rng = np.random.default_rng(as_int(seed, "seed", minimum=0))
    chosen = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if per_class > len(members):
            raise ValueError(f"per_class={per_class} but class {label} has only {len(members)} examples")
        chosen.append(rng.choice(members, per_class, replace=False))
    return np.sort(np.concatenate(chosen))


def textures(split, size=64, per_class=None, seed=0):
    """A ``TensorDataset`` of (patch float32 (3, size, size) in [0, 1], label int64) of one split.

    per_class: keep that many patches of every class, drawn with ``seed`` (None: all of them).
    """
    images, labels = texture_arrays(split, size)
    keep = per_class_subset(labels, per_class, seed)
    return torch.utils.data.TensorDataset(torch.from_numpy(images[keep]), torch.from_numpy(labels[keep]))
