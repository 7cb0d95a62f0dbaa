"""Augmentation explorer: a photo or a digit, one transform of :mod:`cnncourse.data.augment`, a
strength and a seed -> the augmented image beside the original.

:func:`explore_augmentation` is the pure part. :class:`AugmentationExplorer` is an anywidget that
carries every (source, transform, strength, seed) result, computed in Python, as compact uint8
images; its JavaScript (``js/augmentation_explorer.js``) only picks and draws, so it stays live
in the static book with no kernel.
"""

import anywidget
import numpy as np
import traitlets

from ..data.augment import TRANSFORMS, make_transform
from ..data.handwritten_digits import digit_arrays
from ..data.photos import load_image
from .live import esm, one_of, pack

SOURCES = ("photo", "digit")
STRENGTHS = (0.25, 0.5, 0.75, 1.0)
SEEDS = (0, 1, 2)
PHOTO, PHOTO_SIZE = "chelsea", 48
DIGIT_INDEX, DIGIT_SIZE = 2, 16  # a training digit, resized from 8x8 to 16x16


def source_image(source):
    """The image a source names: the grey photo (longer side 48 px) or a digit (16x16), (H, W) in
    [0, 1], quantized to 256 grey levels as the browser receives it."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    if source == "photo":
        image = load_image(PHOTO, grey=True, size=PHOTO_SIZE)
    else:
        image = digit_arrays("train", size=DIGIT_SIZE)[0][DIGIT_INDEX, 0]
    return np.round(image * 255) / 255


def explore_augmentation(source="photo", transform="rotate", strength=0.5, seed=0):
    """``{"original", "augmented"}``: the source image and ``make_transform(transform, strength)``
    applied to it with ``seed``, both (H, W) float64 in [0, 1]."""
    original = source_image(source)
    return {"original": original, "augmented": augment_image(original, transform, strength, seed)}


def augment_image(image, transform, strength, seed):
    """``make_transform(transform, strength)`` applied to the (H, W) ``image`` with ``seed``."""
    return make_transform(transform, strength, image_size=max(image.shape))(image, seed, layout="HW")


def _key(source, transform, strength, seed):
    return f"{source}|{transform}|{strength:g}|{seed}"


class AugmentationExplorer(anywidget.AnyWidget):
    """Controls ``source``, ``transform``, ``strength`` (one of :data:`STRENGTHS`) and ``seed`` (one
    of :data:`SEEDS`) are traitlets; ``shown`` is what the view draws for them."""

    _esm = esm("augmentation_explorer", "ui")
    images = traitlets.Dict().tag(sync=True)
    transforms = traitlets.List(list(TRANSFORMS)).tag(sync=True)
    strengths = traitlets.List(list(STRENGTHS)).tag(sync=True)
    seeds = traitlets.List(list(SEEDS)).tag(sync=True)
    source = traitlets.Unicode("photo").tag(sync=True)
    transform = traitlets.Unicode("rotate").tag(sync=True)
    strength = traitlets.Float(0.5).tag(sync=True)
    seed = traitlets.Int(0).tag(sync=True)

    def __init__(self, source="photo", transform="rotate", strength=0.5, seed=0):
        originals = {s: source_image(s) for s in SOURCES}
        images = {f"{s}|original": pack(np.round(image * 255), "uint8") for s, image in originals.items()}
        for s, image in originals.items():
            for name in TRANSFORMS:
                for level in STRENGTHS:
                    for number in SEEDS:
                        result = augment_image(image, name, level, number)
                        images[_key(s, name, level, number)] = pack(np.round(result * 255), "uint8")
        super().__init__(images=images, source=source, transform=transform, strength=strength, seed=seed)

    _check_source = one_of("source", SOURCES)

    _check_transform = one_of("transform", TRANSFORMS)

    _check_strength = one_of("strength", STRENGTHS)

    _check_seed = one_of("seed", SEEDS)

    @property
    def shown(self):
        """What the view shows for the current controls (see :func:`explore_augmentation`)."""
        return explore_augmentation(self.source, self.transform, self.strength, self.seed)

    def carried(self, source, transform, strength, seed):
        """The key of the carried image for these controls (the view looks it up the same way)."""
        return self.images[_key(source, transform, strength, seed)]
