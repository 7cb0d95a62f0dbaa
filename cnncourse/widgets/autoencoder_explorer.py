"""Autoencoder explorer: pick a digit class and a salt-and-pepper noise level -> a typical test
digit of that class, clean and with the noise, and what a plain and a denoising autoencoder
rebuild from the noisy input, each captioned with its error against the clean digit.

:func:`explore_autoencoder` is the pure part. :class:`AutoencoderExplorer` carries every (class,
noise) input and reconstruction as 16 x 16 uint8 images, so its JavaScript
(``js/autoencoder_explorer.js``) only picks, draws and captions, live in the static book with no
kernel. The clean digit is the input at noise 0.
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
    """A typical test digit of each class 0..9, the one nearest (in pixels) to its class's mean
    test image: (10, 1, size, size), read-only (computed once per size)."""
    images, labels = digit_arrays("test", size=size)
    chosen = []
    for digit in range(10):
        members = images[labels == digit]
        distances = ((members - members.mean(axis=0)) ** 2).sum(axis=(1, 2, 3))
        chosen.append(members[int(distances.argmin())])
    chosen = np.stack(chosen)
    chosen.flags.writeable = False
    return chosen


def image_error(image, clean):
    """Mean squared error of two (H, W) images held as whole grey levels 0..255, on the [0, 1]
    scale: the integer sum of squared differences over 255 ** 2 * pixels (exact, as the view
    computes it)."""
    a, b = (np.asarray(v, dtype=np.int64) for v in (image, clean))
    return int(((a - b) ** 2).sum()) / (255 ** 2 * a.size)


def autoencoder_caption(name, digit, noise, error):
    """The caption of one panel: ``name`` is "clean", "input" or a model's name."""
    if name == "clean":
        return f"clean: a test {digit}"
    if name == "input":
        return "input: no noise" if noise == 0 else \
            f"input: {noise:.0%} noise, error {error:.3f}"
    return f"{name}: error {error:.3f}"


def explore_autoencoder(models, digit, noise):
    """What the view shows for class ``digit`` (0..9) and a fraction ``noise`` (one of
    :data:`NOISES`) of salt-and-pepper pixels: ``{"images": {"clean", "input", name for each
    model: (H, W) uint8 levels 0..255}, "captions": {same keys: text}}``; each model rebuilds the
    input, and each error is against the clean digit. models: ``{name: ConvAutoencoder}``, all of
    one size."""
    _check_models(models)
    if isinstance(digit, bool) or not isinstance(digit, (int, np.integer)) \
            or not 0 <= digit <= 9:
        raise ValueError(f"digit must be an int from 0 to 9, got {digit!r}")
    if noise not in NOISES:
        raise ValueError(f"noise must be one of {NOISES}, got {noise!r}")
    size = next(iter(models.values())).size
    clean = explorer_digits(size)[digit:digit + 1]
    noisy = add_salt_and_pepper(clean, noise, seed=SEED + digit).numpy()
    images = {"clean": clean[0, 0], "input": noisy[0, 0],
              **{name: reconstruct(model, noisy)[0, 0] for name, model in models.items()}}
    images = {k: np.round(v * 255).astype(np.uint8) for k, v in images.items()}
    captions = {k: autoencoder_caption(k, digit, noise, image_error(v, images["clean"]))
                for k, v in images.items()}
    return {"images": images, "captions": captions}


def autoencoder_grid(models):
    """Every input and reconstruction of the explorer at once, one batch per model:
    ``{(digit, noise, name): (H, W) in [0, 1]}`` for name "input" and each model's name."""
    _check_models(models)
    size = next(iter(models.values())).size
    digits = explorer_digits(size)
    keys = [(d, level) for d in range(10) for level in NOISES]
    noisy = np.concatenate([add_salt_and_pepper(digits[d:d + 1], level, seed=SEED + d).numpy()
                            for d, level in keys])
    outputs = {"input": noisy,
               **{name: reconstruct(model, noisy) for name, model in models.items()}}
    return {(d, level, name): images[i, 0]
            for name, images in outputs.items() for i, (d, level) in enumerate(keys)}


def _check_models(models):
    if not isinstance(models, dict) or not models \
            or not all(isinstance(m, ConvAutoencoder) for m in models.values()):
        raise TypeError("models must be a non-empty dict name -> ConvAutoencoder")
    if {"clean", "input"} & set(models):
        raise ValueError("models: 'clean' and 'input' name the explorer's own panels")
    if len({m.size for m in models.values()}) != 1:
        raise ValueError("models must all have the same image size")


class AutoencoderExplorer(anywidget.AnyWidget):
    """Controls ``digit`` (the class, 0..9) and ``noise`` (one of :data:`NOISES`); ``shown`` is
    what the view draws."""

    _esm = esm("autoencoder_explorer", "ui")
    images = traitlets.Dict().tag(sync=True)  # "digit|noise|name" -> packed (H, W) uint8
    names = traitlets.List().tag(sync=True)   # the models' names
    noises = traitlets.List(list(NOISES)).tag(sync=True)
    digit = traitlets.Int(0).tag(sync=True)
    noise = traitlets.Float(0.2).tag(sync=True)

    def __init__(self, models, digit=0, noise=0.2):
        self.models = models
        images = {f"{d}|{level:g}|{name}": pack(np.round(image * 255), "uint8")
                  for (d, level, name), image in autoencoder_grid(models).items()}
        super().__init__(images=images, names=list(models), digit=digit, noise=noise)

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
