"""Autoencoder explorer: pick a test digit and a salt-and-pepper noise level -> the noisy digit and
what a plain and a denoising autoencoder rebuild from it.

:func:`explore_autoencoder` is the pure part. :class:`AutoencoderExplorer` carries every (digit,
noise) result as 16 x 16 uint8 images, so its JavaScript (``js/autoencoder_explorer.js``) only picks
and draws, live in the static book with no kernel.
"""

from functools import lru_cache

import anywidget
import numpy as np
import traitlets

from ..data.handwritten_digits import digit_arrays
from ..demos.autoencoders import reconstruct
from ..models.autoencoder import ConvAutoencoder, add_salt_and_pepper
from .live import esm, one_of, pack

NOISES = (0.0, 0.1, 0.2, 0.3, 0.4)
SEED = 0


@lru_cache(maxsize=4)
def explorer_digits(size):
    """One test digit of each class 0..9 (the first of each in the test split): (10, 1, size, size),
    read-only (computed once per size)."""
    images, labels = digit_arrays("test", size=size)
    chosen = images[[int(np.flatnonzero(labels == d)[0]) for d in range(10)]]
    chosen.flags.writeable = False
    return chosen


def explore_autoencoder(models, digit, noise):
    """``{"noisy": (H, W), name: (H, W) for each model}`` in [0, 1], rounded to 256 levels as the
    browser gets them: test digit ``digit`` (0..9) with a fraction ``noise`` (one of
    :data:`NOISES`) of salt-and-pepper pixels, and each autoencoder's reconstruction of it.
    models: ``{name: ConvAutoencoder}``, all of one size."""
    _check_models(models)
    if isinstance(digit, bool) or not isinstance(digit, (int, np.integer)) or not 0 <= digit <= 9:
        raise ValueError(f"digit must be an int from 0 to 9, got {digit!r}")
    if noise not in NOISES:
        raise ValueError(f"noise must be one of {NOISES}, got {noise!r}")
    size = next(iter(models.values())).size
    noisy = add_salt_and_pepper(explorer_digits(size)[digit:digit + 1], noise, seed=SEED + digit).numpy()
    shown = {"noisy": noisy[0, 0]}
    for name, model in models.items():
        shown[name] = reconstruct(model, noisy)[0, 0]
    return {k: np.round(v * 255) / 255 for k, v in shown.items()}


def autoencoder_grid(models):
    """Every choice of the explorer at once, one batch per model: ``{(digit, noise, name): (H, W)}``
    for name "noisy" and each model's name, as :func:`explore_autoencoder` gives them one by one."""
    _check_models(models)
    size = next(iter(models.values())).size
    digits = explorer_digits(size)
    keys = [(d, level) for d in range(10) for level in NOISES]
    noisy = np.concatenate([add_salt_and_pepper(digits[d:d + 1], level, seed=SEED + d).numpy() for d, level in keys])
    outputs = {"noisy": noisy, **{name: reconstruct(model, noisy) for name, model in models.items()}}
    return {(d, level, name): np.round(images[i, 0] * 255) / 255
            for name, images in outputs.items() for i, (d, level) in enumerate(keys)}


def _check_models(models):
    if not isinstance(models, dict) or not models or not all(isinstance(m, ConvAutoencoder) for m in models.values()):
        raise TypeError("models must be a non-empty dict name -> ConvAutoencoder")
    if len({m.size for m in models.values()}) != 1:
        raise ValueError("models must all have the same image size")


class AutoencoderExplorer(anywidget.AnyWidget):
    """Controls ``digit`` (0..9) and ``noise`` (one of :data:`NOISES`); ``shown`` is what the view draws."""

    _esm = esm("autoencoder_explorer", "ui")
    images = traitlets.Dict().tag(sync=True)      # "digit|noise|name" -> packed (H, W) uint8
    names = traitlets.List().tag(sync=True)
    noises = traitlets.List(list(NOISES)).tag(sync=True)
    digit = traitlets.Int(0).tag(sync=True)
    noise = traitlets.Float(0.2).tag(sync=True)

    def __init__(self, models, digit=0, noise=0.2):
        self.models = models
        images = {f"{d}|{level:g}|{name}": pack(np.round(image * 255), "uint8")
                  for (d, level, name), image in autoencoder_grid(models).items()}
        super().__init__(images=images, names=["noisy", *models], digit=digit, noise=noise)

    @traitlets.validate("digit")
    def _check_digit(self, proposal):
        if not 0 <= proposal.value <= 9:
            raise ValueError(f"digit must be from 0 to 9, got {proposal.value!r}")
        return proposal.value

    _check_noise = one_of("noise", NOISES)

    @property
    def shown(self):
        """What the view shows for the current controls (see :func:`explore_autoencoder`)."""
        return explore_autoencoder(self.models, self.digit, self.noise)
