"""Soft visual attention over a CNN's feature maps, as Jetley et al. (2018, "Learn to pay
attention") added it to VGG-16: compare the local feature vector l_i at each position i of a
stage's maps with a global feature g of the image, turn the scores into weights that sum to 1
(softmax over positions), and let the classifier read the weighted sum of the l_i. Global average
pooling is the special case where every position weighs the same."""

from contextlib import ExitStack

import torch

from ..visualize.hooks import capture


def attention_pool(local, query):
    """local: feature maps (N, C, H, W); query: a global feature (N, C). Compatibility
    c_i = <l_i, g> at each of the H * W positions, weights a = softmax(c) over the positions.
    Returns (weights (N, H, W), attended (N, C) = sum_i a_i l_i)."""
    if not isinstance(local, torch.Tensor) or local.dim() != 4:
        raise ValueError(f"local must be feature maps (N, C, H, W), got {getattr(local, 'shape', local)!r}")
    if not isinstance(query, torch.Tensor) or tuple(query.shape) != tuple(local.shape[:2]):
        raise ValueError(f"query must have shape {tuple(local.shape[:2])} (N, C), "
                         f"got {getattr(query, 'shape', query)!r}")
    flat = local.flatten(2)                                   # (N, C, H * W)
    weights = torch.einsum("nc,ncp->np", query, flat).softmax(dim=1)
    attended = torch.einsum("np,ncp->nc", weights, flat)
    return weights.reshape(local.shape[0], *local.shape[2:]), attended


def stage_shapes(model, x, layers):
    """The output shape (C, H, W) of each of ``layers`` (``{name: module}``) for the input x (1, ...);
    x may live on the meta device, so that shapes cost no arithmetic."""
    with ExitStack() as stack:
        seen = {name: stack.enter_context(capture(module)) for name, module in layers.items()}
        model(x)
    return {name: tuple(record["output"].shape[1:]) for name, record in seen.items()}
