"""Training PyTorch models: the one loop (:mod:`.loop`), what it records (:mod:`.history`),
its callbacks (:mod:`.callbacks`), data parallelism under torchrun (:mod:`.distributed`) and
metrics (:mod:`.metrics`)."""

from .callbacks import Checkpoint, EarlyStopping, LivePlot
from .history import METRICS, History, TrainingState
from .loop import OPTIMIZERS, evaluate, fit, make_optimizer, predict
from .metrics import confusion_matrix
