"""Training explorer: pick a learning rate, an optimizer, a batch size and a number of epochs, press
*train*, and watch the loss and accuracy curves of a short run grow epoch by epoch.

:func:`train_run` is the pure part (settings in, a :class:`cnncourse.training.History` out) and
:func:`describe_run` puts its outcome into words; :class:`TrainingExplorer` wires them to controls.
The run trains :func:`cnncourse.models.mnist_cnn` on a small subset of the digits, so one click
takes a few seconds on a CPU.
"""

import ipywidgets as w
import torch

from ..data import digits
from ..models import mnist_cnn
from ..training import OPTIMIZERS, fit
from ..plotting.history_chart import history_chart

TRAIN_EXAMPLES, VALIDATION_EXAMPLES = 400, 200
CHANCE = 0.1


def train_run(lr, optimizer, batch_size, epochs, seed=0, callbacks=(), device=None):
    """Train a fresh ``mnist_cnn`` (initialised from ``seed``) on 400 training digits for ``epochs``,
    validating on 200 test digits. Returns the History; a diverging run stops early with a reason."""
    torch.manual_seed(seed)
    model = mnist_cnn()
    return fit(model, digits("train", limit=TRAIN_EXAMPLES), digits("test", limit=VALIDATION_EXAMPLES),
               epochs=epochs, lr=lr, optimizer=optimizer, batch_size=batch_size, seed=seed,
               callbacks=callbacks, device=device, progress=False)


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


class _LiveChart:
    """A fit callback that redraws the explorer's chart after every epoch."""

    def __init__(self, explorer):
        self.explorer = explorer

    def on_epoch_end(self, state):
        self.explorer.chart.value = history_chart(state.history, "")


class TrainingExplorer:
    """Controls ``lr`` (log slider), ``optimizer``, ``batch_size``, ``epochs`` and a ``train`` button;
    clicking it runs :func:`train_run`, updating ``chart`` live and ``notes`` with the outcome.
    ``history`` holds the last run's History."""

    def __init__(self, lr=0.003, optimizer="adam", batch_size=32, epochs=5, seed=0, device=None):
        self.seed, self.device, self.history = seed, device, None
        self.lr = w.FloatLogSlider(value=lr, base=10, min=-4, max=1, step=0.25, description="learning rate",
                                   readout_format=".4g", style={"description_width": "initial"})
        self.optimizer = w.Dropdown(options=list(OPTIMIZERS), value=optimizer, description="optimizer")
        self.batch_size = w.Dropdown(options=[8, 16, 32, 64, 128], value=batch_size, description="batch size")
        self.epochs = w.IntSlider(value=epochs, min=1, max=15, description="epochs")
        self.train = w.Button(description="train", button_style="primary", icon="play")
        self.chart = w.HTML()
        self.notes = w.HTML("Press <b>train</b> to start a run.")
        self.train.on_click(lambda button: self.run())

    def run(self):
        """Train with the controls' settings, redrawing the chart after each epoch."""
        self.train.disabled = True
        self.notes.value = "training..."
        try:
            self.history = train_run(self.lr.value, self.optimizer.value, self.batch_size.value,
                                     self.epochs.value, self.seed, callbacks=[_LiveChart(self)],
                                     device=self.device)
        finally:
            self.train.disabled = False
        self.chart.value = history_chart(self.history, "")
        self.notes.value = describe_run(self.history, self.lr.value)

    def widget(self):
        """The assembled interface."""
        return w.VBox([w.HBox([w.VBox([self.lr, self.optimizer]), w.VBox([self.batch_size, self.epochs]),
                               self.train]), self.chart, self.notes])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget())
