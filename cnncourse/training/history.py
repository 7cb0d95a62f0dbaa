"""What :func:`cnncourse.training.fit` records and what its callbacks see: :class:`History`,
:class:`TrainingState`, and the process layout of data-parallel training."""

from dataclasses import dataclass, field

import torch

METRICS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy")


@dataclass
class History:
    """Per-epoch records of a :func:`fit` run, and why it stopped.

    Each list holds one value per finished epoch (``val_*`` stay empty without validation data;
    a diverged epoch records its loss as nan). ``stop_reason`` is None when every epoch ran.
    """

    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    stop_reason: str = None
    diverged: bool = False

    @property
    def epochs(self):
        """Number of epochs recorded."""
        return len(self.train_loss)

    def last(self, metric):
        """The latest value of ``metric`` (one of :data:`METRICS`), or None before the first epoch."""
        values = self[metric]
        return values[-1] if values else None

    def __getitem__(self, metric):
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
        return getattr(self, metric)


@dataclass
class TrainingState:
    """What callbacks see after each epoch, and the switch they flip to stop training."""

    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    history: History
    epoch: int = 0
    epochs: int = 0
    stop: bool = False
    first_loss: float = None


def process_rank_and_count():
    """(rank, number of processes) of data-parallel training; (0, 1) without torch.distributed."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return 0, 1
