"""What a layer computes: its output maps for one image, and first-layer filters as small images."""

import torch
from torch import nn

from .hooks import capture, check_input, check_layer


@torch.no_grad()
def feature_maps(model, x, layer):
    """The output of ``layer`` (a module of ``model``) for x (1, C, H, W): a tensor (K, h, w)."""
    x = check_input(x)
    check_layer(model, layer)
    model.eval()
    with capture(layer) as seen:
        model(x)
    maps = seen.get("output")
    if not isinstance(maps, torch.Tensor) or maps.dim() != 4:
        raise ValueError("layer must output feature maps (1, K, h, w); pick a convolution or a stage")
    return maps[0].detach().cpu()


def filters_as_images(conv):
    """The weights (K, 3, k, k) of an RGB convolution as K images (K, k, k, 3) in [0, 1]: each filter
    scaled on its own so that 0.5 is a zero weight and the largest |weight| reaches 0 or 1."""
    if not isinstance(conv, nn.Conv2d):
        raise TypeError(f"conv must be a torch.nn.Conv2d, got {type(conv).__name__}")
    if conv.in_channels != 3 or conv.groups != 1:
        raise ValueError(f"conv must read the 3 RGB channels of the image, got in_channels={conv.in_channels}")
    weights = conv.weight.detach().cpu().float()
    scale = weights.abs().amax(dim=(1, 2, 3), keepdim=True).clamp(min=1e-12)
    return (0.5 + 0.5 * weights / scale).permute(0, 2, 3, 1)
