"""fit, evaluate and predict: seeded, device-aware, recording history, stopping on divergence and
by callbacks (early stopping, checkpoints, live plot)."""

import math

import pytest
import torch
from torch import nn

from cnncourse.training import Checkpoint, EarlyStopping, LivePlot
from cnncourse.training import History, evaluate, fit, predict
from cnncourse.plotting.history_chart import history_chart


def blobs(n=120, seed=0):
    """Two-class points: easy to learn in a few epochs."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 2
    inputs = torch.randn(n, 4, generator=g) + 2.0 * labels[:, None].float()
    return torch.utils.data.TensorDataset(inputs, labels)


def small_model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 2))


def quick_fit(model, **kwargs):
    settings = dict(epochs=4, lr=0.05, optimizer="momentum", batch_size=16, progress=False, device="cpu")
    return fit(model, blobs(), blobs(60, seed=1), **{**settings, **kwargs})


def test_fit_learns_and_records_every_epoch():
    history = quick_fit(small_model())
    assert history.epochs == 4 and history.stop_reason is None and not history.diverged
    for metric in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"):
        assert len(getattr(history, metric)) == 4
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.val_accuracy[-1] > 0.8


def test_same_seed_same_history_and_weights():
    first, second = small_model(), small_model()
    assert quick_fit(first, seed=3) == quick_fit(second, seed=3)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters()))
    assert quick_fit(small_model(), seed=4) != quick_fit(small_model(), seed=3)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam",
                                       lambda params, lr: torch.optim.RMSprop(params, lr=lr)])
def test_every_optimizer_choice_trains(optimizer):
    history = quick_fit(small_model(), optimizer=optimizer, lr=0.01)
    assert history.train_loss[-1] < history.train_loss[0]


def test_scheduler_changes_the_learning_rate_each_epoch():
    history = quick_fit(small_model(), scheduler=lambda opt: torch.optim.lr_scheduler.StepLR(opt, 1, 0.5))
    assert history.lr == pytest.approx([0.05, 0.025, 0.0125, 0.00625])


def test_a_huge_learning_rate_stops_with_a_message_not_a_crash():
    history = quick_fit(small_model(), lr=1e6, optimizer="sgd", epochs=5)
    assert history.diverged and history.epochs < 5
    assert history.stop_reason.startswith("diverged:") and "too large" in history.stop_reason
    assert math.isnan(history.train_loss[-1])


def test_nan_loss_is_detected_even_without_the_growth_rule():
    def nan_loss(scores, labels):
        return scores.sum() * float("nan")
    history = quick_fit(small_model(), loss_fn=nan_loss, divergence_factor=None)
    assert history.diverged and "the loss became nan" in history.stop_reason


def test_early_stopping_restores_the_best_weights():
    model = small_model()
    stopper = EarlyStopping(patience=1, monitor="val_loss")
    history = quick_fit(model, epochs=30, lr=0.3, callbacks=[stopper])
    assert history.epochs < 30 and history.stop_reason.startswith("early stopping")
    best = min(history.val_loss)
    assert stopper.best == best
    model.eval()
    assert evaluate(model, blobs(60, seed=1))["loss"] == pytest.approx(best, rel=1e-6)


def test_checkpoint_saves_the_best_epoch(tmp_path):
    checkpoint = Checkpoint(tmp_path / "runs" / "best.pt", monitor="val_accuracy")
    history = quick_fit(small_model(), callbacks=[checkpoint])
    assert checkpoint.saved_epoch == 1 + history.val_accuracy.index(max(history.val_accuracy))
    restored = small_model(seed=9)
    restored.load_state_dict(torch.load(tmp_path / "runs" / "best.pt"))
    assert evaluate(restored, blobs(60, seed=1))["accuracy"] == max(history.val_accuracy)


def test_callbacks_need_the_metric_they_monitor():
    with pytest.raises(ValueError, match="which fit did not record"):
        fit(small_model(), blobs(), epochs=1, lr=0.1, progress=False, callbacks=[EarlyStopping()])
    with pytest.raises(ValueError, match="monitor must be one of"):
        EarlyStopping(monitor="val_acc")


def test_live_plot_and_progress_bar_run_outside_a_notebook(capsys):
    plot = LivePlot("demo")
    quick_fit(small_model(), progress=True, callbacks=[plot])
    assert plot.handle is None and capsys.readouterr().out == ""
    assert "<svg" in history_chart(History(train_loss=[1.0, 0.5], train_accuracy=[0.5, 0.7]))


def test_evaluate_and_predict_agree():
    model = small_model()
    quick_fit(model)
    data = blobs(60, seed=1)
    predictions = predict(model, data, batch_size=7)
    assert predictions.shape == (60,) and predictions.dtype == torch.int64
    accuracy = (predictions == data.tensors[1]).float().mean().item()
    assert evaluate(model, data)["accuracy"] == pytest.approx(accuracy)


def test_device_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CNNCOURSE_DEVICE", "cpu")
    model = small_model()
    fit(model, blobs(), epochs=1, lr=0.1, progress=False)
    assert next(model.parameters()).device.type == "cpu"
    monkeypatch.setenv("CNNCOURSE_DEVICE", "tpu-please")
    with pytest.raises(ValueError, match="CNNCOURSE_DEVICE"):
        fit(small_model(), blobs(), epochs=1, lr=0.1, progress=False)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(epochs=0), ValueError, "epochs must be >= 1"),
    (dict(epochs=1.5), TypeError, "epochs must be an int"),
    (dict(lr=-1.0), ValueError, "lr must be a number > 0"),
    (dict(batch_size=0), ValueError, "batch_size must be >= 1"),
    (dict(optimizer="adagrad"), ValueError, "optimizer must be one of sgd, momentum, adam"),
    (dict(optimizer=3), TypeError, "optimizer must be a name or a function"),
])
def test_bad_fit_arguments_are_named(kwargs, error, words):
    with pytest.raises(error, match=words):
        quick_fit(small_model(), **kwargs)


def test_data_must_be_a_dataset():
    with pytest.raises(TypeError, match="train_data must be a torch.utils.data.Dataset"):
        fit(small_model(), [(torch.zeros(4), 0)], epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="val_data is empty"):
        fit(small_model(), blobs(), blobs(0), epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="metric must be one of"):
        History().last("accuracy")


class _Items(torch.utils.data.Dataset):
    """The same examples as a TensorDataset, served one at a time."""

    def __init__(self, tensors):
        self.tensors = tensors

    def __len__(self):
        return len(self.tensors[0])

    def __getitem__(self, i):
        return tuple(t[i] for t in self.tensors)


def test_batches_come_in_the_samplers_order_whatever_the_dataset():
    from cnncourse.training.loop import batches

    inputs, labels = torch.arange(30.0).reshape(10, 3), torch.arange(10) * 7
    sampler = torch.utils.data.DistributedSampler(range(10), num_replicas=1, rank=0, shuffle=True, seed=5)
    order = list(sampler)
    assert order != sorted(order)
    expected = [order[i:i + 4] for i in range(0, 10, 4)]  # the last batch is short: 2 examples
    for data in (torch.utils.data.TensorDataset(inputs, labels), _Items((inputs, labels))):
        got = list(batches(data, 4, sampler))
        assert [len(y) for _, y in got] == [4, 4, 2]
        for (x, y), indices in zip(got, expected):
            assert torch.equal(x, inputs[indices]) and torch.equal(y, labels[indices])
        in_order = list(batches(data, 4))
        assert torch.equal(torch.cat([y for _, y in in_order]), labels)


@pytest.mark.parametrize("wrap", [lambda d: d, lambda d: _Items(d.tensors)], ids=["TensorDataset", "Dataset"])
def test_validating_leaves_the_training_as_it_is_without_validation(wrap):
    # The dropout masks come from torch's generator: validating between epochs must not shift them.
    runs = []
    for val_data in (None, wrap(blobs(60, seed=1))):
        model = small_model()
        history = fit(model, wrap(blobs()), val_data, epochs=3, lr=0.05, optimizer="momentum", batch_size=16,
                      progress=False, device="cpu")
        runs.append((history.train_loss, history.train_accuracy, model.state_dict()))
    (loss, accuracy, weights), (val_loss, val_accuracy, val_weights) = runs
    assert (loss, accuracy) == (val_loss, val_accuracy)  # the same operations on the same numbers
    for name, value in weights.items():
        assert torch.equal(value, val_weights[name]), name


@pytest.mark.parametrize("wrap", [lambda d: d, lambda d: _Items(d.tensors)], ids=["TensorDataset", "Dataset"])
def test_evaluate_and_predict_draw_nothing_from_torchs_generator(wrap):
    model, data = small_model(), wrap(blobs(50))
    torch.manual_seed(3)
    evaluate(model, data, batch_size=16)
    predict(model, data, batch_size=16)
    after = torch.rand(4)
    torch.manual_seed(3)
    assert torch.equal(torch.rand(4), after)
