"""Data-parallel training with ``torchrun``: the course's :func:`cnncourse.training.fit` in every process.

    torchrun --standalone --nproc_per_node=2 -m cnncourse.training.distributed --epochs 2 --out run.pt
    torchrun --standalone --nproc_per_node=2 -m cnncourse.training.distributed --task fine-tune \
        --examples 10 --out fine_tuned.pt

``--task digits`` (chapter 5, the default) trains the digit CNN on the first ``--examples``
digits; ``--task fine-tune`` (chapter 8) fine-tunes pretrained EfficientNet-Lite0's top stages on
``--examples`` texture patches per class
(:func:`cnncourse.demos.transfer_comparison.fine_tune_top_on_images`).

Each process joins the process group (gloo on CPUs, NCCL on GPUs, one GPU per process), builds
the same model from the same seed and calls :func:`fit`, which sees the group: it wraps the model
in ``DistributedDataParallel`` (gradients averaged between processes in ``backward``) and gives
each process its share of every global batch through a ``DistributedSampler``. The result equals
one process training on the same global batches. Process 0 saves the weights and the history.
"""

import argparse
import dataclasses
import os

import torch

from ..data.handwritten_digits import digits
from ..demos.transfer_comparison import fine_tune_top_on_images
from ..device import get_device
from ..models import mnist_cnn
from .loop import fit


def train_digits(examples=256, epochs=2, batch_size=32, lr=2e-3, seed=0, device=None):
    """Train ``mnist_cnn`` (seeded) on the first ``examples`` training digits; returns (model, history).
    Run alone it is one process; under torchrun, with a process group, each runs its share."""
    torch.manual_seed(seed)
    model = mnist_cnn()
    history = fit(model, digits("train", limit=examples), epochs=epochs, lr=lr, batch_size=batch_size,
                  seed=seed, device=device, progress=False)
    return model, history


TASKS = {"digits": train_digits, "fine-tune": fine_tune_top_on_images}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=TASKS, default="digits")
    parser.add_argument("--examples", type=int, default=256,
                        help="digits to train on, or texture patches per class for fine-tune")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32, help="global batch, split between the processes")
    parser.add_argument("--lr", type=float, default=2e-3,
                        help="digits only: fine-tune uses chapter 8's per-stage rates")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="file for process 0 to save weights and history in")
    args = parser.parse_args(argv)
    device = get_device()
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.cuda.set_device(device)
    torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
    try:
        options = {"lr": args.lr} if args.task == "digits" else {}
        model, history = TASKS[args.task](args.examples, args.epochs, args.batch_size, seed=args.seed,
                                          device=device, **options)
        if torch.distributed.get_rank() == 0:
            torch.save({"state_dict": model.state_dict(), "history": dataclasses.asdict(history),
                        "processes": torch.distributed.get_world_size()}, args.out)
    finally:
        torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main()
