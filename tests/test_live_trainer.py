"""The live trainer: its Python side (the choices and their checks, the digits it carries, the
networks it describes, checked against torch) and its JavaScript training run in headless
Chromium (seeded initialisation at He scale, reproducible curves, divergence stopped and
explained, the confusion matrix)."""

import numpy as np
import pytest
import torch

from browser import js_call
from cnncourse.data.handwritten_digits import digit_arrays
from cnncourse.widgets import LiveTrainer
from cnncourse.widgets.live import unpack
from cnncourse.widgets.live_trainer import (ARCHITECTURES, describe_architecture, layer_shapes, parameter_count,
                                            torch_network, trainer_digits)

# Runs a Trainer from the widget's state for `steps` mini-batch steps (or to its end): what it recorded.
GLUE = """
export function run(state, settings, steps) {
  const trainer = new Trainer(digits_from(state.train), digits_from(state.held_out), settings);
  for (let i = 0; i < steps && !["done", "diverged"].includes(trainer.status); i++) trainer.step();
  const shot = snapshot(trainer);  // what the worker posts to the view
  return {history: shot.history, status: shot.status, steps: shot.steps, notes: describe(shot),
          predicted: shot.predicted, confusion: shot.predicted && confusion_matrix(shot.predicted, trainer.held_out.labels)};
}
// The view's conversation with the worker (here its in-page twin): data, reset, train; the last snapshot.
export function session(state, settings) {
  return new Promise((resolve) => {
    const worker = in_page_worker(({data}) => { if (data.status === "done" || data.status === "diverged") resolve(data); });
    worker.postMessage({type: "data", train: digits_from(state.train), held_out: digits_from(state.held_out)});
    worker.postMessage({type: "reset", run: 1, settings});
    worker.postMessage({type: "train"});
  });
}
export function initial_weights(filters, seed) { return new TinyCNN(filters, seed).params; }
export function shuffled(n, seed) { return permutation(n, generator(seed).random); }
"""
DEFAULT = {"filters": [8], "lr": 0.01, "batch_size": 32, "optimizer": "adam", "seed": 0, "epochs": 10}


@pytest.fixture(scope="module")
def widget():
    return LiveTrainer()


def test_the_digits_are_scikit_learns_split_1497_and_300(widget):
    digits = trainer_digits()
    for name, split in (("train", "train"), ("held_out", "test")):
        images, labels = digits[name]
        expected_images, expected_labels = digit_arrays(split, test_fraction=299.5 / 1797)
        assert images.dtype == np.uint8 and images.max() == 16
        np.testing.assert_array_equal(images / 16.0, expected_images[:, 0])
        np.testing.assert_array_equal(labels, expected_labels)
        np.testing.assert_array_equal(unpack(getattr(widget, name)["images"]), images)  # what the page gets
    assert len(digits["train"][1]) == 1497 and len(digits["held_out"][1]) == 300


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_each_network_is_described_as_torch_builds_it(architecture):
    net = torch_network(architecture)
    assert parameter_count(architecture) == sum(p.numel() for p in net.parameters())
    x = torch.zeros(1, 1, 8, 8)
    shapes = [tuple(x.shape[1:])]
    for layer in net:
        x = layer(x)
        if isinstance(layer, (torch.nn.MaxPool2d, torch.nn.Flatten, torch.nn.Linear)):
            shapes.append(tuple(x.shape[1:]))
    described = [shape for stage, shape in layer_shapes(architecture) if not stage.startswith("conv")]
    assert described == shapes
    assert f"{parameter_count(architecture):,} parameters" in describe_architecture(architecture)
    assert parameter_count("conv8") == 810  # 8 (9 + 1) + 10 (72 + 1), the NumPy CNN of chapter 5


def test_bad_settings_are_refused_by_name(widget):
    for trait, value, error, words in [("architecture", "conv32", ValueError, "architecture must be one of"),
                                       ("optimizer", "rmsprop", ValueError, "optimizer must be one of"),
                                       ("lr", 0.02, ValueError, "lr must be one of"),
                                       ("batch_size", 33, ValueError, "batch_size must be one of"),
                                       ("seed", -1, ValueError, "seed must be >= 0"),
                                       ("seed", 2 ** 32, ValueError, "seed must be at most"),
                                       ("epochs", 0, ValueError, "epochs must be >= 1"),
                                       ("epochs", 51, ValueError, "epochs must be at most 50")]:
        with pytest.raises(error, match=words):
            setattr(widget, trait, value)
    for kwargs, error, words in [({"seed": 1.5}, TypeError, "seed must be an int"),
                                 ({"lr": "0.01"}, TypeError, "lr must be a number"),
                                 ({"batch_size": "32"}, TypeError, "batch_size must be an int"),
                                 ({"epochs": None}, TypeError, "epochs must be an int"),
                                 ({"architecture": "vgg"}, ValueError, "architecture must be one of")]:
        with pytest.raises(error, match=words):
            LiveTrainer(**kwargs)
    with pytest.raises(ValueError, match="held_out must leave"):
        trainer_digits(held_out=1750)


def test_initialisation_is_seeded_at_he_scale(browser, widget):
    first, again, other = (js_call(browser, widget._esm + GLUE, "initial_weights", [8, 16], seed) for seed in (0, 0, 1))
    assert first == again and first["conv2_weight"]["data"] != other["conv2_weight"]["data"]
    conv2 = np.array(first["conv2_weight"]["data"])             # 16 x 8 x 3 x 3 = 1,152 normal values
    assert first["conv2_weight"]["shape"] == [16, 8, 3, 3]
    # sample standard deviation within 5 standard errors (1 / sqrt(2n) relative) of sqrt(2 / fan_in)
    assert conv2.std() == pytest.approx(np.sqrt(2 / 72), rel=5 / np.sqrt(2 * conv2.size))
    assert abs(conv2.mean()) < 5 * np.sqrt(2 / 72) / np.sqrt(conv2.size)
    linear = np.array(first["linear_weight"]["data"])          # 10 x 64, std 0.1 / sqrt(64)
    assert linear.std() == pytest.approx(0.1 / 8, rel=5 / np.sqrt(2 * linear.size))
    assert not any(first["conv1_bias"]["data"])
    order = js_call(browser, widget._esm + GLUE, "shuffled", 1497, 3)
    assert sorted(order) == list(range(1497)) and order != sorted(order)


def test_same_seed_same_curve_other_seed_other_curve(browser, widget):
    state = widget.get_state()
    first, again, other = (js_call(browser, widget._esm + GLUE, "run", state, {**DEFAULT, "seed": seed}, 60)
                           for seed in (0, 0, 1))
    assert len(first["history"]["val_loss"]) == 5  # a point every quarter epoch of 47 steps
    assert first["history"] == again["history"]
    assert first["history"]["val_loss"] != other["history"]["val_loss"]
    assert first["history"]["train_loss"][-1] < first["history"]["train_loss"][0] / 2


def test_a_too_large_learning_rate_is_stopped_and_explained(browser, widget):
    got = js_call(browser, widget._esm + GLUE, "run", widget.get_state(), {**DEFAULT, "lr": 10.0}, 100)
    assert got["status"] == "diverged" and got["steps"] < 5
    assert got["notes"].startswith("The run diverged at learning rate 10.") and "more than 10 times" in got["notes"]
    assert "nan" not in got["notes"].lower() and all(np.isfinite(v) for v in sum(got["history"].values(), []))


def test_dead_units_are_explained_and_the_confusion_matrix_counts(browser, widget):
    dead = js_call(browser, widget._esm + GLUE, "run", widget.get_state(),
                   {**DEFAULT, "optimizer": "momentum", "lr": 3.0, "epochs": 1}, 100)
    assert dead["status"] == "done" and dead["history"]["val_accuracy"][-1] < 0.2
    assert "about chance" in dead["notes"]
    labels = trainer_digits()["held_out"][1]
    expected = np.zeros((10, 10), int)
    np.add.at(expected, (labels, dead["predicted"]), 1)
    assert dead["confusion"] == expected.tolist() and expected.sum() == 300


def test_the_workers_session_trains_what_a_trainer_trains(browser, widget):
    settings = {**DEFAULT, "epochs": 1}
    direct = js_call(browser, widget._esm + GLUE, "run", widget.get_state(), settings, 10 ** 6)
    posted = js_call(browser, widget._esm + GLUE, "session", widget.get_state(), settings)
    assert posted["status"] == direct["status"] == "done" and posted["run"] == 1
    assert posted["history"] == direct["history"] and posted["predicted"] == direct["predicted"]
    assert posted["filters"]["shape"] == [8, 1, 3, 3] and posted["steps"] == 47
