"""Data-parallel training with ``torchrun``: what every process does around :func:`cnncourse.training.fit`.

Each process finds its device (:func:`process_device`), joins the process group (gloo on CPUs,
NCCL on GPUs, one GPU per process), builds the same model from the same seed and calls
:func:`fit`, which sees the group: it wraps the model in ``DistributedDataParallel`` (gradients
averaged between processes in ``backward``) and gives each process its share of every global
batch through a ``DistributedSampler``. The result equals one process training on the same global
batches. Process 0 saves the weights and the history (:func:`train_in_process_group`).

The chapters' runs (digits, fine-tuning) start from :mod:`cnncourse.demos.data_parallel`::

    torchrun --standalone --nproc_per_node=2 -m cnncourse.demos.data_parallel --epochs 2 --out run.pt
"""

import dataclasses
import os

import torch

from ..device import get_device


def process_device():
    """This process's device: :func:`cnncourse.device.get_device`, and on CUDA the GPU
    ``LOCAL_RANK`` (set by torchrun; 0 without it), made the current one."""
    device = get_device()
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.cuda.set_device(device)
    return device


def train_in_process_group(train, out):
    """Run ``train(device) -> (model, history)`` in this process's share of a torchrun group.

    Joins the process group (NCCL on CUDA, gloo otherwise) on :func:`process_device`, trains, and
    has process 0 save ``{"state_dict", "history" (a dict), "processes"}`` to the file ``out``;
    the process leaves the group afterwards, also when training fails. Where the caller has joined
    a group already (a script doing several runs), it trains in that one and leaves it joined.
    Returns (model, history).
    """
    if not callable(train):
        raise TypeError(f"train must be a function device -> (model, history), got {type(train).__name__}")
    device = process_device()
    joins = not torch.distributed.is_initialized()
    if joins:
        torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
    try:
        model, history = train(device)
        if torch.distributed.get_rank() == 0:
            torch.save({"state_dict": model.state_dict(), "history": dataclasses.asdict(history),
                        "processes": torch.distributed.get_world_size()}, out)
    finally:
        if joins:
            torch.distributed.destroy_process_group()
    return model, history
