"""Transfer explorer: chapter 8's two experiments, each with its own control.

1. The learning curve (pretrained features + a linear head against a small CNN trained from
   scratch, several seeds): ``per_class`` picks a point of it, and the sentence under it gives that
   point's accuracies, with what they were measured on.
2. The four strategies' table (one training set, one seed): ``strategy`` picks a row, and shows its
   numbers and its training loss per epoch.

Neither control changes the other experiment's panel. Everything comes from runs made once in the
notebook (:mod:`cnncourse.demos.transfer_comparison`). :func:`explore_transfer` is the pure
reference; :class:`TransferExplorer` carries those numbers (a few kilobytes) and its JavaScript
view (js/transfer_explorer.js) redraws them in the static book with no kernel.
"""

from dataclasses import dataclass

import anywidget
import numpy as np
import traitlets

from ..data.textures import TEXTURES
from .live import esm, one_of


def _patches(count):
    return f"{count} labelled patch{'es' if count != 1 else ''}"


@dataclass(frozen=True)
class CurvePoint:
    """One point of the learning curve: (mean, min, max) test accuracy over the seeds."""

    per_class: int
    pretrained: tuple     # frozen pretrained features + linear head
    scratch: tuple        # the small CNN trained from scratch
    seeds: int
    test_size: int

    def sentence(self):
        """The finding at this number of labels, in words, with what it was measured on."""
        gain = self.pretrained[0] - self.scratch[0]
        return (f"{_patches(self.per_class)} per class ({self.per_class * len(TEXTURES)} in all), "
                f"test accuracy on the {self.test_size} test patches, mean (min to max) over {self.seeds} "
                f"seeds: the linear head on the pretrained features {self.pretrained[0]:.1%} "
                f"({self.pretrained[1]:.1%} to {self.pretrained[2]:.1%}), the small CNN from scratch "
                f"{self.scratch[0]:.1%} ({self.scratch[1]:.1%} to {self.scratch[2]:.1%}): "
                f"{abs(gain) * 100:.1f} points {'for' if gain >= 0 else 'against'} transfer.")


@dataclass(frozen=True)
class StrategyRow:
    """One row of the strategies' table and its training loss per epoch."""

    strategy: str
    accuracy: float
    trainable: int
    seconds: float
    train_loss: list
    train_size: int
    test_size: int

    def sentence(self):
        """The row in words, with what it was measured on."""
        per_class = self.train_size // len(TEXTURES)
        return (f"{self.strategy}, trained on {_patches(per_class)} per class ({self.train_size} in all), "
                f"one seed: test accuracy {self.accuracy:.1%} on the {self.test_size} test patches, "
                f"{self.trainable:,} trainable parameters, {self.seconds:.1f} s.")


def curve_point(curve, per_class):
    """The :class:`CurvePoint` of ``curve`` (a LearningCurve) at ``per_class``, one of
    ``curve.per_class``."""
    if per_class not in curve.per_class:
        raise ValueError(f"per_class must be one of {', '.join(map(str, curve.per_class))}, got {per_class!r}")
    i = list(curve.per_class).index(per_class)
    spread = lambda scores: tuple(float(f(scores[:, i])) for f in (np.mean, np.min, np.max))  # noqa: E731
    return CurvePoint(per_class, spread(curve.pretrained), spread(curve.scratch), len(curve.pretrained),
                      curve.test_size)


def strategy_row(results, strategy):
    """The :class:`StrategyRow` of ``strategy``, a name of ``results`` (StrategyResults)."""
    names = [r.name for r in results]
    if strategy not in names:
        raise ValueError(f"strategy must be one of {', '.join(names)}, got {strategy!r}")
    r = results[names.index(strategy)]
    return StrategyRow(r.name, r.accuracy, r.trainable, r.seconds, list(r.history.train_loss), r.train_size,
                       r.test_size)


def explore_transfer(curve, results, strategy, per_class):
    """What the explorer shows: ``(curve_point(curve, per_class), strategy_row(results, strategy))``,
    the first driven by ``per_class`` alone, the second by ``strategy`` alone."""
    return curve_point(curve, per_class), strategy_row(results, strategy)


class TransferExplorer(anywidget.AnyWidget):
    """Controls (traits): ``per_class`` (a point of the learning curve) and ``strategy`` (a row of
    the table). ``view`` is what is shown, from :func:`explore_transfer`."""

    _esm = esm("transfer_explorer")
    strategy = traitlets.Unicode().tag(sync=True)
    per_class = traitlets.Int().tag(sync=True)
    curve = traitlets.Dict().tag(sync=True)     # {"per_class", "pretrained", "scratch" (seeds x points), "test_size"}
    rows = traitlets.List().tag(sync=True)      # [StrategyRow's fields as a dict, "name" for "strategy"]
    classes = traitlets.Int(len(TEXTURES)).tag(sync=True)

    def __init__(self, curve, results, strategy=None, per_class=None, **kwargs):
        if not results:
            raise ValueError("results is empty: pass the StrategyResults of compare_strategies")
        self._curve, self._results = curve, list(results)
        rows = [{"name": r.name, "accuracy": round(r.accuracy, 4), "trainable": r.trainable,
                 "seconds": round(r.seconds, 2), "train_loss": [round(v, 4) for v in r.history.train_loss],
                 "train_size": r.train_size, "test_size": r.test_size} for r in results]
        data = {"per_class": list(curve.per_class), "pretrained": np.round(curve.pretrained, 4).tolist(),
                "scratch": np.round(curve.scratch, 4).tolist(), "test_size": curve.test_size}
        super().__init__(curve=data, rows=rows, **kwargs)
        self.strategy = results[0].name if strategy is None else strategy
        self.per_class = curve.per_class[0] if per_class is None else per_class

    _valid_strategy = one_of("strategy", lambda self: [r.name for r in self._results])

    _valid_per_class = one_of("per_class", lambda self: self._curve.per_class)

    @property
    def view(self):
        """``(CurvePoint, StrategyRow)`` for the current controls."""
        return explore_transfer(self._curve, self._results, self.strategy, self.per_class)
