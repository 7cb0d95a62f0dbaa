"""Data augmentation in NumPy: label-preserving random changes of training images.

Images are floats in [0, 1], shaped (H, W), (H, W, C) ("HWC", as photos load) or (C, H, W)
("CHW", as torch tensors are); every transform returns the same shape and keeps values in
[0, 1]. A transform is called as ``transform(image, rng, layout=None)``: ``rng`` is a
``numpy.random.Generator`` or an int seed (the same seed gives the same result) and ``layout``
is 'HW', 'HWC' or 'CHW' (None guesses it from the shape). Geometric transforms fill uncovered
pixels with 0 and interpolate bilinearly.

The lecture's list: translations and random crops, photometric changes (brightness and
contrast), scaling and rotation, mirroring, salt-and-pepper noise. :class:`Compose` chains
transforms, :func:`make_transform` builds one by name and strength, and
:class:`AugmentedDataset` wraps a torch dataset so that every epoch sees fresh variants.
"""

import math

import numpy as np
import torch

from ..functional.dropout import as_generator
from ..validation import as_array, as_int

LAYOUTS = ("HW", "HWC", "CHW")


class Transform:
    """Base class: subclasses implement ``apply(chw, rng)`` on a (C, H, W) float array."""

    def __call__(self, image, rng=None, layout=None):
        chw, restore = to_chw(image, layout)
        return restore(np.clip(self.apply(chw, as_generator(rng)), 0.0, 1.0))

    def apply(self, chw, rng):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class RandomTranslate(Transform):
    """Shift by a whole number of pixels, up to ``max_shift`` (a fraction of the height and width)
    in each direction, drawn uniformly."""

    def __init__(self, max_shift=0.125):
        self.max_shift = _check_number(max_shift, "max_shift", 0.0, 1.0)

    def apply(self, chw, rng):
        limits = [round(self.max_shift * n) for n in chw.shape[1:]]
        dy, dx = (int(rng.integers(-m, m + 1)) for m in limits)
        return _shift(chw, dy, dx)


class RandomCrop(Transform):
    """Pad every side with ``padding`` zero pixels, then cut a window of the original size at a
    random position (torchvision's ``RandomCrop(size, padding)``)."""

    def __init__(self, padding=2):
        self.padding = as_int(padding, "padding", minimum=0)

    def apply(self, chw, rng):
        top, left = (int(rng.integers(0, 2 * self.padding + 1)) for _ in range(2))
        return _shift(chw, self.padding - top, self.padding - left)


class RandomHorizontalFlip(Transform):
    """Mirror left-right with probability ``p``."""

    def __init__(self, p=0.5):
        self.p = _check_number(p, "p", 0.0, 1.0)

    def apply(self, chw, rng):
        return chw[:, :, ::-1].copy() if rng.random() < self.p else chw.copy()


class RandomRotation(Transform):
    """Rotate about the centre by an angle drawn uniformly from [-degrees, degrees]."""

    def __init__(self, degrees=15.0):
        self.degrees = _check_number(degrees, "degrees", 0.0, 180.0)

    def apply(self, chw, rng):
        angle = math.radians(rng.uniform(-self.degrees, self.degrees))
        cos, sin = math.cos(angle), math.sin(angle)
        return _warp(chw, np.array([[cos, -sin], [sin, cos]]))


class RandomScale(Transform):
    """Zoom about the centre by a factor drawn uniformly from [1 - amount, 1 + amount]."""

    def __init__(self, amount=0.2):
        self.amount = _check_number(amount, "amount", 0.0, 0.9)

    def apply(self, chw, rng):
        factor = rng.uniform(1.0 - self.amount, 1.0 + self.amount)
        return _warp(chw, np.eye(2) / factor)


class RandomBrightnessContrast(Transform):
    """Photometric change: ``(x - m) * c + m + b``, m the image's mean, b uniform in
    [-brightness, brightness], c uniform in [1 - contrast, 1 + contrast]; clipped to [0, 1]."""

    def __init__(self, brightness=0.2, contrast=0.2):
        self.brightness = _check_number(brightness, "brightness", 0.0, 1.0)
        self.contrast = _check_number(contrast, "contrast", 0.0, 1.0)

    def apply(self, chw, rng):
        shift = rng.uniform(-self.brightness, self.brightness)
        gain = rng.uniform(1.0 - self.contrast, 1.0 + self.contrast)
        mean = chw.mean()
        return (chw - mean) * gain + mean + shift


class SaltAndPepper(Transform):
    """Set a fraction ``amount`` of the pixels (all their channels) to 0 (pepper) or 1 (salt),
    half and half on average."""

    def __init__(self, amount=0.05):
        self.amount = _check_number(amount, "amount", 0.0, 1.0)

    def apply(self, chw, rng):
        hit = rng.random(chw.shape[1:])
        out = chw.copy()
        out[:, hit < self.amount / 2] = 0.0
        out[:, (hit >= self.amount / 2) & (hit < self.amount)] = 1.0
        return out


class Compose(Transform):
    """Apply ``transforms`` one after the other, all drawing from the same ``rng``."""

    def __init__(self, transforms):
        self.transforms = list(transforms)
        for i, t in enumerate(self.transforms):
            if not isinstance(t, Transform):
                raise TypeError(f"transforms[{i}] must be a Transform, got {type(t).__name__}")

    def apply(self, chw, rng):
        for t in self.transforms:
            chw = t.apply(chw, rng)
        return chw


# name -> a function of (strength in [0, 1], image side) building the transform at that strength
TRANSFORMS = {
    "translate": lambda s, n: RandomTranslate(max_shift=0.25 * s),
    "crop": lambda s, n: RandomCrop(padding=round(0.25 * s * n)),
    "flip": lambda s, n: RandomHorizontalFlip(p=s),
    "rotate": lambda s, n: RandomRotation(degrees=45.0 * s),
    "scale": lambda s, n: RandomScale(amount=0.4 * s),
    "brightness_contrast": lambda s, n: RandomBrightnessContrast(brightness=0.4 * s, contrast=0.6 * s),
    "salt_and_pepper": lambda s, n: SaltAndPepper(amount=0.2 * s),
}


def make_transform(name, strength=0.5, image_size=32):
    """The transform called ``name`` (one of :data:`TRANSFORMS`) at ``strength`` in [0, 1]:
    0 changes nothing, 1 is strong (shifts of a quarter of the image, 45 degrees, zoom 0.6 to
    1.4, 20% noisy pixels, ...). image_size: the image side, for the crop's padding in pixels."""
    if name not in TRANSFORMS:
        raise ValueError(f"unknown transform {name!r}; choose one of {', '.join(TRANSFORMS)}")
    strength = _check_number(strength, "strength", 0.0, 1.0)
    return TRANSFORMS[name](strength, as_int(image_size, "image_size", minimum=1))


class AugmentedDataset(torch.utils.data.Dataset):
    """A torch dataset of (image (C, H, W), label) pairs whose images pass through ``transform``
    each time they are read, so :func:`cnncourse.training.fit` sees new variants every epoch.

    Deterministic: the k-th reading of example i uses the seed ``(seed, i, k)``, whatever order
    the examples are read in. The images must lie in [0, 1].
    """

    def __init__(self, dataset, transform, seed=0):
        if not isinstance(dataset, torch.utils.data.Dataset):
            raise TypeError(f"dataset must be a torch.utils.data.Dataset, got {type(dataset).__name__}")
        if not isinstance(transform, Transform):
            raise TypeError(f"transform must be a Transform (see cnncourse.data.augment), got "
                            f"{type(transform).__name__}")
        self.dataset, self.transform = dataset, transform
        self.seed = as_int(seed, "seed", minimum=0)
        self.readings = np.zeros(len(dataset), dtype=np.int64)

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, index):
        image, label = self.dataset[index]
        rng = np.random.default_rng([self.seed, int(index), int(self.readings[index])])
        self.readings[index] += 1
        out = self.transform(image.numpy(), rng, layout="CHW")
        return torch.from_numpy(out).to(image.dtype), label


def to_chw(image, layout=None):
    """Return ``(image as a (C, H, W) float array, a function that restores the input's layout)``.

    layout: 'HW', 'HWC', 'CHW' or None to guess: 2-D is HW; 3-D is HWC if the last axis has 1,
    3 or 4 entries and the first does not, CHW if the first does and the last does not.
    """
    image = as_array(image, "image", ndim=(2, 3))
    if image.size and (image.min() < 0.0 or image.max() > 1.0):
        raise ValueError(f"image values must lie in [0, 1], got [{image.min():g}, {image.max():g}]")
    if layout is None:
        layout = _guess_layout(image.shape)
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)} or None, got {layout!r}")
    if len(layout) != image.ndim:
        raise ValueError(f"layout {layout!r} needs {len(layout)} dimensions, image has shape {image.shape}")
    dtype = image.dtype
    if layout == "HW":
        return image[None].astype(np.float64), lambda chw: chw[0].astype(dtype)
    if layout == "HWC":
        return image.transpose(2, 0, 1).astype(np.float64), lambda chw: chw.transpose(1, 2, 0).astype(dtype)
    return image.astype(np.float64), lambda chw: chw.astype(dtype)


def _guess_layout(shape):
    if len(shape) == 2:
        return "HW"
    last, first = shape[-1] in (1, 3, 4), shape[0] in (1, 3, 4)
    if last != first:
        return "HWC" if last else "CHW"
    raise ValueError(f"cannot tell whether an image of shape {shape} is HWC or CHW: pass layout='HWC' "
                     "or layout='CHW'")


def _shift(chw, dy, dx):
    """Move the content dy pixels down and dx right; uncovered pixels become 0."""
    out = np.zeros_like(chw)
    _, h, w = chw.shape
    if abs(dy) < h and abs(dx) < w:
        out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            chw[:, max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


def _warp(chw, inverse):
    """Resample (C, H, W) so that the output offset d from the centre reads the input at offset
    ``inverse @ d`` (rows, columns), bilinearly; points outside the image read 0."""
    _, h, w = chw.shape
    centre = np.array([(h - 1) / 2, (w - 1) / 2])
    grid = np.stack(np.mgrid[0:h, 0:w], axis=-1).reshape(-1, 2) - centre
    source = grid @ inverse.T + centre
    base = np.floor(source).astype(np.int64)
    frac = source - base
    padded = np.pad(chw, ((0, 0), (1, 1), (1, 1)))  # a ring of zeros: index -1 and h (or w)
    out = np.zeros((chw.shape[0], h * w))
    for dy in (0, 1):
        for dx in (0, 1):
            rows = np.clip(base[:, 0] + dy, -1, h) + 1
            cols = np.clip(base[:, 1] + dx, -1, w) + 1
            weight = (frac[:, 0] if dy else 1 - frac[:, 0]) * (frac[:, 1] if dx else 1 - frac[:, 1])
            out += padded[:, rows, cols] * weight
    return out.reshape(chw.shape)


def _check_number(value, name, lower, upper):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not lower <= value <= upper:
        raise ValueError(f"{name} must be in [{lower:g}, {upper:g}], got {value!r}")
    return float(value)
