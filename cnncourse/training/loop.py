"""One training loop for every PyTorch model of the course: :func:`fit`, :func:`evaluate`, :func:`predict`.

``fit`` trains on a ``torch.utils.data`` dataset, on the device :func:`cnncourse.device.get_device`
picks, visiting each epoch's examples in an order seeded by ``seed`` and the epoch (same seed,
same initial model -> same history on the CPU; under ``torchrun`` the processes share each batch).
After every epoch it records the loss and accuracy on the training and validation data in a
:class:`History` and calls its callbacks (:mod:`cnncourse.training.callbacks`: early stopping,
checkpoints, a live plot). A loss that becomes nan or infinite, or explodes far above its start,
stops training with a message in the history instead of an exception: a learning rate too large
is something to see, not a crash.
"""

import math

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from ..device import get_device
from ..validation import as_int
from .callbacks import LivePlot
from .history import History, TrainingState, process_rank_and_count

OPTIMIZERS = {
    "sgd": lambda params, lr, wd: torch.optim.SGD(params, lr=lr, weight_decay=wd),
    "momentum": lambda params, lr, wd: torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=wd),
    "adam": lambda params, lr, wd: torch.optim.Adam(params, lr=lr, weight_decay=wd),
}
def fit(model, train_data, val_data=None, *, epochs, lr, optimizer="adam", batch_size=32,
        loss_fn=F.cross_entropy, weight_decay=0.0, scheduler=None, device=None, seed=0,
        callbacks=(), progress=True, live_plot=False, divergence_factor=10.0, parameters=None):
    """Train ``model`` in place and return its :class:`History`.

    train_data, val_data: ``torch.utils.data.Dataset``s of (input, integer label) pairs; a label
    may also be a map of per-pixel labels (accuracy then counts pixels), or a float target (e.g. the
    image itself for an autoencoder, with ``loss_fn=F.mse_loss``: accuracy is then recorded as nan).
    optimizer: 'sgd', 'momentum' (0.9), 'adam', or a function ``(parameters, lr) -> optimizer``.
    parameters: what the optimizer updates: None for ``model.parameters()``, or parameter groups
    (dicts ``{"params": [...], "lr": ...}``, each group's lr overriding ``lr``; see
    :func:`cnncourse.transfer.parameter_groups`).
    scheduler: None or a function ``optimizer -> torch.optim.lr_scheduler``, stepped once per epoch.
    loss_fn: ``(scores, labels) -> mean loss``. device: None picks :func:`get_device`.
    seed: seeds the shuffling and torch's random numbers (dropout, augmentation).
    callbacks: objects with ``on_epoch_end(state)`` (and optionally ``on_fit_start(state)``,
    ``on_fit_end(state)``); see :mod:`cnncourse.training.callbacks`. live_plot: add a live chart of the
    curves (:class:`cnncourse.training.callbacks.LivePlot`). progress: a tqdm bar over the epochs.
    Data-parallel: run under ``torchrun`` after ``torch.distributed.init_process_group``, and
    each process trains a ``DistributedDataParallel`` copy on its share of every global batch
    of ``batch_size`` (see :mod:`cnncourse.training.distributed`); the history holds global numbers.
    divergence_factor: training stops, with ``history.diverged`` and a ``stop_reason`` that says
    why, when a batch's loss is nan or infinite, or more than this factor times the first batch's
    loss (None: only nan or infinite).
    """
    epochs = as_int(epochs, "epochs", minimum=1)
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    seed = as_int(seed, "seed", minimum=0)
    _check_dataset(train_data, "train_data")
    if val_data is not None:
        _check_dataset(val_data, "val_data")
    rank, world = process_rank_and_count()
    if batch_size % world:
        raise ValueError(f"batch_size {batch_size} must be divisible by the number of processes {world}: "
                         "it is the global batch, split evenly between them")
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    torch.manual_seed(seed)
    # Epoch e visits a permutation seeded by seed + e in global batches of batch_size; with P
    # processes, process r takes every P-th example of it, so together they see the same batches.
    sampler = torch.utils.data.DistributedSampler(train_data, num_replicas=world, rank=rank, shuffle=True, seed=seed)
    loader = batches(train_data, batch_size // world, sampler)
    trained = model if world == 1 else torch.nn.parallel.DistributedDataParallel(model)
    opt = make_optimizer(optimizer, model.parameters() if parameters is None else parameters, lr, weight_decay)
    schedule = scheduler(opt) if scheduler is not None else None
    state = TrainingState(model, opt, History(), epochs=epochs)
    callbacks = list(callbacks) + ([LivePlot()] if live_plot else [])
    _call(callbacks, "on_fit_start", state)
    bar = tqdm(range(1, epochs + 1), desc="training", unit="epoch", disable=not progress or rank > 0, leave=True)
    for epoch in bar:
        state.epoch = epoch
        sampler.set_epoch(epoch)
        state.history.lr.append(opt.param_groups[0]["lr"])
        loss, accuracy = _train_one_epoch(trained, loader, opt, loss_fn, device, state, divergence_factor, world)
        state.history.train_loss.append(loss)
        state.history.train_accuracy.append(accuracy)
        if not state.history.diverged and val_data is not None:
            scores = evaluate(model, val_data, loss_fn=loss_fn, batch_size=max(batch_size, 256), device=device)
            state.history.val_loss.append(scores["loss"])
            state.history.val_accuracy.append(scores["accuracy"])
        bar.set_postfix({k: f"{v[-1]:.3f}" for k, v in
                         (("loss", state.history.train_loss), ("acc", state.history.train_accuracy),
                          ("val_acc", state.history.val_accuracy)) if v})
        if state.history.diverged:
            state.stop = True
        else:
            if schedule is not None:
                schedule.step()
            _call(callbacks, "on_epoch_end", state)
        if state.stop:
            break
    bar.close()
    _call(callbacks, "on_fit_end", state)
    return state.history


def _train_one_epoch(model, loader, optimizer, loss_fn, device, state, divergence_factor, world):
    """One pass over the loader; returns (mean loss, accuracy) over every process's examples.
    Stops at a diverging loss (all processes together: they compare the same averaged loss)."""
    model.train()
    totals = torch.zeros(3, dtype=torch.float64, device=device)  # loss * examples, correct, examples
    for batch, (inputs, labels) in enumerate(loader, start=1):
        inputs, labels = inputs.to(device), labels.to(device)
        scores = model(inputs)
        loss = loss_fn(scores, labels)
        value = _mean_over_processes(loss.detach(), world)
        if state.first_loss is None:
            state.first_loss = value
        if _diverging(value, state.first_loss, divergence_factor):
            state.history.diverged = True
            state.history.stop_reason = _divergence_message(value, state, batch, optimizer, divergence_factor)
            return math.nan, (totals[1] / totals[2].clamp(min=1)).item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        totals += torch.stack([loss.detach().double() * len(labels),
                               correct_count(scores, labels),
                               torch.tensor(float(len(labels)), dtype=torch.float64, device=device)])
    if world > 1:
        torch.distributed.all_reduce(totals)
    return (totals[0] / totals[2]).item(), (totals[1] / totals[2]).item()


def _mean_over_processes(value, world):
    """A scalar tensor's mean over the processes, as a float (the value itself with one process)."""
    if world > 1:
        value = value.double().clone()
        torch.distributed.all_reduce(value)
        value /= world
    return value.item()


def _diverging(loss, first_loss, factor):
    """A loss that is nan or infinite, or (with a factor) above ``factor`` times the first one."""
    if not math.isfinite(loss):
        return True
    return factor is not None and math.isfinite(first_loss) and loss > factor * max(first_loss, 1e-12)


def _divergence_message(loss, state, batch, optimizer, factor):
    what = (f"the loss became {loss}" if not math.isfinite(loss) else
            f"the loss grew to {loss:.3g}, more than {factor:g} times its first value {state.first_loss:.3g},")
    return (f"diverged: {what} in epoch {state.epoch}, batch {batch}. The learning rate "
            f"({optimizer.param_groups[0]['lr']:g}) is too large: each step overshoots the minimum "
            "and the weights grow until the scores (and the loss) blow up. Try a smaller one.")


def make_optimizer(optimizer, parameters, lr, weight_decay=0.0):
    """A torch optimizer from a name in :data:`OPTIMIZERS` or a function ``(parameters, lr) -> optimizer``."""
    if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not lr > 0:
        raise ValueError(f"lr must be a number > 0, got {lr!r}")
    if isinstance(optimizer, str):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)} or a function, got {optimizer!r}")
        return OPTIMIZERS[optimizer](parameters, lr, weight_decay)
    if callable(optimizer):
        return optimizer(parameters, lr)
    raise TypeError(f"optimizer must be a name or a function (parameters, lr) -> optimizer, got "
                    f"{type(optimizer).__name__}")


@torch.no_grad()
def evaluate(model, data, loss_fn=F.cross_entropy, batch_size=256, device=None):
    """Mean loss and accuracy of ``model`` on a dataset of (input, label): ``{'loss', 'accuracy'}``."""
    total_loss, correct, seen = 0.0, 0, 0
    for scores, labels in _scores(model, data, batch_size, device):
        total_loss += loss_fn(scores, labels).item() * len(labels)
        correct += correct_count(scores, labels).item()
        seen += len(labels)
    return {"loss": total_loss / seen, "accuracy": correct / seen}


@torch.no_grad()
def predict(model, data, batch_size=256, device=None):
    """The predicted class of every example of ``data`` (a dataset of (input, label)), a CPU tensor (N,)."""
    return torch.cat([scores.argmax(dim=1).cpu() for scores, _ in _scores(model, data, batch_size, device)])


def correct_count(scores, labels):
    """Examples classified right, a float64 tensor: argmax hits for labels (N,); for per-pixel labels
    (N, H, W) each example counts its fraction of right pixels; nan for float targets (no classes)."""
    if labels.is_floating_point():
        return torch.tensor(math.nan, dtype=torch.float64, device=labels.device)
    hits = (scores.argmax(dim=1) == labels).double()
    return hits.reshape(len(labels), -1).mean(dim=1).sum()


def _scores(model, data, batch_size, device):
    """Yield (scores, labels) batch by batch, in eval mode, on ``device``."""
    _check_dataset(data, "data")
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    device = torch.device(device) if device is not None else next(model.parameters()).device
    model.to(device).eval()
    for inputs, labels in batches(data, batch_size):
        yield model(inputs.to(device)), labels.to(device)


def batches(data, batch_size, sampler=None):
    """A DataLoader of ``data`` in batches of ``batch_size``, in ``sampler``'s order (None: in order).
    A TensorDataset is indexed with a whole batch of indices at once: the same batches, without
    fetching and stacking its examples one by one. In order, the loader draws its base seed from a
    generator of its own: every DataLoader iterator draws one, and from torch's global generator it
    would shift the dropout masks and augmentations of training whenever a validation ran."""
    generator = torch.Generator() if sampler is None else None
    if not isinstance(data, torch.utils.data.TensorDataset):
        return torch.utils.data.DataLoader(data, batch_size=batch_size, sampler=sampler, generator=generator)
    order = sampler if sampler is not None else torch.utils.data.SequentialSampler(data)
    return torch.utils.data.DataLoader(data, batch_size=None, generator=generator,
                                       sampler=torch.utils.data.BatchSampler(order, batch_size, drop_last=False))


def _check_dataset(data, name):
    if not isinstance(data, torch.utils.data.Dataset):
        raise TypeError(f"{name} must be a torch.utils.data.Dataset (e.g. a TensorDataset), "
                        f"got {type(data).__name__}")
    if len(data) == 0:
        raise ValueError(f"{name} is empty")


def _call(callbacks, hook, state):
    for callback in callbacks:
        method = getattr(callback, hook, None)
        if method is not None:
            method(state)
