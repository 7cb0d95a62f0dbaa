"""Discriminative learning rates: each part of a network trained with its own step size.

Fine-tuning moves a new head a lot (it starts random) and the pretrained layers a little (they are
already good, and the lower ones hold the most general features). ``torch.optim`` optimizers take
*parameter groups*, dicts ``{"params": [...], "lr": ...}``; :func:`parameter_groups` builds them
from module names, and :func:`cnncourse.training.fit` accepts them as ``parameters=``.
"""

from collections.abc import Mapping

from .freezing import check_module_names


def parameter_groups(model, learning_rates):
    """``[{"params", "lr", "name"}, ...]``: one group per entry of ``learning_rates``, a dict
    ``{module name: learning rate}``, holding that module's trainable parameters.

    Every trainable parameter must fall in exactly one named module, and every named module must
    have some: an error names what is missing, so no part trains at a rate nobody chose.
    """
    if not isinstance(learning_rates, Mapping):
        raise TypeError(f"learning_rates must be a dict {{module name: learning rate}}, got "
                        f"{type(learning_rates).__name__}")
    if not learning_rates:
        raise ValueError("learning_rates is empty: name at least one module and its learning rate")
    names = check_module_names(model, tuple(learning_rates), "learning_rates")
    owner, groups = {}, []
    for name in names:
        lr = learning_rates[name]
        if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not lr > 0:
            raise ValueError(f"learning_rates[{name!r}] must be a number > 0, got {lr!r}")
        params = [p for p in model.get_submodule(name).parameters() if p.requires_grad]
        if not params:
            raise ValueError(f"learning_rates: {name!r} has no trainable parameters (frozen? unfreeze it first)")
        for p in params:
            if id(p) in owner:
                raise ValueError(f"learning_rates: {name!r} and {owner[id(p)]!r} overlap; give each "
                                 "parameter one learning rate")
            owner[id(p)] = name
        groups.append({"params": params, "lr": float(lr), "name": name})
    left = [n for n, p in model.named_parameters() if p.requires_grad and id(p) not in owner]
    if left:
        raise ValueError(f"learning_rates: {len(left)} trainable parameter tensors belong to no named module "
                         f"(e.g. {left[0]!r}): add their module, or freeze them")
    return groups
