"""Laying a map over a photo, and measuring where a map's mass falls."""

import numpy as np
import torch

from ..validation import as_array


def normalize_map(heat):
    """A map (H, W) scaled to [0, 1] by its maximum after clipping negatives (all zeros stays zeros)."""
    heat = as_array(heat.detach().cpu().numpy() if isinstance(heat, torch.Tensor) else heat, "heat", ndim=2)
    heat = np.clip(heat, 0.0, None)
    top = heat.max()
    return heat / top if top > 0 else heat


def overlay(image, heat, alpha=0.5):
    """The photo (H, W, 3) in [0, 1] with ``heat`` (H, W) drawn over it in red-yellow: (H, W, 3)."""
    image = as_array(image, "image", ndim=3)
    heat = normalize_map(heat)
    if heat.shape != image.shape[:2]:
        raise ValueError(f"heat has shape {heat.shape}, the image {image.shape[:2]}: they must agree")
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
    colour = np.stack([np.ones_like(heat), heat, np.zeros_like(heat)], axis=-1)
    weight = alpha * heat[..., None]
    return np.clip((1 - weight) * image + weight * colour, 0.0, 1.0)


def share_inside(heat, rows, cols):
    """The fraction of a non-negative map's total inside ``heat[rows, cols]`` (two slices)."""
    heat = normalize_map(heat)
    total = heat.sum()
    if total == 0:
        raise ValueError("heat is zero everywhere: it has no mass to share")
    return float(heat[rows, cols].sum() / total)
