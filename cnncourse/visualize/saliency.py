"""Saliency maps: how much each pixel changes the class score (Simonyan et al., 2014), and
SmoothGrad (Smilkov et al., 2017), the same averaged over noisy copies of the image."""

import torch

from ..validation import as_int
from .hooks import check_input, class_score


def input_gradient(model, x, target):
    """d score[target] / d x for one input ``x`` (1, C, H, W): a tensor of the same shape."""
    x = check_input(x).clone().requires_grad_(True)
    model.eval()
    score = class_score(model, x, target)
    (gradient,) = torch.autograd.grad(score, x)
    return gradient


def saliency(model, x, target):
    """The saliency map (H, W) of class ``target``: max over channels of |d score / d pixel|."""
    return input_gradient(model, x, target)[0].abs().amax(dim=0)


def smooth_saliency(model, x, target, samples=16, noise=0.15, seed=0):
    """SmoothGrad: the mean over ``samples`` noisy copies x + N(0, sigma^2) of their saliency maps,
    sigma = ``noise`` times the input's value range. Returns (H, W); the same seed, the same map."""
    x = check_input(x)
    samples = as_int(samples, "samples", minimum=1)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or noise < 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    sigma = noise * float(x.max() - x.min())
    generator = torch.Generator().manual_seed(as_int(seed, "seed", minimum=0))
    total = torch.zeros(x.shape[2:])
    for _ in range(samples):
        noisy = x + sigma * torch.randn(x.shape, generator=generator).to(x.device, x.dtype)
        total += saliency(model, noisy, target).cpu()
    return total / samples
