"""Live trainer: a small CNN learns the 8x8 digits in the page, in front of the reader.

The training runs in the browser, in a Web Worker (``js/functional.js``, ``js/optim.js``,
``js/tiny_cnn.js``, ``js/trainer.js``: the JavaScript twins of :mod:`cnncourse.functional`,
:mod:`cnncourse.optim` and :class:`cnncourse.demos.numpy_cnn.TinyCNN`; ``js/trainer_worker.js``;
the view ``js/live_trainer.js``), so it works in the static book and in JupyterLab alike, with
no kernel. This module is the Python side: the choices offered and their
checks, the digits carried in the widget state (uint8), a description of each network, and
:func:`torch_network`, the same network in PyTorch for the parity tests and the benchmark.

Networks (3x3 convolutions, ReLU, 2x2 max pooling, one linear layer to the 10 classes):
one convolution without padding, (1, 8, 8) -> (F, 6, 6) -> (F, 3, 3) -> 9F -> 10, as
``TinyCNN``; or two with padding 1, (1, 8, 8) -> (F1, 8, 8) -> (F1, 4, 4) -> (F2, 4, 4) ->
(F2, 2, 2) -> 4 F2 -> 10.
"""

import anywidget
import numpy as np
import torch
import traitlets

from ..data.handwritten_digits import NUM_CLASSES, digit_arrays
from ..validation import as_int
from .live import esm, one_of, pack

ARCHITECTURES = {"conv8": (8,), "conv4": (4,), "conv16": (16,), "conv4-conv8": (4, 8), "conv8-conv16": (8, 16)}
OPTIMIZER_NAMES = ("adam", "momentum", "sgd")
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (8, 16, 32, 64, 128)
HELD_OUT = 300      # of scikit-learn's 1,797 digits; the other 1,497 train
MAX_EPOCHS = 50
MAX_SEED = 2 ** 32 - 1
SIDE, KERNEL = 8, 3


def layer_shapes(architecture):
    """The shape of one example after each stage: [(stage, shape)], input first, scores last."""
    filters = _filters(architecture)
    padding = 0 if len(filters) == 1 else 1
    shapes, side, channels = [("input", (1, SIDE, SIDE))], SIDE, 1
    for i, count in enumerate(filters, 1):
        side = side + 2 * padding - KERNEL + 1
        shapes.append((f"conv{i} 3x3, padding {padding}, ReLU", (count, side, side)))
        side //= 2
        shapes.append(("max pool 2x2", (count, side, side)))
        channels = count
    shapes.append(("flatten", (channels * side * side,)))
    shapes.append(("linear", (NUM_CLASSES,)))
    return shapes


def parameter_count(architecture):
    """Weights and biases of the network: (9 C_in + 1) per filter, (features + 1) per class."""
    filters = _filters(architecture)
    channels, total = 1, 0
    for count in filters:
        total += count * (KERNEL * KERNEL * channels + 1)
        channels = count
    features = layer_shapes(architecture)[-2][1][0]
    return total + NUM_CLASSES * (features + 1)


def describe_architecture(architecture):
    """One line: the shapes from input to scores, and the number of parameters."""
    shapes = " -> ".join("x".join(map(str, shape)) for _, shape in layer_shapes(architecture))
    padding = "no padding" if len(_filters(architecture)) == 1 else "padding 1"
    return f"3x3 convolutions ({padding}), ReLU, 2x2 max pooling, a linear layer: {shapes}; " \
           f"{parameter_count(architecture):,} parameters."


def torch_network(architecture):
    """The same network in PyTorch (float32; ``.double()`` it for float64), freshly initialised."""
    filters = _filters(architecture)
    padding = 0 if len(filters) == 1 else 1
    layers, channels = [], 1
    for count in filters:
        layers += [torch.nn.Conv2d(channels, count, KERNEL, padding=padding), torch.nn.ReLU(), torch.nn.MaxPool2d(2)]
        channels = count
    features = layer_shapes(architecture)[-2][1][0]
    return torch.nn.Sequential(*layers, torch.nn.Flatten(), torch.nn.Linear(features, NUM_CLASSES))


def trainer_digits(held_out=HELD_OUT):
    """scikit-learn's digits split once (stratified, seeded) into training and held-out sets:
    ``{"train": (images, labels), "held_out": (images, labels)}``, images (N, 8, 8) uint8 in
    0..16 (the raw values; the network sees them divided by 16), labels (N,) uint8."""
    held_out = as_int(held_out, "held_out", minimum=10)
    total = 1797
    if held_out > total - 100:
        raise ValueError(f"held_out must leave at least 100 digits to train on, got {held_out}")
    fraction = (held_out - 0.5) / total   # scikit-learn rounds the held-out count up
    split = {}
    for name, part in (("train", "train"), ("held_out", "test")):
        images, labels = digit_arrays(part, test_fraction=fraction)
        split[name] = (np.round(images[:, 0] * 16).astype(np.uint8), labels.astype(np.uint8))
    return split


def _filters(architecture):
    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {', '.join(ARCHITECTURES)}, got {architecture!r}")
    return ARCHITECTURES[architecture]


def _whole_number(name, low, high):
    """A traitlets validator: an int from ``low`` to ``high``, or an error naming ``name``."""
    def check(widget, proposal):
        value = as_int(proposal["value"], name, minimum=low)
        if value > high:
            raise ValueError(f"{name} must be at most {high}, got {value}")
        return value
    return traitlets.validate(name)(check)


def _packed(images, labels):
    return {"images": pack(images, "uint8"), "labels": pack(labels, "uint8")}


class LiveTrainer(anywidget.AnyWidget):
    """Controls ``architecture`` (a key of :data:`ARCHITECTURES`), ``optimizer``, ``lr``,
    ``batch_size`` (each one of the values offered), ``seed`` (0 to 2**32 - 1) and ``epochs``;
    Train, Pause, Step and Reset act in the browser. ``result`` is what the browser reports when
    a run ends: its status, step count and curves (empty until then)."""

    _esm = esm("live_trainer", "ui", "functional", "optim", "tiny_cnn", "trainer", "trainer_worker")
    architectures = traitlets.Dict().tag(sync=True)
    optimizers = traitlets.List().tag(sync=True)
    lrs = traitlets.List().tag(sync=True)
    batch_sizes = traitlets.List().tag(sync=True)
    train = traitlets.Dict().tag(sync=True)
    held_out = traitlets.Dict().tag(sync=True)
    architecture = traitlets.Unicode("conv8").tag(sync=True)
    optimizer = traitlets.Unicode("adam").tag(sync=True)
    lr = traitlets.Float(0.01).tag(sync=True)
    batch_size = traitlets.Int(32).tag(sync=True)
    seed = traitlets.Int(0).tag(sync=True)
    epochs = traitlets.Int(10).tag(sync=True)
    result = traitlets.Dict().tag(sync=True)

    _check_architecture = one_of("architecture", ARCHITECTURES)
    _check_optimizer = one_of("optimizer", OPTIMIZER_NAMES)
    _check_lr = one_of("lr", LEARNING_RATES)
    _check_batch_size = one_of("batch_size", BATCH_SIZES)
    _check_seed = _whole_number("seed", 0, MAX_SEED)
    _check_epochs = _whole_number("epochs", 1, MAX_EPOCHS)

    def __init__(self, architecture="conv8", optimizer="adam", lr=0.01, batch_size=32, seed=0, epochs=10):
        seed, epochs = as_int(seed, "seed"), as_int(epochs, "epochs")
        if not isinstance(lr, (int, float)) or isinstance(lr, bool):
            raise TypeError(f"lr must be a number, got {type(lr).__name__} {lr!r}")
        batch_size = as_int(batch_size, "batch_size")
        digits = trainer_digits()
        super().__init__(
            architectures={key: {"filters": list(filters), "label": _label(key), "text": describe_architecture(key),
                                 "parameters": parameter_count(key)} for key, filters in ARCHITECTURES.items()},
            optimizers=list(OPTIMIZER_NAMES), lrs=list(LEARNING_RATES), batch_sizes=list(BATCH_SIZES),
            train=_packed(*digits["train"]), held_out=_packed(*digits["held_out"]),
            architecture=architecture, optimizer=optimizer, lr=float(lr), batch_size=batch_size, seed=seed,
            epochs=epochs)

def _label(architecture):
    filters = ARCHITECTURES[architecture]
    convs = "1 conv" if len(filters) == 1 else f"{len(filters)} convs"
    return f"{convs}, {' + '.join(map(str, filters))} filters ({parameter_count(architecture):,} parameters)"
