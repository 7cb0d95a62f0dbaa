"""Freezing parts of a pretrained network: a new head, frozen parameters and batch norm, unfreezing.

A frozen parameter has ``requires_grad = False``: backpropagation computes no gradient for it, so
no optimizer step can change it. Batch norm needs one more thing: in training mode it normalises
with each batch's own statistics and updates its running mean and variance (buffers, not
parameters). :func:`freeze` therefore also keeps every frozen batch-norm layer in eval mode, even
when ``model.train()`` is called (as :func:`cnncourse.training.fit` does every epoch), so a frozen
part comes out of training bit-identical, buffers included. :func:`unfreeze` undoes both.
"""

import functools

import torch
from torch import nn

from ..validation import as_int

NORMS = nn.modules.batchnorm._BatchNorm  # BatchNorm1d/2d/3d and SyncBatchNorm


def check_module_names(model, names, name="names"):
    """``names`` (one str or a sequence of them) as a tuple, each the name of a sub-module of
    ``model`` as ``model.named_modules()`` spells it (e.g. 'stage7', 'classifier.fc')."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    names = (names,) if isinstance(names, str) else names
    try:
        names = tuple(names)
    except TypeError:
        raise TypeError(f"{name} must be a module name or a sequence of them, got {type(names).__name__}") from None
    known = dict(model.named_modules())
    for item in names:
        if not isinstance(item, str):
            raise TypeError(f"{name} must hold module names (str), got {type(item).__name__} {item!r}")
        if not item or item not in known:
            top = [n for n in known if n and "." not in n]
            deeper = next((f" (deeper ones are written like {n!r})" for n in known if "." in n), "")
            raise ValueError(f"{name}: {item!r} is not a module of this model; its top-level modules are "
                             f"{', '.join(top)}{deeper}")
    return names


def replace_head(model, num_classes, head="classifier.fc"):
    """Put a new, freshly initialised ``nn.Linear`` with ``num_classes`` outputs in place of the
    linear layer ``head`` (same inputs, device and dtype); returns ``model``, changed in place.
    The new layer's weights come from torch's random generator: seed it first."""
    if isinstance(num_classes, int) and not isinstance(num_classes, bool) and num_classes < 1:
        raise ValueError(f"num_classes must be >= 1: a head for {num_classes} classes has nothing to predict")
    num_classes = as_int(num_classes, "num_classes", minimum=1)
    (head,) = check_module_names(model, head, "head")
    old = model.get_submodule(head)
    if not isinstance(old, nn.Linear):
        raise ValueError(f"head: {head!r} is a {type(old).__name__}, expected the nn.Linear that makes the scores")
    parent, _, leaf = head.rpartition(".")
    new = nn.Linear(old.in_features, num_classes, bias=old.bias is not None, device=old.weight.device,
                    dtype=old.weight.dtype)
    setattr(model.get_submodule(parent) if parent else model, leaf, new)
    return model


def freeze(model, trainable=("classifier",), norm_statistics=True):
    """Freeze every parameter of ``model`` except those of the sub-modules named in ``trainable``
    (a name or a sequence; ``()`` freezes everything). Frozen batch-norm layers stay in eval mode
    from now on (see the module's notes); ``norm_statistics`` applies to the trainable ones, as in
    :func:`unfreeze`. Returns ``model``, changed in place."""
    trainable = check_module_names(model, trainable, "trainable")
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    for module in model.modules():
        if isinstance(module, NORMS):
            _hold_in_eval(module)
    return unfreeze(model, trainable, norm_statistics)


def unfreeze(model, names, norm_statistics=True):
    """Make the parameters of the sub-modules ``names`` (a name or a sequence) trainable again.

    norm_statistics: True lets their batch-norm layers follow ``model.train()`` again (batch
    statistics in training, running statistics updated); False keeps those layers in eval mode,
    their running statistics fixed while their scale and shift train (Keras' advice for
    fine-tuning with small batches). Returns ``model``.
    """
    names = check_module_names(model, names, "names")
    if not isinstance(norm_statistics, bool):
        raise TypeError(f"norm_statistics must be True or False, got {norm_statistics!r}")
    for name in names:
        part = model.get_submodule(name)
        for parameter in part.parameters():
            parameter.requires_grad_(True)
        for module in part.modules():
            if "train" in vars(module) and norm_statistics:
                del module.train
                module.train(model.training)
    return model


def trainable_parameters(model):
    """How many parameter values training will change: those with ``requires_grad``."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def frozen_norms(model):
    """Names of the batch-norm layers :func:`freeze` holds in eval mode."""
    return [name for name, module in model.named_modules() if "train" in vars(module)]


def _eval_only(module, mode=True):
    """``train()`` of a frozen batch-norm layer: whatever ``mode`` asks, stay in eval mode."""
    return nn.Module.train(module, False)


def _hold_in_eval(module):
    # A partial of a module-level function, unlike a bound method, survives torch.save and deepcopy.
    module.train = functools.partial(_eval_only, module)
    module.train()


def state_fingerprint(model):
    """Every parameter and buffer of ``model`` as ``{name: tensor clone}`` (for comparing before and
    after training with ``torch.equal``)."""
    return {name: tensor.clone() for name, tensor in model.state_dict().items()}


def changed_tensors(model, before):
    """Names of the parameters and buffers that differ (``torch.equal``) from ``before``, a
    :func:`state_fingerprint`."""
    now = model.state_dict()
    return [name for name, tensor in before.items() if not torch.equal(now[name].cpu(), tensor.cpu())]
