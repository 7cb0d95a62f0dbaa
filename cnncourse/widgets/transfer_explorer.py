"""Transfer explorer: a strategy and a number of labels per class -> the learning curves, the
strategy's row of the comparison table and its training curve.

Everything shown comes from runs made once in the notebook (:mod:`cnncourse.demos.transfer_comparison`):
the learning curve (pretrained features vs a small CNN from scratch, several seeds) and the four
strategies' results. :func:`explore_transfer` is the pure reference; :class:`TransferExplorer`
carries those numbers (a few kilobytes) and its JavaScript view (js/transfer_explorer.js) redraws
them in the static book with no kernel.
"""

from dataclasses import dataclass

import anywidget
import numpy as np
import traitlets

from .live import esm, one_of


@dataclass(frozen=True)
class TransferView:
    """What the explorer shows for one (strategy, labels per class)."""

    strategy: str
    accuracy: float       # the strategy's test accuracy in the table
    trainable: int
    seconds: float
    train_loss: list      # its training loss per epoch
    per_class: int
    pretrained: tuple     # (mean, min, max) test accuracy over the seeds, frozen features + linear head
    scratch: tuple        # the same for the small CNN trained from scratch

    def sentence(self):
        """The finding at this number of labels, in words."""
        gain = self.pretrained[0] - self.scratch[0]
        return (f"With {self.per_class} labelled patch{'es' if self.per_class > 1 else ''} per class, a linear "
                f"head on the pretrained features reaches {self.pretrained[0]:.1%} "
                f"({self.pretrained[1]:.1%} to {self.pretrained[2]:.1%} over the seeds), the small CNN from "
                f"scratch {self.scratch[0]:.1%} ({self.scratch[1]:.1%} to {self.scratch[2]:.1%}): "
                f"{abs(gain) * 100:.1f} points {'for' if gain >= 0 else 'against'} transfer.")


def explore_transfer(curve, results, strategy, per_class):
    """The :class:`TransferView` for ``strategy`` (a name of ``results``, a list of
    StrategyResult) and ``per_class`` (one of ``curve.per_class``, a LearningCurve)."""
    names = [r.name for r in results]
    if strategy not in names:
        raise ValueError(f"strategy must be one of {', '.join(names)}, got {strategy!r}")
    if per_class not in curve.per_class:
        raise ValueError(f"per_class must be one of {', '.join(map(str, curve.per_class))}, got {per_class!r}")
    row = results[names.index(strategy)]
    i = list(curve.per_class).index(per_class)
    spread = lambda scores: tuple(float(f(scores[:, i])) for f in (np.mean, np.min, np.max))  # noqa: E731
    return TransferView(row.name, row.accuracy, row.trainable, row.seconds, list(row.history.train_loss),
                        per_class, spread(curve.pretrained), spread(curve.scratch))


class TransferExplorer(anywidget.AnyWidget):
    """Controls (traits): ``strategy`` (a row of the table) and ``per_class`` (a point of the
    learning curve). ``view`` is what is shown, from :func:`explore_transfer`."""

    _esm = esm("transfer_explorer")
    strategy = traitlets.Unicode().tag(sync=True)
    per_class = traitlets.Int().tag(sync=True)
    curve = traitlets.Dict().tag(sync=True)     # {"per_class": [...], "pretrained": [[...]], "scratch": [[...]]}
    rows = traitlets.List().tag(sync=True)      # [{"name", "accuracy", "trainable", "seconds", "train_loss"}]

    def __init__(self, curve, results, strategy=None, per_class=None, **kwargs):
        if not results:
            raise ValueError("results is empty: pass the StrategyResults of compare_strategies")
        self._curve, self._results = curve, list(results)
        rows = [{"name": r.name, "accuracy": round(r.accuracy, 4), "trainable": r.trainable,
                 "seconds": round(r.seconds, 2), "train_loss": [round(v, 4) for v in r.history.train_loss]}
                for r in results]
        data = {"per_class": list(curve.per_class), "pretrained": np.round(curve.pretrained, 4).tolist(),
                "scratch": np.round(curve.scratch, 4).tolist()}
        super().__init__(curve=data, rows=rows, **kwargs)
        self.strategy = results[0].name if strategy is None else strategy
        self.per_class = curve.per_class[0] if per_class is None else per_class

    @traitlets.validate("strategy")
    def _valid_strategy(self, proposal):
        names = [r.name for r in self._results]
        if proposal["value"] not in names:
            raise ValueError(f"strategy must be one of {', '.join(names)}, got {proposal['value']!r}")
        return proposal["value"]

    _valid_per_class = one_of("per_class", lambda self: self._curve.per_class)

    @property
    def view(self):
        """The :class:`TransferView` for the current controls."""
        return explore_transfer(self._curve, self._results, self.strategy, self.per_class)
