"""Training explorer, a player of recorded runs: pick a learning rate, an optimizer, a batch size and
a number of epochs, press *train*, and watch the loss and accuracy curves of a short run of the
lecture's 30,762-parameter network grow epoch by epoch. (:class:`.LiveTrainer` trains a smaller
network live in the page instead.)

:func:`train_run` is the pure part (settings in, a :class:`cnncourse.training.History` out) and
:func:`describe_run` puts its outcome into words. A run needs PyTorch, so :class:`TrainingExplorer`
trains one run for every setting it offers when it is created (:func:`train_runs`), carries them,
and its JavaScript (``js/training_explorer.js``) replays the chosen one epoch by epoch on *train*:
live in the static book with no kernel. Each run trains :func:`cnncourse.models.mnist_cnn` on a
small subset of the digits; its first k epochs are exactly a k-epoch run (:func:`replay`).
"""

import math
from itertools import product

import anywidget
import torch
import traitlets
from .progress import progress

from ..data import digits
from ..models import mnist_cnn
from ..training import OPTIMIZERS, fit
from ..training.history import History
from ..validation import as_int
from .live import esm

TRAIN_EXAMPLES, VALIDATION_EXAMPLES = 400, 200
CHANCE = 0.1
LEARNING_RATES = (1e-4, 1e-3, 1e-2, 0.1, 10.0)
BATCH_SIZES = (32, 128)
MAX_EPOCHS = 5
CURVES = ("train_loss", "train_accuracy", "val_loss", "val_accuracy")


def train_run(lr, optimizer, batch_size, epochs, seed=0, callbacks=(), device=None):
    """Train a fresh ``mnist_cnn`` (initialised from ``seed``) on 400 training digits for ``epochs``,
    validating on 200 test digits. Returns the History; a diverging run stops early with a reason."""
    torch.manual_seed(seed)
    model = mnist_cnn().to(memory_format=torch.channels_last)  # pools faster on a CPU; equal up to rounding
    return fit(model, digits("train", limit=TRAIN_EXAMPLES), digits("test", limit=VALIDATION_EXAMPLES),
               epochs=epochs, lr=lr, optimizer=optimizer, batch_size=batch_size, seed=seed,
               callbacks=callbacks, device=device, progress=False)


def replay(history, epochs):
    """The History of the first ``epochs`` epochs of ``history`` (all of it if it ran fewer): what a
    run of ``epochs`` epochs with the same settings and seed records."""
    epochs = as_int(epochs, "epochs", minimum=0)
    finished = history.epochs <= epochs
    return History(*(list(getattr(history, name)[:epochs]) for name in (*CURVES, "lr")),
                   stop_reason=history.stop_reason if finished else None, diverged=finished and history.diverged)


def describe_run(history, lr):
    """One or two sentences on what happened in a run: diverged, learned nothing, or learned."""
    if history.diverged:
        reason = history.stop_reason.split(": ", 1)[1]
        return (f"The run diverged at learning rate {lr:g}. {reason[0].upper()}{reason[1:]} "
                "In the curves: the loss jumps up instead of going down.")
    accuracy = history.last("val_accuracy")
    if accuracy is None:
        return "Press train to start a run."
    if accuracy < 2 * CHANCE:
        return (f"Validation accuracy {accuracy:.0%}: about chance (10% for 10 classes), so the network "
                f"learned nothing. With a large learning rate ({lr:g}) the first steps can push every "
                "ReLU to output 0 (they 'die' and pass no gradient); with a tiny one the weights barely move.")
    return (f"Validation accuracy {accuracy:.0%} after {history.epochs} epochs "
            f"(training loss {history.last('train_loss'):.3f}).")


def run_key(optimizer, batch_size, lr_index):
    """The key of a run in :attr:`TrainingExplorer.runs`."""
    return f"{optimizer} {batch_size} {lr_index}"


def train_runs(lrs=LEARNING_RATES, optimizers=tuple(OPTIMIZERS), batch_sizes=BATCH_SIZES, epochs=MAX_EPOCHS,
               seed=0, device=None):
    """:func:`train_run` for every setting: ``{run_key(optimizer, batch_size, lr index): History}``."""
    settings = list(product(optimizers, batch_sizes, enumerate(lrs)))
    return {run_key(o, b, i): train_run(lr, o, b, epochs, seed, device=device)
            for o, b, (i, lr) in progress(settings, "training runs", "run")}


def _carried(history):
    """A History as JSON-able lists (nan as None) plus how it stopped."""
    def plain(values):
        return [None if math.isnan(v) else v for v in values]
    return {**{name: plain(getattr(history, name)) for name in CURVES},
            "diverged": history.diverged, "stop_reason": history.stop_reason}


def carried_history(carried, lr):
    """The History that :func:`_carried` flattened into the widget state (lr: the run's learning
    rate, for its lr list)."""
    def values(name):
        return [math.nan if v is None else v for v in carried[name]]
    return History(*(values(name) for name in CURVES), lr=[lr] * len(carried["train_loss"]),
                   stop_reason=carried["stop_reason"], diverged=carried["diverged"])


class TrainingExplorer(anywidget.AnyWidget):
    """Controls ``lr``, ``optimizer``, ``batch_size``, ``epochs`` (traitlets, each limited to the
    values offered: ``lrs``, ``optimizers``, ``batch_sizes``, 1..``max_epochs``) and a *train*
    button. Every offered run is trained when the explorer is created; *train* (or :meth:`run`)
    shows the chosen run's first ``epochs`` epochs, one by one. ``shown`` counts the epochs shown
    (0 after a change of setting); ``history`` and ``notes`` are what the browser shows.
    """

    _esm = esm("training_explorer", "ui")
    lrs = traitlets.List().tag(sync=True)
    optimizers = traitlets.List().tag(sync=True)
    batch_sizes = traitlets.List().tag(sync=True)
    max_epochs = traitlets.Int().tag(sync=True)
    runs = traitlets.Dict().tag(sync=True)
    epoch_ms = traitlets.Int(300).tag(sync=True)   # the replay's pace: milliseconds per epoch
    lr = traitlets.Float().tag(sync=True)
    optimizer = traitlets.Unicode().tag(sync=True)
    batch_size = traitlets.Int().tag(sync=True)
    epochs = traitlets.Int().tag(sync=True)
    shown = traitlets.Int(0).tag(sync=True)

    def __init__(self, lr=1e-3, optimizer="adam", batch_size=32, epochs=5, seed=0, device=None,
                 lrs=LEARNING_RATES, batch_sizes=BATCH_SIZES, max_epochs=MAX_EPOCHS):
        lrs, batch_sizes = [float(v) for v in lrs], [int(b) for b in batch_sizes]
        max_epochs = as_int(max_epochs, "max_epochs", minimum=1)
        runs = train_runs(lrs, tuple(OPTIMIZERS), batch_sizes, max_epochs, seed, device)
        super().__init__(lrs=lrs, optimizers=list(OPTIMIZERS), batch_sizes=batch_sizes, max_epochs=max_epochs,
                         runs={key: _carried(h) for key, h in runs.items()}, lr=lr, optimizer=optimizer,
                         batch_size=batch_size, epochs=epochs)
        self.observe(lambda change: setattr(self, "shown", 0), ["lr", "optimizer", "batch_size", "epochs"])

    @traitlets.validate("lr", "optimizer", "batch_size")
    def _check_offered(self, proposal):
        name = proposal.trait.name
        offered = {"lr": self.lrs, "optimizer": self.optimizers, "batch_size": self.batch_sizes}[name]
        if proposal.value not in offered:
            raise ValueError(f"{name} must be one of the trained values {offered}, got {proposal.value!r}")
        return proposal.value

    @traitlets.validate("epochs")
    def _check_epochs(self, proposal):
        epochs = as_int(proposal.value, "epochs", minimum=1)
        if epochs > self.max_epochs:
            raise ValueError(f"epochs must be at most max_epochs={self.max_epochs}, got {epochs}")
        return epochs

    def full_run(self):
        """The carried History of the current settings, all ``max_epochs`` epochs (or until it diverged)."""
        key = run_key(self.optimizer, self.batch_size, self.lrs.index(self.lr))
        return carried_history(self.runs[key], self.lr)

    def run(self):
        """What *train* does: show the chosen run's first ``epochs`` epochs (all at once here)."""
        self.shown = min(self.epochs, self.full_run().epochs)

    @property
    def history(self):
        """The History shown, or None before *train*."""
        return replay(self.full_run(), self.shown) if self.shown else None

    @property
    def notes(self):
        """The sentence under the charts."""
        return describe_run(self.history, self.lr) if self.history else "Press train to start a run."
