"""EfficientNet-Lite0 made ready for a small task: its input scaling, smaller images, a new head.

The ImageNet weights expect RGB pixels p in 0..255 scaled to (p - 127) / 128, so images in [0, 1]
go through :func:`lite0_pixels` first. The network itself is fully convolutional up to its global
pooling, so it runs on images smaller than 224 x 224 (fewer, coarser positions in the last maps);
:func:`lite0_for_task` only moves its input check to the new size.
"""

import torch

from ..models import efficientnet_lite0
from ..models.layers import ExpectInput
from ..validation import as_int
from .freezing import replace_head


def lite0_pixels(images):
    """Images in [0, 1], any shape, -> what the pretrained Lite0 expects: (255 images - 127) / 128,
    a float32 tensor in about [-1, 1]."""
    images = torch.as_tensor(images)
    if not images.is_floating_point():
        raise TypeError(f"images must hold floats in [0, 1], got dtype {images.dtype}")
    return ((images * 255.0 - 127.0) / 128.0).float()


def lite0_for_task(num_classes, size=64, pretrained=True, seed=0):
    """EfficientNet-Lite0 for ``num_classes`` classes on (N, 3, size, size) inputs: the ImageNet
    weights (or, with ``pretrained=False``, torch's default random initialisation) and a new
    classifier layer, both drawn from ``seed``. Returned in train mode, nothing frozen."""
    num_classes = as_int(num_classes, "num_classes")
    size = as_int(size, "size", minimum=32)
    torch.manual_seed(as_int(seed, "seed", minimum=0))
    model = efficientnet_lite0(pretrained=bool(pretrained))
    model.input = ExpectInput("efficientnet_lite0", 3, size, size)
    return replace_head(model, num_classes).train()
