"""Callbacks for :func:`cnncourse.training.fit`: early stopping, checkpoints and a live plot.

A callback is any object with ``on_epoch_end(state)`` and, if it needs them, ``on_fit_start``
and ``on_fit_end``; ``state`` is a :class:`cnncourse.training.TrainingState`. Setting
``state.stop = True`` (with ``state.history.stop_reason``) ends training after that epoch.
"""

import copy
from pathlib import Path

import torch

from ..plotting.history_chart import history_chart
from ..validation import as_int
from .history import METRICS, process_rank_and_count


def _improved(value, best, monitor, min_delta):
    """Whether ``value`` beats ``best``: lower for a loss, higher for an accuracy."""
    if best is None:
        return True
    return value < best - min_delta if monitor.endswith("loss") else value > best + min_delta


def _check_monitor(monitor):
    if monitor not in METRICS:
        raise ValueError(f"monitor must be one of {', '.join(METRICS)}, got {monitor!r}")
    return monitor


class EarlyStopping:
    """Stop when ``monitor`` has not improved for ``patience`` epochs in a row.

    monitor: 'val_loss' (lower is better), 'val_accuracy' (higher), or the train_ versions.
    restore_best: put the weights of the best epoch back into the model when stopping.
    """

    def __init__(self, patience=3, monitor="val_loss", min_delta=0.0, restore_best=True):
        self.patience = as_int(patience, "patience", minimum=1)
        self.monitor = _check_monitor(monitor)
        self.min_delta, self.restore_best = float(min_delta), restore_best
        self.best, self.best_epoch, self.best_weights, self.waited = None, 0, None, 0

    def on_epoch_end(self, state):
        value = state.history.last(self.monitor)
        if value is None:
            raise ValueError(f"EarlyStopping monitors {self.monitor!r}, which fit did not record "
                             "(val_ metrics need val_data)")
        if _improved(value, self.best, self.monitor, self.min_delta):
            self.best, self.best_epoch, self.waited = value, state.epoch, 0
            if self.restore_best:
                self.best_weights = copy.deepcopy(state.model.state_dict())
            return
        self.waited += 1
        if self.waited >= self.patience:
            state.stop = True
            state.history.stop_reason = (
                f"early stopping: {self.monitor} has not improved for {self.patience} epochs; "
                f"best {self.best:.4f} at epoch {self.best_epoch}")
            if self.restore_best:
                state.model.load_state_dict(self.best_weights)


class Checkpoint:
    """Save the model's ``state_dict`` to ``path`` whenever ``monitor`` improves (or every epoch
    with ``best_only=False``). ``saved_epoch`` is the epoch of the file on disk. In data-parallel
    training only process 0 writes."""

    def __init__(self, path, monitor="val_loss", best_only=True):
        self.path = Path(path)
        self.monitor = _check_monitor(monitor)
        self.best_only, self.best, self.saved_epoch = best_only, None, None

    def on_epoch_end(self, state):
        value = state.history.last(self.monitor)
        if value is None:
            raise ValueError(f"Checkpoint monitors {self.monitor!r}, which fit did not record")
        if not self.best_only or _improved(value, self.best, self.monitor, 0.0):
            self.best, self.saved_epoch = value, state.epoch
            if process_rank_and_count()[0] == 0:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                torch.save(state.model.state_dict(), self.path)


class LivePlot:
    """Redraw the loss and accuracy curves after every epoch, in place, in a notebook's output.
    Outside IPython (a script, a test) it draws nothing."""

    def __init__(self, title=""):
        self.title, self.handle = title, None

    def on_fit_start(self, state):
        from IPython import get_ipython
        from IPython.display import HTML, display
        if get_ipython() is not None:
            self.handle = display(HTML(history_chart(state.history, self.title)), display_id=True)

    def on_epoch_end(self, state):
        self._draw(state)

    def on_fit_end(self, state):
        self._draw(state)

    def _draw(self, state):
        from IPython.display import HTML
        if self.handle is not None:
            self.handle.update(HTML(history_chart(state.history, self.title)))
