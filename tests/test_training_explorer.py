"""The training explorer: train_run is pure and seeded; every offered run is trained up front and
the first k epochs of a carried run are exactly a k-epoch run; *train* shows the chosen run and
explains divergence and failure in words."""

import pytest
import torch

from cnncourse.widgets import TrainingExplorer, describe_run, train_run
from cnncourse.widgets.training_explorer import carried_history, replay


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """One torch thread: quicker than two on a busy 2-core CPU."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def explorer():
    return TrainingExplorer(lr=0.003, epochs=3, lrs=(0.003, 10.0), batch_sizes=(32,), max_epochs=3, device="cpu")


def test_train_run_is_seeded_and_learns():
    first = train_run(lr=0.003, optimizer="adam", batch_size=32, epochs=3, seed=0, device="cpu")
    assert first == train_run(lr=0.003, optimizer="adam", batch_size=32, epochs=3, seed=0, device="cpu")
    assert first.train_loss[-1] < first.train_loss[0] and first.val_accuracy[-1] > 0.5
    assert "Validation accuracy" in describe_run(first, 0.003)


def test_train_shows_the_run_a_fresh_training_records(explorer):
    explorer.optimizer, explorer.lr, explorer.epochs = "adam", 0.003, 3
    assert explorer.history is None and "Press" in explorer.notes
    explorer.run()
    assert explorer.shown == 3 and explorer.history == train_run(0.003, "adam", 32, 3, device="cpu")
    assert "Validation accuracy" in explorer.notes
    explorer.epochs = 2  # a change of setting clears the curves until the next *train*
    assert explorer.shown == 0 and explorer.history is None
    explorer.run()
    assert explorer.history == train_run(0.003, "adam", 32, 2, device="cpu")  # a 3-epoch run's first 2


def test_replay_cuts_a_history_and_keeps_how_it_stopped(explorer):
    explorer.optimizer, explorer.lr = "adam", 10.0
    diverged = explorer.full_run()
    assert diverged.diverged and diverged.epochs == 1
    assert replay(diverged, 3) == diverged and replay(diverged, 0).stop_reason is None
    assert carried_history(explorer.runs["adam 32 1"], 10.0) == diverged
    with pytest.raises(ValueError, match="epochs must be >= 0"):
        replay(diverged, -1)


def test_learning_rate_10_diverges_and_is_explained(explorer):
    explorer.optimizer, explorer.lr = "adam", 10.0
    explorer.run()
    assert explorer.history.diverged and explorer.history.epochs == 1
    assert "diverged at learning rate 10" in explorer.notes and "too large" in explorer.notes


def test_momentum_at_learning_rate_10_fails_with_an_explanation(explorer):
    explorer.optimizer, explorer.lr = "momentum", 10.0
    explorer.run()
    assert explorer.history.diverged or explorer.history.last("val_accuracy") < 0.2
    assert "diverged" in explorer.notes or "chance" in explorer.notes


def test_a_dead_network_is_explained(explorer):
    explorer.optimizer, explorer.lr = "sgd", 10.0
    explorer.run()
    assert not explorer.history.diverged
    assert "chance" in explorer.notes


def test_controls_offer_only_trained_settings(explorer):
    assert explorer.optimizers == ["sgd", "momentum", "adam"] and len(explorer.runs) == 3 * 2
    for trait, value, words in [("lr", 0.1, "lr must be one of the trained values"),
                                ("batch_size", 64, "batch_size must be one of"), ("optimizer", "rmsprop", "optimizer"),
                                ("epochs", 4, "epochs must be at most max_epochs=3"), ("epochs", 0, "epochs must be >= 1")]:
        with pytest.raises(ValueError, match=words):
            setattr(explorer, trait, value)
