"""ImageNet helpers: the 1,000 ILSVRC-2012 class names (index order), input scaling, top-k predictions."""

from functools import lru_cache
from importlib import resources

import numpy as np
import torch
from skimage import transform

from ..validation import as_array, as_int


@lru_cache(maxsize=1)
def class_names():
    """The 1,000 class names, index i being the network's output i (0 'tench', ..., 999 'toilet tissue')."""
    text = resources.files(__package__).joinpath("imagenet_classes.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line)


def center_square(image, size=224):
    """Resize ``image`` (H, W, 3), values in [0, 1], so that its shorter side is ``size``, then cut
    the central ``size`` x ``size`` square. Returns (size, size, 3) float64 in [0, 1]."""
    image = as_array(image, "image", ndim=3)
    if image.shape[-1] != 3:
        raise ValueError(f"image must be (H, W, 3) RGB, got shape {image.shape}")
    size = as_int(size, "size", minimum=8)
    h, w = image.shape[:2]
    scale = size / min(h, w)
    image = transform.resize(image, (max(size, round(h * scale)), max(size, round(w * scale))),
                             anti_aliasing=scale < 1)
    top, left = (image.shape[0] - size) // 2, (image.shape[1] - size) // 2
    return np.clip(image[top:top + size, left:left + size], 0.0, 1.0)


def lite0_input(image):
    """An RGB photo (H, W, 3) in [0, 1] -> the (1, 3, 224, 224) float32 tensor EfficientNet-Lite0 expects:
    centre 224 x 224 square, pixels p in 0..255 scaled to (p - 127) / 128."""
    pixels = center_square(image, 224) * 255.0
    return torch.from_numpy((pixels - 127.0) / 128.0).float().permute(2, 0, 1).unsqueeze(0)


def top_k(logits, k=5):
    """[(class index, class name, probability), ...] of the ``k`` most probable classes of (1, 1000) logits."""
    logits = torch.as_tensor(logits).reshape(-1)
    if logits.numel() != len(class_names()):
        raise ValueError(f"logits must hold {len(class_names())} ImageNet scores, got {logits.numel()}")
    probabilities = logits.softmax(0)
    values, indices = probabilities.topk(as_int(k, "k", minimum=1))
    return [(int(i), class_names()[int(i)], float(p)) for i, p in zip(indices, values)]
