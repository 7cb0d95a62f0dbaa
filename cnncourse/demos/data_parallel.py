"""The chapters' data-parallel runs, started by ``torchrun``: digits (chapter 5) and fine-tuning (chapter 8).

    torchrun --standalone --nproc_per_node=2 -m cnncourse.demos.data_parallel --epochs 2 --out run.pt
    torchrun --standalone --nproc_per_node=2 -m cnncourse.demos.data_parallel --task fine-tune \
        --examples 10 --out fine_tuned.pt

``--task digits`` (the default) trains the digit CNN on the first ``--examples`` digits;
``--task fine-tune`` fine-tunes pretrained EfficientNet-Lite0's top stages on ``--examples``
texture patches per class (:func:`cnncourse.demos.transfer_comparison.fine_tune_top_on_images`).
Every process runs the task in the process group and process 0 saves the weights and the history
(:func:`cnncourse.training.distributed.train_in_process_group`).
"""

import argparse

import torch

from ..data.handwritten_digits import digits
from ..models import mnist_cnn
from ..training import fit
from ..training.distributed import train_in_process_group
from .transfer_comparison import fine_tune_top_on_images


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
    options = {"lr": args.lr} if args.task == "digits" else {}
    train_in_process_group(lambda device: TASKS[args.task](args.examples, args.epochs, args.batch_size,
                                                           seed=args.seed, device=device, **options), args.out)


if __name__ == "__main__":
    main()
