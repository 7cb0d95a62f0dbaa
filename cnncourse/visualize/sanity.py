"""The sanity check of Adebayo et al. (2018): an explanation method that gives much the same map for
a network with random weights explains the image, not what the network learned."""

import copy

import torch
from torch import nn

from ..validation import as_int


def randomized_copy(model, seed=0):
    """A copy of ``model`` with every layer that has ``reset_parameters`` re-initialised at random
    (seeded), batch-norm statistics included; the original is untouched. Returned in eval mode."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    torch.manual_seed(as_int(seed, "seed", minimum=0))
    clone = copy.deepcopy(model)
    for module in clone.modules():  # batch norm's reset_parameters also resets its running statistics
        if hasattr(module, "reset_parameters"):
            module.reset_parameters()
    return clone.eval()
