"""Occlusion sensitivity (Zeiler and Fergus, 2014): grey out a square patch, see how much the
class probability drops, and slide the patch over the whole image."""

import torch

from ..validation import as_int
from .hooks import check_input, check_target


@torch.no_grad()
def occlusion(model, x, target, patch=32, stride=16, fill=0.0, batch_size=4):
    """Occlusion map (H, W) of class ``target`` for x (1, C, H, W); for a list or tuple of classes,
    their maps (len(target), H, W) from the same occluded copies (the forward passes are shared).

    A ``patch`` x ``patch`` square of value ``fill`` (0.0 is mid-grey for inputs centred at 0)
    is placed at every ``stride``-th position; each pixel gets the mean drop of the target's
    softmax probability over the positions that covered it (positive: hiding it hurt the class).
    batch_size: occluded copies per forward pass. More is not faster on a CPU: 36 copies of a
    224 x 224 photo spill its caches and run slower than one at a time (benchmarks/bench_visualize.py).
    """
    x = check_input(x)
    _, _, h, w = x.shape
    patch = as_int(patch, "patch", minimum=1)
    stride = as_int(stride, "stride", minimum=1)
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    if patch > min(h, w):
        raise ValueError(f"patch ({patch}) must fit in the image ({h} x {w})")
    several = isinstance(target, (list, tuple))
    if several and not target:
        raise ValueError("target must be a class index or a non-empty list of them, got an empty one")
    model.eval()
    base = model(x).softmax(dim=1)[0]
    targets = [check_target(t, base.numel(), f"target[{i}]") for i, t in enumerate(target)] if several else [
        check_target(target, base.numel())]
    corners = [(top, left) for top in range(0, h - patch + 1, stride) for left in range(0, w - patch + 1, stride)]
    drops = []  # (positions, targets)
    for start in range(0, len(corners), batch_size):
        batch = x.repeat(len(corners[start:start + batch_size]), 1, 1, 1)
        for i, (top, left) in enumerate(corners[start:start + batch_size]):
            batch[i, :, top:top + patch, left:left + patch] = fill
        drops.append(base[targets] - model(batch).softmax(dim=1)[:, targets])
    drops = torch.cat(drops).cpu()
    total, count = torch.zeros(len(targets), h, w), torch.zeros(h, w)
    for drop, (top, left) in zip(drops, corners):
        total[:, top:top + patch, left:left + patch] += drop[:, None, None]
        count[top:top + patch, left:left + patch] += 1
    maps = total / count.clamp(min=1)
    return maps if several else maps[0]
