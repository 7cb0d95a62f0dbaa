"""fit, evaluate and predict against hand computation: divergence at its exact threshold and what
a diverged epoch records, the order of the callbacks' hooks, example-weighted means over uneven
batches, train and eval modes, per-pixel and float targets, and the named bad input."""

import math
import re

import pytest
import torch
import torch.nn.functional as F
from torch.utils.data import TensorDataset

from cnncourse.training import evaluate, fit, predict
from cnncourse.training.loop import correct_count, make_optimizer

# 4 one-hot examples of 2 classes; a bias-free linear model from zero weights scores them equally
DATA = TensorDataset(torch.eye(4), torch.tensor([0, 1, 1, 0]))


def zero_model():
    model = torch.nn.Linear(4, 2, bias=False)
    torch.nn.init.zeros_(model.weight)
    return model


def scripted(*values):
    """A loss function that returns ``values`` batch after batch (with a zero gradient)."""
    values = iter(values)
    return lambda scores, labels: scores.sum() * 0.0 + next(values)


def run(loss_fn, epochs=3, batch_size=2, **settings):
    return fit(zero_model(), DATA, epochs=epochs, lr=0.5, optimizer="sgd", batch_size=batch_size,
               loss_fn=loss_fn, progress=False, **settings)


def test_a_loss_exactly_factor_times_the_first_does_not_diverge_and_above_it_does():
    history = run(scripted(1.0, 10.0, 2.0, 10.0), epochs=2)
    assert not history.diverged and history.train_loss == [5.5, 6.0]
    history = run(scripted(1.0, 10.0, 2.0, 10.5), epochs=3)
    assert history.diverged and history.epochs == 2 and math.isnan(history.train_loss[1])
    assert history.stop_reason == (
        "diverged: the loss grew to 10.5, more than 10 times its first value 1, in epoch 2, batch 2. "
        "The learning rate (0.5) is too large: each step overshoots the minimum and the weights grow "
        "until the scores (and the loss) blow up. Try a smaller one.")


def test_the_factor_is_a_setting_and_none_keeps_only_the_nan_rule():
    assert run(scripted(1.0, 2.5, 1.0, 1.0), epochs=2, divergence_factor=2.0).diverged
    history = run(scripted(1.0, 1e9, 1e9, math.inf), epochs=2, divergence_factor=None)
    assert history.diverged and history.epochs == 2 and history.train_loss[0] == pytest.approx(5e8 + 0.5)
    assert history.stop_reason.startswith("diverged: the loss became inf in epoch 2, batch 2.")


def test_a_first_loss_of_zero_compares_with_a_tiny_floor():
    # the floor 1e-12 keeps the rule alive: 10 times it is 1e-11
    assert not run(scripted(0.0, 5e-12), epochs=1).diverged
    assert run(scripted(0.0, 5e-11), epochs=1).diverged


def test_a_diverged_epoch_keeps_the_accuracy_so_far_and_skips_validation_callbacks_and_schedule():
    calls = []

    class Recorder:
        def on_fit_start(self, state):
            calls.append(("start", state.epoch, state.epochs))

        def on_epoch_end(self, state):
            calls.append(("end", state.epoch))

        def on_fit_end(self, state):
            calls.append(("finish", state.epoch, state.history.diverged))

    # batches of one (4 losses), the validation (1), then 2 batches of epoch 2 before the nan
    history = run(scripted(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, math.nan), epochs=3, batch_size=1, val_data=DATA,
                  callbacks=[Recorder()], scheduler=lambda opt: torch.optim.lr_scheduler.StepLR(opt, 1, 0.1))
    assert calls == [("start", 0, 3), ("end", 1), ("finish", 2, True)]
    # epoch 2's order; the zero model says class 0, right for the examples of label 0
    order = torch.randperm(4, generator=torch.Generator().manual_seed(2)).tolist()
    right = [DATA.tensors[1][i].item() == 0 for i in order]
    assert right[:2] == [True, False]
    assert history.train_accuracy[1] == sum(right[:2]) / 2  # two batches trained before the nan
    assert history.lr == pytest.approx([0.5, 0.05]) and len(history.val_loss) == 1
    assert "the loss became nan in epoch 2, batch 3" in history.stop_reason
    at_once = run(scripted(math.nan), epochs=2)
    assert at_once.epochs == 1 and at_once.train_accuracy == [0.0]


def test_the_loss_and_accuracy_of_an_epoch_are_means_over_examples_not_batches():
    """Batches of 3 and 1: fixed scores, so the loss is the example mean of cross-entropy."""
    model = torch.nn.Linear(4, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[2.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 3.0]]))
        model.bias.zero_()
    history = fit(model, DATA, DATA, epochs=1, lr=1.0, batch_size=3, progress=False,
                  optimizer=lambda params, lr: torch.optim.SGD(params, lr=0.0))
    scores, labels = DATA.tensors[0] @ model.weight.T.detach(), DATA.tensors[1]
    losses = F.cross_entropy(scores, labels, reduction="none")  # 3 right of 4 (the last says class 1)
    assert history.train_loss[0] == pytest.approx(losses.mean().item(), rel=1e-6)
    assert history.train_accuracy == [0.75] and history.val_accuracy == [0.75]
    assert history.val_loss[0] == pytest.approx(losses.mean().item(), rel=1e-6)
    assert evaluate(model, DATA, batch_size=3) == pytest.approx({"loss": losses.mean().item(), "accuracy": 0.75})


class ModeSpy(torch.nn.Module):
    """Records whether each forward pass ran in training mode."""

    def __init__(self):
        super().__init__()
        self.linear, self.modes = torch.nn.Linear(4, 2), []

    @classmethod
    def sized(cls, n):
        """A spy on n-dimensional inputs, seeded, that also records batch sizes."""
        torch.manual_seed(0)
        spy = cls()
        spy.linear, spy.sizes = torch.nn.Linear(n, 2), []
        return spy

    def forward(self, x):
        self.modes.append(self.training)
        if hasattr(self, "sizes"):
            self.sizes.append(len(x))
        return self.linear(x)


def test_training_batches_run_in_train_mode_and_validation_in_eval_mode():
    model = ModeSpy()
    fit(model, DATA, DATA, epochs=2, lr=0.1, batch_size=2, progress=False)
    assert model.modes == [True, True, False, True, True, False]  # 2 batches, then validation in one
    model.modes.clear()
    assert predict(model, DATA, batch_size=3).tolist() == predict(model, DATA).tolist()
    assert model.modes == [False, False, False]


def test_per_pixel_labels_count_each_examples_right_fraction_and_float_targets_give_nan():
    scores = torch.zeros(2, 3, 2, 2)
    scores[:, 1] = 1.0  # class 1 everywhere
    labels = torch.tensor([[[1, 1], [1, 0]], [[2, 0], [0, 0]]])
    assert correct_count(scores, labels).item() == 0.75 + 0.0
    assert correct_count(scores, labels).dtype == torch.float64
    assert math.isnan(correct_count(scores, labels.float()).item())
    images = TensorDataset(torch.rand(6, 4), torch.rand(6, 4))
    history = fit(torch.nn.Linear(4, 4), images, images, epochs=1, lr=0.01, loss_fn=F.mse_loss, progress=False)
    assert math.isnan(history.train_accuracy[0]) and math.isnan(history.val_accuracy[0])


def test_the_device_argument_takes_names_and_moves_the_model():
    model = zero_model()
    history = fit(model, DATA, epochs=1, lr=0.1, progress=False, device="cpu")
    assert history.epochs == 1 and model.weight.device == torch.device("cpu")
    hand = ((DATA.tensors[0] @ model.weight.detach().T).argmax(dim=1) == DATA.tensors[1]).double().mean()
    assert evaluate(model, DATA, device=torch.device("cpu"))["accuracy"] == hand.item()
    assert predict(model, DATA, device="cpu").device == torch.device("cpu")


@pytest.mark.parametrize("call, error, words", [
    (lambda: fit(zero_model(), DATA, epochs=1, lr=0.1, seed=-1), ValueError, "seed must be >= 0"),
    (lambda: fit(zero_model(), DATA, epochs=1, lr=True), ValueError, "lr must be a number > 0, got True"),
    (lambda: fit(zero_model(), DATA, epochs=1, lr=0), ValueError, "lr must be a number > 0, got 0"),
    (lambda: fit(zero_model(), TensorDataset(torch.zeros(0, 4), torch.zeros(0)), epochs=1, lr=0.1),
     ValueError, "train_data is empty"),
    (lambda: evaluate(zero_model(), [(torch.zeros(4), 0)]), TypeError,
     "data must be a torch.utils.data.Dataset .e.g. a TensorDataset., got list"),
    (lambda: predict(zero_model(), DATA, batch_size=0), ValueError, "batch_size must be >= 1"),
])
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_the_global_batch_must_split_evenly_between_the_processes(monkeypatch):
    monkeypatch.setattr("cnncourse.training.loop.process_rank_and_count", lambda: (1, 4))
    with pytest.raises(ValueError, match="batch_size 6 must be divisible by the number of processes 4: it is the "
                                         "global batch, split evenly between them"):
        fit(zero_model(), DATA, epochs=1, lr=0.1, batch_size=6, progress=False)


def test_loss_totals_are_kept_in_float64():
    # 2 * 2**25 + 2 * 1 needs 27 bits: a float32 total would drop the 2 (its spacing there is 8)
    history = run(scripted(2.0 ** 25, 1.0), epochs=1, divergence_factor=None)
    assert history.train_loss == [2.0 ** 24 + 0.5]


def test_a_divergence_at_the_second_batch_of_one_divides_by_one_example():
    # epoch 2 visits example 0 first (label 0, which the zero model gets right), then diverges
    assert run(scripted(1.0, 1.0, 1.0, 1.0, 1.0, math.nan), epochs=2, batch_size=1).train_accuracy == [0.5, 1.0]


def test_weight_decay_and_the_parameters_given_are_what_the_optimizer_updates():
    model = torch.nn.Linear(4, 2)
    torch.nn.init.ones_(model.weight)
    torch.nn.init.ones_(model.bias)
    # a loss without gradient: one SGD step of lr 0.5 and weight decay 0.1 scales the weights by 0.95
    fit(model, DATA, epochs=1, lr=0.5, optimizer="sgd", batch_size=4, weight_decay=0.1, progress=False,
        loss_fn=scripted(1.0), parameters=[model.weight])
    assert torch.equal(model.weight.detach(), torch.full((2, 4), 0.95))
    assert torch.equal(model.bias.detach(), torch.ones(2))  # not given to the optimizer
    assert make_optimizer("sgd", [torch.nn.Parameter(torch.ones(1))], 0.1).param_groups[0]["weight_decay"] == 0.0


def test_callbacks_see_the_optimizer_and_defaults_are_seed_0_batches_of_32_a_bar_and_no_chart(
        monkeypatch, capsys):
    seen, charts = [], []
    monkeypatch.setattr("cnncourse.training.loop.LivePlot", lambda: charts.append(1))

    class Recorder:
        def on_epoch_end(self, state):
            seen.append(state.optimizer.param_groups[0]["lr"])

    data = TensorDataset(torch.eye(40), torch.arange(40) % 2)
    model = ModeSpy.sized(40)
    default = fit(model, data, epochs=2, lr=0.25, optimizer="sgd", callbacks=[Recorder()])
    assert seen == [0.25, 0.25] and charts == []
    assert model.sizes == [32, 8, 32, 8]
    assert "training" in capsys.readouterr().err  # the progress bar
    assert default == fit(ModeSpy.sized(40), data, epochs=2, lr=0.25, optimizer="sgd", seed=0, progress=False)
    assert default != fit(ModeSpy.sized(40), data, epochs=2, lr=0.25, optimizer="sgd", seed=1, progress=False)


def test_an_explicit_device_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("CNNCOURSE_DEVICE", "tpu-please")  # not a device: consulting it would raise
    assert fit(zero_model(), DATA, epochs=1, lr=0.1, device="cpu", progress=False).epochs == 1
    with pytest.raises(TypeError, match="optimizer must be a name or a function .parameters, lr. -> optimizer, got int"):
        make_optimizer(3, [], 0.1)


def test_the_progress_bar_counts_epochs_under_the_name_training_and_only_when_asked(capsys):
    history = fit(zero_model(), DATA, DATA, epochs=2, lr=0.1, batch_size=4, progress=True)
    err = capsys.readouterr().err
    last = (f"loss={history.train_loss[-1]:.3f}, acc={history.train_accuracy[-1]:.3f}, "
            f"val_acc={history.val_accuracy[-1]:.3f}]")
    assert re.search(r"(^|\r)training: 100%.* 2/2 \[[^]]*\d(epoch/s|s/epoch), " + re.escape(last), err)
    fit(zero_model(), DATA, epochs=2, lr=0.1, batch_size=4, progress=False)
    assert capsys.readouterr().err == ""


def test_live_plot_adds_a_live_chart_callback(monkeypatch):
    charts = []

    class Chart:
        def __init__(self):
            charts.append(self)
            self.epochs = []

        def on_epoch_end(self, state):
            self.epochs.append(state.epoch)

    monkeypatch.setattr("cnncourse.training.loop.LivePlot", Chart)
    fit(zero_model(), DATA, epochs=2, lr=0.1, progress=False, live_plot=True)
    assert len(charts) == 1 and charts[0].epochs == [1, 2]
