"""The training explorer: train_run is pure and seeded; the widget trains on a click and explains
divergence and failure in words."""

import pytest
import torch

from cnncourse.widgets import TrainingExplorer, describe_run, train_run


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """One torch thread: quicker than two on a busy 2-core CPU."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def explorer():
    return TrainingExplorer(epochs=3)


def test_train_run_is_seeded_and_learns():
    first = train_run(lr=0.003, optimizer="adam", batch_size=32, epochs=3, seed=0)
    assert first == train_run(lr=0.003, optimizer="adam", batch_size=32, epochs=3, seed=0)
    assert first.train_loss[-1] < first.train_loss[0] and first.val_accuracy[-1] > 0.5
    assert "Validation accuracy" in describe_run(first, 0.003)


def test_a_click_trains_and_draws_the_curves(explorer):
    assert explorer.history is None and "Press" in explorer.notes.value
    explorer.train.click()
    assert explorer.history.epochs == 3 and not explorer.train.disabled
    assert explorer.chart.value.count("<svg") >= 2 and "Validation accuracy" in explorer.notes.value


def test_learning_rate_10_diverges_and_is_explained(explorer):
    explorer.optimizer.value, explorer.lr.value = "adam", 10.0
    explorer.train.click()
    assert explorer.history.diverged and explorer.history.epochs == 1
    assert "diverged at learning rate 10" in explorer.notes.value and "too large" in explorer.notes.value


def test_momentum_at_learning_rate_10_fails_with_an_explanation(explorer):
    explorer.optimizer.value, explorer.lr.value = "momentum", 10.0
    explorer.train.click()
    assert explorer.history.diverged or explorer.history.last("val_accuracy") < 0.2
    assert "diverged" in explorer.notes.value or "chance" in explorer.notes.value


def test_a_dead_network_is_explained(explorer):
    explorer.optimizer.value, explorer.lr.value = "sgd", 10.0
    explorer.train.click()
    assert not explorer.history.diverged
    assert "chance" in explorer.notes.value


def test_controls_cover_the_settings(explorer):
    assert explorer.lr.min == -4 and explorer.lr.max == 1  # 1e-4 to 10, log scale
    assert set(explorer.optimizer.options) == {"sgd", "momentum", "adam"}
    assert 32 in explorer.batch_size.options and explorer.epochs.max >= 10
