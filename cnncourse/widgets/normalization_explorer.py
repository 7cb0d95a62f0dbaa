"""Normalization explorer: one channel's activations in a batch, before and after batch
normalization, in training mode (the batch's own statistics) or evaluation mode (the running ones).

:func:`explore_normalization` is the pure part (batch size and mode in, the numbers out), built on
:func:`cnncourse.functional.batch_norm`. :class:`NormalizationExplorer` carries its results for
every batch size and both modes, so its JavaScript (``js/normalization_explorer.js``) only picks
and draws, live in the static book with no kernel.
"""

import anywidget
import numpy as np
import traitlets

from ..functional import batch_norm
from ..validation import as_int
from .live import esm, one_of

BATCH_SIZES = (2, 4, 8, 16, 32, 64, 128)
WARMUP_BATCHES, MOMENTUM = 100, 0.1


def activations(count, rng):
    """``count`` activations of one channel as a ReLU layer might give them: skewed, mean about
    4, standard deviation about 2 (a shifted gamma distribution)."""
    return rng.gamma(2.0, 1.5, size=count) + 1.0


def explore_normalization(batch_size=8, training=True, seed=0):
    """Normalize one batch of ``batch_size`` activations.

    The running statistics start at (0, 1) and follow ``WARMUP_BATCHES`` earlier training
    batches of the same size (momentum 0.1), then a new batch is normalized, with its own mean
    and biased variance (training) or with the running ones (evaluation). Returns a dict: x and
    y (the batch before and after, (batch_size,)), batch_mean, batch_var, running_mean,
    running_var (floats, the running ones as they were before this batch), and y's mean and std.
    """
    batch_size = as_int(batch_size, "batch_size", minimum=2)
    if not isinstance(training, bool):
        raise TypeError(f"training must be True or False, got {training!r}")
    rng = np.random.default_rng(seed)
    running_mean, running_var = np.zeros(1), np.ones(1)
    for _ in range(WARMUP_BATCHES):
        batch_norm(activations(batch_size, rng)[:, None], running_mean, running_var, training=True,
                   momentum=MOMENTUM)
    x = activations(batch_size, rng)
    y = batch_norm(x[:, None], running_mean.copy(), running_var.copy(), training=training, momentum=MOMENTUM)[:, 0]
    return {"x": x, "y": y, "batch_mean": float(x.mean()), "batch_var": float(x.var()),
            "running_mean": float(running_mean[0]), "running_var": float(running_var[0]),
            "output_mean": float(y.mean()), "output_std": float(y.std())}


def _key(batch_size, training):
    return f"{batch_size}|{'train' if training else 'eval'}"


class NormalizationExplorer(anywidget.AnyWidget):
    """Controls ``batch_size`` (one of :data:`BATCH_SIZES`) and ``training`` are traitlets; ``shown``
    is what the view draws for them."""

    _esm = esm("normalization_explorer", "ui")
    results = traitlets.Dict().tag(sync=True)
    batch_sizes = traitlets.List(list(BATCH_SIZES)).tag(sync=True)
    batch_size = traitlets.Int(8).tag(sync=True)
    training = traitlets.Bool(True).tag(sync=True)

    def __init__(self, batch_size=8, training=True, seed=0):
        self.seed = seed
        results = {}
        for size in BATCH_SIZES:
            for mode in (True, False):
                result = explore_normalization(size, mode, seed)
                results[_key(size, mode)] = {k: (np.round(v, 6).tolist() if isinstance(v, np.ndarray) else round(v, 6))
                                             for k, v in result.items()}
        super().__init__(results=results, batch_size=batch_size, training=training)

    _check_batch_size = one_of("batch_size", BATCH_SIZES)

    @property
    def shown(self):
        """What the view shows for the current controls (see :func:`explore_normalization`)."""
        return explore_normalization(self.batch_size, self.training, self.seed)

    @property
    def carried(self):
        """The carried result the view looks up for the current controls."""
        return self.results[_key(self.batch_size, self.training)]
