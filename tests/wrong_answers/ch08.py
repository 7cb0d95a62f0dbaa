"""Chapter 8: counting what trains, preparing a network for transfer, caching a frozen layer's outputs."""

_PREPARE = """def prepare_for_transfer(model, num_classes):
    {freeze}
    model.classifier.fc = nn.Linear({features}, num_classes)
    {after}
    return model"""
_FREEZE = "model.requires_grad_(False)"
_BN_EVAL = """for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.eval()"""


def _prepare(freeze=_FREEZE, features="model.classifier.fc.in_features", after=_BN_EVAL):
    return _PREPARE.format(freeze=freeze, features=features, after=after)


_CACHE = """def cache_outputs(backbone, images, path):
    if {exists}:
        return {load}
    {mode}
    with torch.no_grad():
        outputs = backbone(images)
    torch.save({saved}, path)
    return outputs"""


def _cache(exists="os.path.exists(path)", load="torch.load(path)", mode="backbone.eval()", saved="outputs"):
    return _CACHE.format(exists=exists, load=load, mode=mode, saved=saved)


CATALOGUE = {
    "check_count_trainable": dict(names=("count_trainable",), right=[
        """def count_trainable(model):
    total = 0
    for name, parameter in model.named_parameters():
        if parameter.requires_grad:
            total += parameter.numel()
    return total""",
        "def count_trainable(model):\n"
        "    return int(sum(np.prod(p.shape) for p in model.parameters() if p.requires_grad))",
    ], wrong=[
        ("def count_trainable(model):\n    return sum(p.numel() for p in model.parameters())", "every parameter"),
        ("def count_trainable(model):\n    return sum(p.numel() for p in model.parameters() if not p.requires_grad)",
         "frozen ones"),
        ("def count_trainable(model):\n    return sum(1 for p in model.parameters() if p.requires_grad)",
         "number of parameter tensors"),
        ("def count_trainable(model):\n    return sum(t.numel() for n, t in model.state_dict().items()\n"
         "               if dict(model.named_parameters()).get(n) is None or "
         "dict(model.named_parameters())[n].requires_grad)", None),
        ("def count_trainable(model):\n"
         "    return sum(p.numel() for n, p in model.named_parameters() if p.requires_grad and 'weight' in n)", None),
        ("def count_trainable(model):\n    return sum(p.numel() for p in model.classifier.parameters())", None),
        ("def count_trainable(model):\n"
         "    return sum(p.numel() for p in model.parameters() if p.requires_grad and p.dim() > 1)", "Biases are parameters too"),
        ("""def count_trainable(model):
    total = 0
    for layer in model.modules():
        total += sum(p.numel() for p in layer.parameters(recurse=False) if p.requires_grad)
    return total""", "shared by two layers"),
    ]),
    "check_prepare_for_transfer": dict(names=("prepare_for_transfer",), right=[
        """def prepare_for_transfer(model, num_classes):
    old = model.classifier.fc
    model.classifier.fc = nn.Linear(old.in_features, num_classes)
    for name, parameter in model.named_parameters():
        parameter.requires_grad = name.startswith("classifier.fc.")
    model.apply(lambda m: m.eval() if isinstance(m, nn.modules.batchnorm._BatchNorm) else None)
    return model""",
        """def prepare_for_transfer(model, num_classes):
    for p in model.parameters():
        p.requires_grad_(False)
    model.eval()
    model.classifier.fc = nn.Linear(model.classifier.fc.in_features, num_classes)
    return model""",
    ], wrong=[
        (_prepare(freeze="pass", after=_FREEZE + "\n    " + _BN_EVAL), "head is frozen too"),
        (_prepare(freeze="pass"), "still train"),
        (_prepare(after="pass"), "eval mode"),
        ("""def prepare_for_transfer(model, num_classes):
    model.requires_grad_(False)
    model.classifier.fc.out_features = num_classes
    model.eval()
    return model""", "still the old layer"),
        (_prepare(after=_BN_EVAL + "\n    for m in model.modules():\n        if isinstance(m, nn.Conv2d):\n"
                  "            m.reset_parameters()"), "pretrained"),
        (_prepare(features="8"), None),
        (_prepare(freeze="for n, p in model.named_parameters():\n        if 'weight' in n:\n"
                  "            p.requires_grad_(False)"), "still train"),
        (_prepare(after="model.train()"), "eval mode"),
        (_prepare(after=_BN_EVAL + "\n    model.classifier.fc.requires_grad_(False)\n"
                  "    model.classifier.fc.bias.requires_grad_(True)"), None),
        (_prepare(after=_BN_EVAL + "\n    for m in model.modules():\n        if isinstance(m, nn.BatchNorm2d):\n"
                  "            m.reset_running_stats()"), None),
    ]),
    "check_cache_outputs": dict(names=("cache_outputs",), right=[
        """from pathlib import Path


def cache_outputs(backbone, images, path):
    path = Path(path)
    if path.is_file():
        return torch.load(path, weights_only=True)
    was_training = backbone.training
    backbone.train(False)
    with torch.inference_mode():
        outputs = backbone(images).clone()
    backbone.train(was_training)
    torch.save(outputs, path)
    return outputs""",
        """def cache_outputs(backbone, images, path):
    try:
        return torch.load(path)
    except FileNotFoundError:
        pass
    backbone.eval()
    outputs = backbone(images).detach()
    torch.save(outputs, path)
    return outputs""",
    ], wrong=[
        (_cache(mode="pass"), "backbone.eval()"),
        ("""def cache_outputs(backbone, images, path):
    if os.path.exists(path):
        return torch.load(path)
    backbone.eval()
    outputs = backbone(images)
    torch.save(outputs.detach(), path)
    return outputs""", "no_grad"),
        (_cache(exists="False"), "ran again"),
        ("""_CACHE = {}


def cache_outputs(backbone, images, path):
    key = str(path)
    if key in _CACHE:
        return _CACHE[key]
    backbone.eval()
    with torch.no_grad():
        outputs = backbone(images)
    torch.save(outputs, path)
    _CACHE[key] = outputs
    return outputs""", None),
        (_cache(saved="outputs * 1.5"), "file at path"),
        ("""def cache_outputs(backbone, images, path):
    backbone.eval()
    with torch.no_grad():
        return backbone(images)""", "wrote no file"),
        ("""def cache_outputs(backbone, images, path):
    if os.path.exists(path):
        backbone.eval()
        with torch.no_grad():
            return backbone(images)
    backbone.eval()
    with torch.no_grad():
        outputs = backbone(images)
    torch.save(outputs, path)
    return outputs""", None),
        (_cache(load="torch.load(path)[:1]"), None),
    ]),
}
