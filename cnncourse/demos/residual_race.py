"""Why shortcuts help: a deep plain stack of layers and its residual twin, trained on real digits.

Both networks have the same layers and the same number of parameters; the twin only adds x to the
output of every pair of layers, ReLU(F(x) + x). With 20 layers and no batch norm, the plain stack's
signal and gradients fade through the layers and its loss barely moves, while the residual one
learns at once. The data are scikit-learn's 1,797 real 8x8 handwritten digits, flattened to 64
values; the layers are fully connected (1x1 "images"), so the demo trains in seconds on a CPU, and
the effect is the same one ResNet's convolutional blocks exploit.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..validation import as_int
from ..threads import one_thread


class LayerPair(nn.Module):
    """F(x) = W2 ReLU(W1 x + b1) + b2, width kept; returns ReLU(F(x) + x) if ``residual`` else
    ReLU(F(x)). (N, width) -> (N, width)."""

    def __init__(self, width, residual):
        super().__init__()
        self.layer1 = nn.Linear(width, width)
        self.layer2 = nn.Linear(width, width)
        self.residual = residual

    def forward(self, x):
        f = self.layer2(torch.relu(self.layer1(x)))
        return torch.relu(f + x) if self.residual else torch.relu(f)


def deep_stack(pairs, residual, width=32, num_classes=10):
    """Linear 64 -> width, ``pairs`` LayerPairs (2 * pairs layers), linear to the classes:
    (N, 1, 8, 8) -> (N, num_classes)."""
    return nn.Sequential(nn.Flatten(), nn.Linear(64, width), nn.ReLU(),
                         *[LayerPair(width, residual) for _ in range(pairs)], nn.Linear(width, num_classes))


@dataclass(frozen=True)
class TrainingCurves:
    """Training loss per step of the plain and the residual network (same seed, data, batches)."""

    plain: np.ndarray
    residual: np.ndarray

    def final(self, which, last=50):
        """Mean loss over the ``last`` steps of ``which`` ('plain' or 'residual')."""
        return float(getattr(self, which)[-last:].mean())


def digits_tensors():
    """scikit-learn's digits as (1797, 1, 8, 8) float32 in [0, 1] and (1797,) int64 labels."""
    from sklearn.datasets import load_digits  # here, not above: importing it takes about a second

    digits = load_digits()
    x = torch.tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)
    return x, torch.tensor(digits.target)


def train_plain_and_residual(pairs=10, steps=200, batch_size=64, lr=0.05, seed=0):
    """Train :func:`deep_stack` with and without shortcuts by SGD (momentum 0.9) on the digits, each
    from the same initial weights and on the same batches. Returns :class:`TrainingCurves`."""
    pairs, steps = as_int(pairs, "pairs", minimum=1), as_int(steps, "steps", minimum=1)
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    x, y = digits_tensors()
    generator = torch.Generator().manual_seed(seed)
    batches = [torch.randint(0, len(x), (batch_size,), generator=generator) for _ in range(steps)]
    curves = {}
    with one_thread():
        for name, residual in (("plain", False), ("residual", True)):
            torch.manual_seed(seed)  # the same initial weights for both
            curves[name] = _train(deep_stack(pairs, residual), x, y, batches, lr)
    return TrainingCurves(**curves)


def _train(model, x, y, batches, lr):
    """SGD with momentum over ``batches`` (index tensors); the loss of every step as an array."""
    optimiser = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses = []
    for index in batches:
        loss = nn.functional.cross_entropy(model(x[index]), y[index])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    return np.array(losses)
