"""Chapter 6's experiments: a small CNN over-fits a small slice of the 8x8 digits, and each
regularizer (L2, dropout, batch normalization, augmentation, early stopping) is measured on it.

Every run trains :func:`small_cnn` with :func:`cnncourse.training.fit` (Adam, learning rate
1e-2, mini-batches of 32, 30 epochs) on the first ``train_size`` training digits and validates
on the 450 test digits, so a run takes about half a second on one CPU core.
"""

from collections import OrderedDict

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ..data.augment import AugmentedDataset, RandomCrop
from ..data.handwritten_digits import digits
from ..training import fit
from ..validation import as_int

TRAIN_SIZE, EPOCHS, LR, BATCH_SIZE = 150, 30, 1e-2, 32

# The ablation: the same network and recipe, one change at a time, then all of them together.
ABLATION = OrderedDict([
    ("nothing", {}),
    ("L2 (weight decay 1e-3)", {"weight_decay": 1e-3}),
    ("dropout 0.3", {"dropout": 0.3}),
    ("batch norm", {"batch_norm": True}),
    ("augmentation", {"augment": True}),
    ("all", {"weight_decay": 1e-3, "dropout": 0.3, "batch_norm": True, "augment": True}),
])


def small_cnn(batch_norm=False, dropout=0.0, spatial_dropout=0.0, num_classes=10):
    """Two 3x3 convolutions (16 and 32 channels, padding 1), each followed by optional batch
    normalization, ReLU, optional spatial dropout and 2x2 max pooling (8x8 -> 4x4 -> 2x2), then
    dense 128 -> 64 -> 10
    with optional dropout before each dense layer. Input (N, 1, 8, 8); 13,706 parameters. With
    batch normalization the convolutions have no bias (batch norm subtracts each channel's mean, so
    a bias before it gets a zero gradient; its beta is the shift): 13,706 - 48 + 96 = 13,754."""
    def block(c_in, c_out, index):
        layers = [(f"conv{index}", nn.Conv2d(c_in, c_out, 3, padding=1, bias=not batch_norm))]
        if batch_norm:
            layers.append((f"bn{index}", nn.BatchNorm2d(c_out)))
        layers.append((f"relu{index}", nn.ReLU()))
        if spatial_dropout:
            layers.append((f"drop2d{index}", nn.Dropout2d(spatial_dropout)))
        layers.append((f"pool{index}", nn.MaxPool2d(2)))
        return layers

    head = [("flatten", nn.Flatten())]
    if dropout:
        head.append(("drop1", nn.Dropout(dropout)))
    head += [("dense1", nn.Linear(32 * 2 * 2, 64)), ("relu3", nn.ReLU())]
    if dropout:
        head.append(("drop2", nn.Dropout(dropout)))
    head.append(("dense2", nn.Linear(64, as_int(num_classes, "num_classes", minimum=2))))
    return nn.Sequential(OrderedDict(block(1, 16, 1) + block(16, 32, 2) + head))


def train_small_cnn(train_size=TRAIN_SIZE, weight_decay=0.0, dropout=0.0, batch_norm=False, augment=False,
                    seed=0, epochs=EPOCHS, lr=LR, optimizer="adam", callbacks=(), device=None):
    """Train a fresh :func:`small_cnn` (initialised from ``seed``) on the first ``train_size``
    training digits, validating on the test digits. weight_decay: the optimizer's (an L2 penalty
    of ``weight_decay / 2 * sum(w ** 2)``); augment: a random crop with 1 pixel of padding, new
    every epoch; optimizer: as :func:`cnncourse.training.fit` takes it. Returns ``(model, history)``."""
    train_size = as_int(train_size, "train_size", minimum=10)
    train_data = digits("train", size=8, limit=train_size)
    if augment:
        train_data = AugmentedDataset(train_data, RandomCrop(padding=1), seed=seed)
    torch.manual_seed(seed)
    # channels-last weights: max pooling runs several times faster on a CPU (equal up to rounding)
    model = small_cnn(batch_norm=batch_norm, dropout=dropout).to(memory_format=torch.channels_last)
    history = fit(model, train_data, digits("test", size=8), epochs=epochs, lr=lr, optimizer=optimizer,
                  batch_size=BATCH_SIZE, weight_decay=weight_decay, seed=seed, callbacks=callbacks,
                  device=device, progress=False)
    return model, history


def generalization_gap(history):
    """Training accuracy minus validation accuracy at the last epoch."""
    return history.train_accuracy[-1] - history.val_accuracy[-1]


def ablation(settings=ABLATION, seeds=(0, 1, 2), epochs=EPOCHS, progress=True, device=None):
    """Final validation accuracy of every setting (name -> keyword arguments of
    :func:`train_small_cnn`) for every seed: ``{name: array of len(seeds)}``."""
    runs = [(name, seed) for name in settings for seed in seeds]
    results = {name: [] for name in settings}
    for name, seed in tqdm(runs, desc="ablation", unit="run", disable=not progress):
        _, history = train_small_cnn(seed=seed, epochs=epochs, device=device, **settings[name])
        results[name].append(history.val_accuracy[-1])
    return {name: np.array(values) for name, values in results.items()}


def ablation_table(results):
    """The ablation's results as text: mean, standard deviation, min and max per setting."""
    lines = [f"{'setting':24s} {'mean':>7s} {'std':>6s} {'min':>7s} {'max':>7s}"]
    for name, values in results.items():
        lines.append(f"{name:24s} {values.mean():7.1%} {values.std():6.1%} {values.min():7.1%} {values.max():7.1%}")
    return "\n".join(lines)


def overfitting_grid(sizes, weight_decays, dropouts, seed=0, epochs=EPOCHS, progress=True, device=None):
    """Train one run per combination: ``{(size, weight_decay, dropout): History}``."""
    combos = [(n, wd, p) for n in sizes for wd in weight_decays for p in dropouts]
    return {combo: train_small_cnn(train_size=combo[0], weight_decay=combo[1], dropout=combo[2], seed=seed,
                                   epochs=epochs, device=device)[1]
            for combo in tqdm(combos, desc="over-fitting grid", unit="run", disable=not progress)}


def weight_values(model):
    """Every weight (not bias, not batch-norm parameter) of the convolution and dense layers, flat."""
    return torch.cat([m.weight.detach().flatten().cpu() for m in model.modules()
                      if isinstance(m, (nn.Conv2d, nn.Linear))]).numpy()
