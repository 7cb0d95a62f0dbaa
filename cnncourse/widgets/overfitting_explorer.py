"""Over-fitting explorer: training-set size, weight decay and dropout -> the training and
validation curves of the small digit CNN, and the gap between them.

The runs come from :func:`cnncourse.demos.overfitting.overfitting_grid`, trained once when the
notebook runs; :func:`explore_overfitting` picks one and measures its gap (the pure part).
:class:`OverfittingExplorer` carries every run's curves, so its JavaScript
(``js/overfitting_explorer.js``) redraws them live in the static book with no kernel.
"""

import anywidget
import traitlets

from ..training import History
from .live import esm

CURVES = ("train_loss", "val_loss", "train_accuracy", "val_accuracy")


def explore_overfitting(grid, train_size, weight_decay, dropout):
    """The run of ``grid`` (``{(train_size, weight_decay, dropout): History}``) for these settings:
    ``{curve name: list}`` for :data:`CURVES`, plus ``gap`` (final training minus validation
    accuracy) and ``best_epoch`` (the epoch of the lowest validation loss)."""
    key = (train_size, weight_decay, dropout)
    if key not in grid:
        raise ValueError(f"no run for train_size={train_size!r}, weight_decay={weight_decay!r}, "
                         f"dropout={dropout!r}; the grid holds {sorted(grid)}")
    history = grid[key]
    curves = {name: list(getattr(history, name)) for name in CURVES}
    val_loss = curves["val_loss"]
    return {**curves, "gap": curves["train_accuracy"][-1] - curves["val_accuracy"][-1],
            "best_epoch": val_loss.index(min(val_loss)) + 1}


def gap_sentence(result):
    """The sentence under the curves: final accuracies, their gap and the best validation epoch."""
    return (f"Final accuracy: {100 * result['train_accuracy'][-1]:.1f}% on the training set, "
            f"{100 * result['val_accuracy'][-1]:.1f}% on validation: a gap of {100 * result['gap']:.1f} "
            f"points. The validation loss was lowest at epoch {result['best_epoch']} of "
            f"{len(result['val_loss'])}.")


def _key(train_size, weight_decay, dropout):
    return f"{train_size}|{weight_decay:g}|{dropout:g}"


class OverfittingExplorer(anywidget.AnyWidget):
    """Controls ``train_size``, ``weight_decay`` and ``dropout`` (values of the grid's axes) are
    traitlets; ``shown`` is what the view draws for them."""

    _esm = esm("overfitting_explorer", "ui")
    runs = traitlets.Dict().tag(sync=True)
    train_sizes = traitlets.List().tag(sync=True)
    weight_decays = traitlets.List().tag(sync=True)
    dropouts = traitlets.List().tag(sync=True)
    train_size = traitlets.Int().tag(sync=True)
    weight_decay = traitlets.Float().tag(sync=True)
    dropout = traitlets.Float().tag(sync=True)

    def __init__(self, grid, train_size=None, weight_decay=0.0, dropout=0.0):
        if not isinstance(grid, dict) or not grid or not all(
                isinstance(k, tuple) and len(k) == 3 and isinstance(v, History) for k, v in grid.items()):
            raise TypeError("grid must be a non-empty dict {(train_size, weight_decay, dropout): History}, "
                            "as cnncourse.demos.overfitting.overfitting_grid returns")
        self.grid = grid
        axes = [sorted({key[i] for key in grid}) for i in range(3)]
        runs = {_key(*key): {name: [round(v, 4) for v in values] for name, values in
                             explore_overfitting(grid, *key).items() if name in CURVES} for key in grid}
        super().__init__(runs=runs, train_sizes=axes[0], weight_decays=axes[1], dropouts=axes[2],
                         train_size=axes[0][0] if train_size is None else train_size,
                         weight_decay=weight_decay, dropout=dropout)

    def _check(self, proposal, axis):
        values = getattr(self, axis)
        if proposal.value not in values:
            raise ValueError(f"{proposal.trait.name} must be one of {values}, got {proposal.value!r}")
        return proposal.value

    @traitlets.validate("train_size")
    def _check_train_size(self, proposal):
        return self._check(proposal, "train_sizes")

    @traitlets.validate("weight_decay")
    def _check_weight_decay(self, proposal):
        return self._check(proposal, "weight_decays")

    @traitlets.validate("dropout")
    def _check_dropout(self, proposal):
        return self._check(proposal, "dropouts")

    @property
    def shown(self):
        """What the view shows for the current controls (see :func:`explore_overfitting`)."""
        return explore_overfitting(self.grid, self.train_size, self.weight_decay, self.dropout)

    @property
    def caption(self):
        """The sentence under the curves for the current controls."""
        return gap_sentence(self.shown)

    @property
    def carried(self):
        """The carried curves the view looks up for the current controls."""
        return self.runs[_key(self.train_size, self.weight_decay, self.dropout)]
