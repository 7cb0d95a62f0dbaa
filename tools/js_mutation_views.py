"""Cases for the replaying explorers' pure functions, answered by their Python references: the
training explorer's replay and verdict, the autoencoder explorer's keys, errors and captions, and
the saliency explorer's caption (explore_saliency's f-string, as the browser test checks it)."""

from cnncourse.widgets.autoencoder_explorer import autoencoder_caption, image_error
from cnncourse.widgets.training_explorer import carried_history, describe_run, replay

from .js_mutation_widgets import number


def carried(train_loss, val_accuracy, stop_reason=None, diverged=False):
    """A run as the training explorer carries it (nan as None)."""
    epochs = len(train_loss)
    return {"train_loss": train_loss, "train_accuracy": [0.5] * epochs, "val_loss": [1.5] * epochs,
            "val_accuracy": val_accuracy, "diverged": diverged, "stop_reason": stop_reason}


def encoded(history):
    """A replayed History as the JavaScript object (nan as {"number": "NaN"})."""
    return {**{name: [number(v) for v in getattr(history, name)]
               for name in ("train_loss", "train_accuracy", "val_loss", "val_accuracy")},
            "diverged": history.diverged, "stop_reason": history.stop_reason}


def training_fixtures():
    runs = [(carried([2.1, 1.2, 0.456789], [0.31, 0.62, 0.875]), 0.01),
            (carried([2.3, 2.31], [0.11, 0.2]), 3.14159265),   # 0.2: not below chance (2 x 10%); lr: 9 digits
            (carried([2.3, 2.302], [0.1, 0.19999]), 1e-4),
            (carried([2.2, None], [0.2, None], "epoch 2: the loss became nan: the weights overflowed.", True), 12.3456789),
            (carried([], []), 0.1)]
    replays, verdicts = [], []
    for run, lr in runs:
        full = carried_history(run, lr)
        for epochs in range(len(run["train_loss"]) + 2):
            expected = replay(full, epochs)
            replays.append({"args": [run, epochs], "expected": encoded(expected)})
            verdicts.append({"args": [encoded(expected), lr], "expected": describe_run(expected, lr)})
    parts = ["_live", "ui", "training_explorer"]
    return [{"parts": parts, "function": "replay", "atol": 0, "cases": replays},
            {"parts": parts, "function": "describeRun", "atol": 0, "cases": verdicts}]


def autoencoder_fixtures(rng):
    noises = (0.0, 0.1, 0.25, 0.75, 0.1234567)
    keys = [{"args": [4, noise, "plain"], "expected": f"4|{noise:g}|plain"} for noise in noises]
    captions = [{"args": [name, 4, noise, error], "expected": autoencoder_caption(name, 4, noise, error)}
                for noise in noises for name, error in (("clean", 0.0), ("input", 0.0805), ("plain", 0.01249))]
    pairs = [rng.integers(0, 256, size=(2, 64)).tolist() for _ in range(3)]
    errors = [{"args": pair, "expected": image_error(*pair)} for pair in pairs]
    parts = ["_live", "ui", "autoencoder_explorer"]
    return [{"parts": parts, "function": "autoencoderKey", "atol": 0, "cases": keys},
            {"parts": parts, "function": "autoencoderCaption", "atol": 0, "cases": captions},
            {"parts": parts, "function": "imageError", "atol": 0, "rtol": 1e-15, "cases": errors}]


def saliency_fixtures():
    cases = [{"args": [method, "tabby", p, "pair"],
              "expected": f"{method.replace('_', '-')} map of 'tabby' (probability {p:.1%}) on pair"}
             for method in ("grad_cam", "vanilla_gradient") for p in (0.12345, 0.00049, 0.99951, 0.5)]
    return [{"parts": ["_live", "ui", "saliency_explorer"], "function": "saliencyCaption", "atol": 0, "cases": cases}]


def view_fixtures(rng):
    return [*training_fixtures(), *autoencoder_fixtures(rng), *saliency_fixtures()]

