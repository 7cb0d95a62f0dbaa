"""Shared checks and a forward hook: the input, the class, the layer, and what a layer outputs."""

from contextlib import contextmanager

import torch
from torch import nn

from ..validation import as_int


def check_input(x, name="x"):
    """``x`` must be a float tensor of shape (1, C, H, W); returns it detached."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (1, 3, H, W), got {type(x).__name__}")
    if x.dim() != 4 or x.shape[0] != 1:
        raise ValueError(f"{name} must have shape (1, C, H, W): one image, batch of one; got {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must hold floats (prepared as the weights expect), got {x.dtype}")
    return x.detach()


def check_target(target, num_classes, name="target"):
    """``target`` must be an int class index in [0, num_classes)."""
    target = as_int(target, name, minimum=0)
    if target >= num_classes:
        raise ValueError(f"{name} must be a class index in [0, {num_classes - 1}], got {target}: "
                         f"the model has {num_classes} outputs")
    return target


def check_layer(model, layer, name="layer"):
    """``layer`` must be a module of ``model`` (the object itself); returns its dotted name."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(layer, nn.Module):
        raise TypeError(f"{name} must be a module of the model (e.g. model.stage6), got "
                        f"{type(layer).__name__}")
    for module_name, module in model.named_modules():
        if module is layer:
            return module_name or "(the model itself)"
    raise ValueError(f"{name} ({type(layer).__name__}) is not a module of this model: pass one of its "
                     "own modules, e.g. model.stage6 or model.head, not a layer of another copy")


@contextmanager
def capture(layer):
    """Record ``layer``'s output during the forward passes inside the ``with`` block.

    Yields a dict whose 'output' is the last output tensor (still part of the autograd graph).
    """
    seen = {}

    def hook(module, inputs, output):
        seen["output"] = output

    handle = layer.register_forward_hook(hook)
    try:
        yield seen
    finally:
        handle.remove()


def class_score(model, x, target):
    """The model's score (logit) for ``target`` on ``x`` (1, C, H, W), a scalar tensor; checks both."""
    scores = model(x)
    if scores.dim() != 2 or scores.shape[0] != 1:
        raise ValueError(f"the model must return scores of shape (1, classes), got {tuple(scores.shape)}")
    return scores[0, check_target(target, scores.shape[1])]
