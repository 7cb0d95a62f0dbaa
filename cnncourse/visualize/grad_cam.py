"""Grad-CAM (Selvaraju et al., 2017): where in the image a layer's maps support a class.

With A the layer's output (K maps of h x w) and y the class score, each map gets the weight
alpha_k = mean over positions of dy / dA_k; the map ReLU(sum_k alpha_k A_k) (h x w) is resized
bilinearly to the image. Late layers give coarse maps that separate classes well.
"""

import torch
import torch.nn.functional as F

from .hooks import capture, check_input, check_layer, class_score


def grad_cam(model, x, target, layer, resize=True):
    """Grad-CAM map of class ``target`` taken at ``layer`` (a module of ``model``) for x (1, C, H, W).

    Returns a non-negative tensor (H, W) (or the layer's (h, w) with ``resize=False``).
    """
    x = check_input(x)
    check_layer(model, layer)
    model.eval()
    with capture(layer) as seen:
        score = class_score(model, x, target)
    maps = seen.get("output")
    if not isinstance(maps, torch.Tensor) or maps.dim() != 4:
        raise ValueError("layer must output feature maps (1, K, h, w); pick a convolutional stage")
    (gradient,) = torch.autograd.grad(score, maps)
    weights = gradient.mean(dim=(2, 3), keepdim=True)            # (1, K, 1, 1)
    cam = F.relu((weights * maps).sum(dim=1, keepdim=True)).detach()
    if resize:
        cam = F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False).clamp(min=0)
    return cam[0, 0]
