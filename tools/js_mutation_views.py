"""Cases for the replaying explorers' pure functions, answered by their Python references: the
training explorer's replay and verdict, the autoencoder explorer's keys, errors and captions, the
over-fitting explorer's sentence, the gradient flow explorer's lookup, and the saliency and
gradient flow explorers' sentences (their references' f-strings, as the browser tests check them),
and the transfer explorer's sentences and number formats."""

from types import SimpleNamespace

import numpy as np

from cnncourse.training.history import History
from cnncourse.widgets.autoencoder_explorer import autoencoder_caption, image_error
from cnncourse.widgets.overfitting_explorer import explore_overfitting, gap_sentence
from cnncourse.widgets.transfer_explorer import TEXTURES, StrategyRow, curve_point
from cnncourse.widgets.training_explorer import carried_history, describe_run, replay

from .js_mutation_engine import f64
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


def overfitting_fixtures():
    cases = []
    for val_loss in ([1.2, 0.9, 0.95, 1.1], [0.8, 0.7, 0.7, 0.75], [0.5]):   # the first of two lowest wins
        epochs = len(val_loss)
        run = {"train_loss": [1.0] * epochs, "train_accuracy": [0.5 + 0.1 * i for i in range(epochs)],
               "val_loss": val_loss, "val_accuracy": [0.45 + 0.0612 * i for i in range(epochs)]}
        result = explore_overfitting({(50, 0.0, 0.0): History(**run)}, 50, 0.0, 0.0)
        cases.append({"args": [run], "expected": gap_sentence(result)})
    return [{"parts": ["_live", "ui", "overfitting_explorer"], "function": "gapSentence", "atol": 0, "cases": cases}]


def gradient_flow_fixtures(rng):
    """flowNorms reads one (activation, scale, depth) run out of the concatenated log10 table; the
    answer here is looked up in a dict filled while concatenating, with no index arithmetic."""
    names, scales, depths = ["relu", "tanh", "sigmoid"], [0.5, 1.0], [2, 5, 3]
    table, runs = [], {}
    for name in names:
        for scale in scales:
            for depth in depths:
                runs[name, scale, depth] = rng.uniform(-6, 1, size=depth)
                table.extend(runs[name, scale, depth])
    picks = [("relu", 0.5, 2), ("tanh", 1.0, 5), ("sigmoid", 1.0, 3), ("sigmoid", 0.5, 5), ("relu", 1.0, 3)]
    norms = [{"args": [f64(table), names, scales, depths, *pick], "expected": (10.0 ** runs[pick]).tolist()}
             for pick in picks]
    notes = []
    for name, _, depth in picks:   # cnncourse.widgets.gradient_flow_explorer.flow_notes's sentence
        values = (10.0 ** runs[name, 1.0, depth]).tolist()
        notes.append({"args": [name, values, depth],
                      "expected": f"{name}: layer 1 gets {values[0] / values[depth - 1]:.1e} times the gradient "
                                  f"of layer {depth}"})
    parts = ["_live", "ui", "gradient_flow_explorer"]
    return [{"parts": parts, "function": "flowNorms", "atol": 0, "rtol": 1e-13, "cases": norms},
            {"parts": parts, "function": "flowNote", "atol": 0, "cases": notes}]


def transfer_fixtures(rng):
    """The learning curve's sentence (CurvePoint.sentence), a table row's (StrategyRow.sentence) and
    the number formats under them (f"{x:.1f}", f"{v:.1%}"), ties to even included."""
    classes, per_class = len(TEXTURES), [1, 5, 20]
    pretrained = rng.integers(40, 100, size=(3, 3)) / 100
    scratch = np.array([[0.3, 0.5, 0.6625], [0.35, 0.45, 0.9], [0.2, 0.55, 0.7]])
    scratch[:, 1] = pretrained[:, 1]           # no gain at 5 per class: "for" transfer
    curve = SimpleNamespace(per_class=per_class, pretrained=pretrained, scratch=scratch, test_size=160)
    carried = {"per_class": per_class, "pretrained": pretrained.tolist(), "scratch": scratch.tolist(), "test_size": 160}
    sentences = [{"args": [carried, k, classes], "expected": curve_point(curve, k).sentence()} for k in per_class]
    spreads = [{"args": [scratch.tolist(), i], "expected": [scratch[:, i].mean(), scratch[:, i].min(),
                                                            scratch[:, i].max()]} for i in range(3)]
    rows = []
    for name, accuracy, trainable, seconds, train_size in [("feature extraction", 0.80625, 5130, 12.25, 8),
                                                           ("fine-tuning", 0.9, 1234567, 3.05, 160),
                                                           ("from scratch", 0.5, 12, 0.05, 12)]:   # 12 / 8: 1 a class
        row = StrategyRow(name, accuracy, trainable, seconds, [], train_size, 160)
        rows.append({"args": [{"name": name, "accuracy": accuracy, "trainable": trainable, "seconds": seconds,
                               "train_size": train_size, "test_size": 160}, classes], "expected": row.sentence()})
    values = [66.25, 66.35, 0.05, 0.15, 2.5, 99.95, -0.25, 12.0, 1 / 3]
    parts = ["_live", "ui", "transfer_explorer"]
    return [{"parts": parts, "function": "sentence", "atol": 0, "cases": sentences},
            {"parts": parts, "function": "spread", "atol": 1e-15, "cases": spreads},
            {"parts": parts, "function": "rowSentence", "mutate": ["patches"], "atol": 0, "cases": rows},
            {"parts": parts, "function": "fixed1", "atol": 0,
             "cases": [{"args": [v], "expected": f"{v:.1f}"} for v in values]},
            {"parts": parts, "function": "percent", "atol": 0,
             "cases": [{"args": [v / 100], "expected": f"{v / 100:.1%}"} for v in values]}]


def view_fixtures(rng):
    return [*training_fixtures(), *autoencoder_fixtures(rng), *saliency_fixtures(), *overfitting_fixtures(),
            *gradient_flow_fixtures(rng), *transfer_fixtures(rng)]

