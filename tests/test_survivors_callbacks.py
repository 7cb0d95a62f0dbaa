"""The callbacks' defaults, messages and notebook drawing (mutants of cnncourse/training/callbacks.py
and history.py that survived the training tests)."""

import pytest
import torch
from torch.utils.data import TensorDataset

from cnncourse.plotting.history_chart import history_chart
from cnncourse.training import Checkpoint, EarlyStopping, LivePlot, fit
from cnncourse.training.history import History, TrainingState

CHOICES = "train_loss, train_accuracy, val_loss, val_accuracy"


def feed(stopper, metric, values):
    """The epoch after which ``stopper`` stops when fed ``values`` of ``metric``, or None."""
    state = TrainingState(torch.nn.Linear(1, 1), None, History())
    for epoch, value in enumerate(values, start=1):
        state.epoch = epoch
        state.history[metric].append(value)
        stopper.on_epoch_end(state)
        if state.stop:
            return epoch
    return None


def test_by_default_early_stopping_waits_three_epochs_on_the_validation_loss():
    assert feed(EarlyStopping(restore_best=False), "val_loss", [1.0, 0.5, 0.6, 0.7, 0.8, 0.9]) == 5


def test_an_accuracy_must_beat_the_best_by_more_than_min_delta():
    stopper = EarlyStopping(patience=2, monitor="val_accuracy", min_delta=0.1, restore_best=False)
    assert feed(stopper, "val_accuracy", [0.5, 0.55, 0.58, 0.9]) == 3


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="patience must be >= 1"):
        EarlyStopping(patience=0)
    with pytest.raises(TypeError, match="patience"):
        EarlyStopping(patience=1.5)
    with pytest.raises(ValueError, match=f"monitor must be one of {CHOICES}, got 'val_acc'"):
        Checkpoint("model.pt", monitor="val_acc")
    with pytest.raises(ValueError, match=f"metric must be one of {CHOICES}, got 'loss'"):
        History()["loss"]
    with pytest.raises(ValueError, match=r"^EarlyStopping monitors 'val_loss', which fit did not record "
                                         r"\(val_ metrics need val_data\)$"):
        feed(EarlyStopping(), "train_loss", [1.0])
    with pytest.raises(ValueError, match="^Checkpoint monitors 'val_accuracy', which fit did not record$"):
        feed(Checkpoint("model.pt", monitor="val_accuracy"), "val_loss", [1.0])


def test_a_checkpoint_by_default_keeps_the_best_validation_loss_in_a_new_folder(tmp_path):
    checkpoint = Checkpoint(tmp_path / "runs" / "one" / "model.pt")
    model = torch.nn.Linear(1, 1)
    state = TrainingState(model, None, History())
    for epoch, value in enumerate([1.0, 0.5, 0.7], start=1):
        state.epoch = epoch
        state.history.val_loss.append(value)
        with torch.no_grad():
            model.weight.fill_(epoch)
        checkpoint.on_epoch_end(state)
    assert checkpoint.saved_epoch == 2
    assert torch.load(tmp_path / "runs" / "one" / "model.pt")["weight"].item() == 2.0


class Handle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, html):
        self.shown.append(html.data)


def test_in_a_notebook_the_live_plot_draws_the_history_at_the_start_and_after_each_epoch(monkeypatch):
    import IPython
    import IPython.display
    shown = []

    def display(html, display_id):
        assert display_id is True
        shown.append(html.data)
        return Handle(shown)

    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", display)
    data = TensorDataset(torch.eye(2), torch.tensor([0, 1]))
    histories = []

    class Keep:
        def on_epoch_end(self, state):
            histories.append(history_chart(state.history, "run"))

    history = fit(torch.nn.Linear(2, 2), data, epochs=2, lr=0.1, progress=False, callbacks=[Keep(), LivePlot("run")])
    assert shown == [history_chart(History(), "run"), *histories, history_chart(history, "run")]
    assert LivePlot().title == ""
