"""fit's semantics against hand computation: when early stopping stops, the order the sampler's
seed gives each epoch, and what one epoch of SGD does to a model (issue 17's surviving mutants)."""

import math

import pytest
import torch
from torch.utils.data import Dataset, TensorDataset

from cnncourse.training import EarlyStopping, fit
from cnncourse.training.history import History, TrainingState


def stop_epoch(values, **settings):
    """The epoch after which EarlyStopping (fed ``values`` as val_loss, epoch by epoch) stops, or None."""
    stopper = EarlyStopping(**settings)
    state = TrainingState(torch.nn.Linear(1, 1), None, History())
    for epoch, value in enumerate(values, start=1):
        state.epoch = epoch
        state.history.val_loss.append(value)
        stopper.on_epoch_end(state)
        if state.stop:
            return epoch
    return None


# best at epoch 3; later epochs never beat it
LOSSES = [1.0, 0.8, 0.5, 0.6, 0.55, 0.7, 0.51, 0.9, 0.6, 0.52]


@pytest.mark.parametrize("patience", [1, 2, 3, 4, 5])
def test_training_stops_after_patience_epochs_without_improvement(patience):
    # epochs 4.. do not improve: the patience-th of them is the last one trained
    assert stop_epoch(LOSSES, patience=patience, restore_best=False) == 3 + patience


def test_an_improvement_starts_the_count_again():
    losses = [1.0, 1.1, 1.2, 0.9, 1.0, 1.0, 1.0]  # best at 1, then at 4
    assert stop_epoch(losses, patience=3, restore_best=False) == 7
    assert stop_epoch(losses, patience=2, restore_best=False) == 3


def test_an_improvement_smaller_than_min_delta_does_not_count():
    losses = [1.0, 0.95, 0.91, 0.85, 0.84]
    assert stop_epoch(losses, patience=2, min_delta=0.1, restore_best=False) == 3
    assert stop_epoch(losses, patience=2, min_delta=0.01, restore_best=False) is None


def test_accuracy_is_better_when_higher():
    stopper = EarlyStopping(patience=1, monitor="val_accuracy", restore_best=False)
    state = TrainingState(torch.nn.Linear(1, 1), None, History())
    for epoch, value in enumerate([0.5, 0.6, 0.55], start=1):
        state.epoch = epoch
        state.history.val_accuracy.append(value)
        stopper.on_epoch_end(state)
        assert state.stop == (epoch == 3)
    assert (stopper.best, stopper.best_epoch) == (0.6, 2)


@pytest.mark.parametrize("patience", [1, 3])
def test_fit_trains_one_plus_patience_epochs_when_nothing_ever_improves(patience):
    """A learning rate of 0 keeps the model, so the validation loss never improves after epoch 1."""
    data = TensorDataset(torch.eye(2), torch.tensor([0, 1]))
    history = fit(torch.nn.Linear(2, 2), data, data, epochs=10, lr=1.0, progress=False,
                  optimizer=lambda params, lr: torch.optim.SGD(params, lr=0.0),
                  callbacks=[EarlyStopping(patience=patience)])
    assert history.epochs == 1 + patience
    assert "not improved for" in history.stop_reason


class Logged(Dataset):
    """n examples (index as a one-hot input, label 0) that log the order they are read in."""

    def __init__(self, n):
        self.n, self.read = n, []

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        self.read.append(index)
        return torch.nn.functional.one_hot(torch.tensor(index), self.n).float(), 0


def visit_order(seed, epochs=2, n=10):
    data = Logged(n)
    fit(torch.nn.Linear(n, 2), data, epochs=epochs, lr=0.1, batch_size=3, seed=seed, progress=False)
    return [data.read[e * n:(e + 1) * n] for e in range(epochs)]


def test_each_epoch_visits_the_permutation_seeded_by_seed_plus_epoch():
    for seed in (0, 5):
        expected = [torch.randperm(10, generator=torch.Generator().manual_seed(seed + epoch)).tolist()
                    for epoch in (1, 2)]
        assert visit_order(seed) == expected


def test_the_seed_changes_the_order():
    first, second = visit_order(0), visit_order(1)
    assert all(sorted(epoch) == list(range(10)) for epoch in first + second)
    assert first[0] != second[0] and first[1] != second[1] and first[0] != first[1]


def test_one_epoch_of_full_batch_sgd_matches_the_hand_computation():
    """Linear(2, 2) from zero weights on (e1, class 0), (e2, class 1): the softmax is (1/2, 1/2), the loss
    ln 2, and the mean gradient of the weights [[-1/4, 1/4], [1/4, -1/4]]; after a step of lr 1 the
    scores are (1/4, -1/4) for e1, so the loss is ln(1 + e^-1/2) and both are right."""
    data = TensorDataset(torch.eye(2), torch.tensor([0, 1]))
    model = torch.nn.Linear(2, 2, bias=False)
    torch.nn.init.zeros_(model.weight)
    history = fit(model, data, data, epochs=2, lr=1.0, optimizer="sgd", batch_size=2, progress=False)
    after_one = math.log1p(math.exp(-0.5))
    assert history.train_loss[0] == pytest.approx(math.log(2), rel=1e-6)
    assert history.train_accuracy[0] == 0.5  # equal scores: argmax takes class 0, right for e1 only
    assert history.val_loss[0] == pytest.approx(after_one, rel=1e-6)
    assert history.val_accuracy == [1.0, 1.0]
    assert history.train_loss[1] == pytest.approx(after_one, rel=1e-6)
    assert history.lr == [1.0, 1.0]
    # the second step: the gradient is (sigma(1/2) - 1) / 2 * [[1, -1], [-1, 1]] (mean over two examples)
    step = 0.25 + (1 - 1 / (1 + math.exp(-0.5))) / 2
    torch.testing.assert_close(model.weight.detach(), torch.tensor([[step, -step], [-step, step]]),
                               rtol=1e-6, atol=1e-7)
