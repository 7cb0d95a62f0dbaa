"""Vanishing gradients: how much gradient reaches each layer of a deep stack of Linear + activation.

Backpropagation multiplies the gradient, layer after layer, by the weights and by the activation's
derivative. The sigmoid's derivative is at most 1/4, so in a deep sigmoid network the gradient
shrinks by a roughly constant factor per layer and the first layers barely learn; ReLU passes the
gradient through unchanged wherever it is active. :func:`layer_gradient_norms` measures this with
torch autograd on a randomly initialised network.
"""

from numbers import Real

import numpy as np
import torch
import torch.nn.functional as F

from ..device import get_device
from ..functional.activations import get_activation
from ..threads import one_thread
from ..validation import as_int

TORCH_ACTIVATIONS = {
    "relu": F.relu, "relu6": F.relu6, "softplus": F.softplus, "sigmoid": torch.sigmoid,
    "tanh": torch.tanh, "leaky_relu": F.leaky_relu, "elu": F.elu, "gelu": F.gelu, "silu": F.silu,
}


def init_gain(activation):
    """The weight scale torch recommends for ``activation`` (``torch.nn.init.calculate_gain``):
    1 for sigmoid, 5/3 for tanh, sqrt(2) for ReLU; ReLU's for the other ReLU-like functions."""
    get_activation(activation)  # a clear error for an unknown name
    known = ("sigmoid", "tanh", "relu", "leaky_relu")
    return torch.nn.init.calculate_gain(activation if activation in known else "relu")


def layer_gradient_norms(activation, depth, width=64, seed=0, batch_size=128, scale=1.0, device=None):
    """Size of the gradient that reaches each layer of ``depth`` Linear + ``activation`` layers.

    The network maps a batch of random inputs (batch_size, width) through ``depth`` layers
    ``h = activation(h W^T + b)`` (W: normal, std scale * init_gain / sqrt(width); b = 0) and takes
    the mean squared error to random targets. scale = 1 is the initialisation torch recommends;
    smaller weights make gradients shrink on their way back, larger ones can make them explode.
    Returns a (depth,) float64 array whose entry l is ||dLoss / db_l||, the gradient arriving at
    layer l + 1's pre-activation, summed over the batch (layer 1 is nearest the input). Float64 throughout; the same ``seed`` gives the same network on
    every device (it is drawn on the CPU); device: None means :func:`cnncourse.device.get_device`.
    """
    gain = init_gain(activation)  # checks the name too
    function = TORCH_ACTIVATIONS[activation]
    if isinstance(scale, bool) or not isinstance(scale, Real) or not scale > 0:
        raise ValueError(f"scale must be a number > 0, got {scale!r}")
    depth = as_int(depth, "depth", minimum=1)
    width = as_int(width, "width", minimum=1)
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    device = get_device() if device is None else torch.device(device)
    generator = torch.Generator().manual_seed(as_int(seed, "seed", minimum=0))

    def draw(*shape, std=1.0):
        return (torch.randn(*shape, generator=generator, dtype=torch.float64) * std).to(device)

    weights = [draw(width, width, std=scale * gain / np.sqrt(width)) for _ in range(depth)]
    biases = [torch.zeros(width, dtype=torch.float64, device=device, requires_grad=True)
              for _ in range(depth)]
    h = draw(batch_size, width)
    targets = draw(batch_size, width)
    with one_thread():  # tiny matrices: a second thread only adds waiting on a busy machine
        for weight, bias in zip(weights, biases):
            h = function(h @ weight.T + bias)
        F.mse_loss(h, targets).backward()
    return np.array([bias.grad.norm().item() for bias in biases])
