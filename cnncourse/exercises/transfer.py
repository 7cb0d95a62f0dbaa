"""Chapter 8's exercises: counting what will train, a new head on a frozen network, and Horzyk's
cache of the last frozen layer's outputs.

The models are built from each case's plain numbers (layer widths, seeds) by the run step; what
comes back is plain data (counts, flags, arrays), judged against the reference in the compare step.
"""

import tempfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .exercise import Exercise, to_plain
from .feedback import ExerciseFailed, as_number_array, compare_numbers

_isclose = np.isclose


def _allclose(a, b, atol=1e-5):
    return a.shape == b.shape and bool(_isclose(a, b, atol=atol, rtol=1e-5).all())


def small_net(widths, num_classes=4, seed=0):
    """conv-BN-ReLU blocks ``block1``... (channels ``widths``) and a pooled linear head at
    ``classifier.fc``: (N, widths[0], H, W) -> (N, num_classes)."""
    torch.manual_seed(int(seed))
    widths = [int(w) for w in widths]
    layers = [(f"block{i + 1}", nn.Sequential(nn.Conv2d(a, b, 3, padding=1), nn.BatchNorm2d(b), nn.ReLU()))
              for i, (a, b) in enumerate(zip(widths, widths[1:]))]
    head = nn.Sequential(OrderedDict([("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()),
                                      ("fc", nn.Linear(widths[-1], num_classes))]))
    return nn.Sequential(OrderedDict(layers + [("classifier", head)]))


def _tied(widths, tied):
    """``small_net(widths)``; with ``tied``, its last block's convolution shares the weight of the block
    before (the two need as many channels in as out)."""
    model = small_net(widths)
    if tied:
        model[-2][0].weight = model[-3][0].weight
    return model


def _masked(case):
    """The case's network with parameter tensor i trainable where ``case["mask"][i]`` is 1."""
    model = _tied(case["widths"], case["tied"])
    for flag, parameter in zip(case["mask"], model.parameters()):
        parameter.requires_grad_(bool(flag))
    return model


# ----- count_trainable(model)

def _count_case(widths, trainable, tied=0):
    names = [name for name, _ in _tied(widths, tied).named_parameters()]
    mask = [int(name.startswith(tuple(trainable))) if trainable else 0 for name in names]
    return {"widths": np.array(widths, dtype=np.int64), "mask": np.array(mask, dtype=np.int64), "tied": tied}


def _count_hidden(rng):
    """Edges (everything frozen; everything trainable; only biases; a weight shared by two layers),
    then random masks."""
    cases = [_count_case((3, 5, 4), ()), _count_case((3, 4, 6), ("block", "classifier")),
             {"widths": np.array((3, 4, 2), dtype=np.int64), "mask": np.array([0, 1] * 5, dtype=np.int64), "tied": 0},
             _count_case((3, 5, 5, 5), ("block2", "block3", "classifier"), tied=1)]
    for blocks in (2, 3, 4):
        widths = [3] + [int(w) for w in rng.integers(2, 12, size=blocks)]
        mask = rng.integers(0, 2, size=4 * blocks + 2)
        cases.append({"widths": np.array(widths, dtype=np.int64), "mask": mask.astype(np.int64), "tied": 0})
    return cases


def _count_name(case):
    shared = ", a weight shared by two layers" if case["tied"] else ""
    return (f"count_trainable(network {list(map(int, case['widths']))}, {int(case['mask'].sum())} trainable "
            f"tensors{shared})")


def _count_compare(case, out):
    model = _masked(case)
    params = list(model.parameters())
    everything = sum(p.numel() for p in params)
    expected = sum(p.numel() for p in params if p.requires_grad)
    statistics = sum(t.numel() for n, t in model.state_dict().items() if n.endswith(("running_mean", "running_var")))
    twice = sum(p.numel() for m in model.modules() for p in m.parameters(recurse=False) if p.requires_grad)
    compare_numbers(out["n"], expected, _count_name(case), wrong_answers=[
        (twice, "A weight shared by two layers is one parameter: count it once (model.parameters() lists "
         "it once; looping over the layers counts it twice)."),
        (everything, "That is every parameter: count only those with p.requires_grad."),
        (everything - expected, "That is the frozen ones: count those whose requires_grad is True."),
        (int(case["mask"].sum()), "That is the number of parameter tensors; add up their sizes, p.numel()."),
        (sum(p.numel() for n, p in model.named_parameters() if p.requires_grad and n.endswith("weight")),
         "Biases are parameters too: count every p in model.parameters() with p.requires_grad."),
        (expected + statistics, "Batch norm's running mean and variance are buffers, not parameters: "
         "use model.parameters(), not the state dict."),
    ])


COUNT_TRAINABLE = Exercise(
    "count_trainable", ("count_trainable",),
    public=lambda: [_count_case((3, 6, 8), ("classifier",)), _count_case((3, 6, 8), ("block2", "classifier")),
                    _count_case((3, 6, 8, 10), ("block1", "block3", "classifier.fc.bias"))],
    hidden=_count_hidden,
    run=lambda learner, case: {"n": learner(0, _masked(case), name=_count_name(case))},
    compare=_count_compare, success="count_trainable is correct. Well done!",
)


def check_count_trainable(student_count, hidden=False):
    """Check ``count_trainable(model)``: how many parameter values have requires_grad."""
    return COUNT_TRAINABLE.check(student_count, hidden=hidden)


# ----- prepare_for_transfer(model, num_classes)

def _prepare_case(rng, widths, num_classes, seed, batch=2):
    return {"widths": np.array(widths, dtype=np.int64), "num_classes": num_classes, "seed": seed,
            "x": rng.normal(size=(batch, widths[0], 6, 5)).astype(np.float32)}


# Edges (widths, classes, seed, batch): one block, a single class, batch 1, as many classes as before.
PREPARE_EDGES = [((3, 5), 1, 11, 1), ((2, 4, 6, 3), 4, 12, 3)]


def _prepare_hidden(rng):
    cases = [_prepare_case(rng, *edge) for edge in PREPARE_EDGES]
    for blocks in (1, 2, 3):
        widths = [3] + [int(w) for w in rng.integers(2, 12, size=blocks)]
        cases.append(_prepare_case(rng, widths, int(rng.integers(2, 15)), int(rng.integers(0, 1000))))
    return cases


def _prepare_name(case):
    return f"prepare_for_transfer(model, {case['num_classes']})"


def pretrained_net(case):
    """The case's "pretrained" network, in train mode, its batch norms holding running statistics of
    their own (as a trained network's do)."""
    model = small_net(case["widths"], num_classes=4, seed=case["seed"])
    generator = torch.Generator().manual_seed(int(case["seed"]))
    with torch.no_grad():
        for layer in model.modules():
            if isinstance(layer, nn.BatchNorm2d):
                layer.running_mean.copy_(torch.rand(layer.num_features, generator=generator) * 2 - 1)
                layer.running_var.copy_(torch.rand(layer.num_features, generator=generator) + 0.5)
    return model.train()


def _outside_head(model):
    """``{name: tensor}`` of every parameter and buffer but the head's (``classifier.fc``)."""
    return {name: value for name, value in model.state_dict(keep_vars=True).items()
            if not name.startswith("classifier.fc.")}


def _first(names):
    return {"count": len(names), "first": names[0] if names else ""}


def _prepare_run(learner, case):
    name = _prepare_name(case)
    model = pretrained_net(case)
    old = model.classifier.fc
    before = {key: value.detach().clone() for key, value in _outside_head(model).items()}
    got = learner.raw(0, model, case["num_classes"], name=name)
    fc = getattr(getattr(got, "classifier", None), "fc", None)
    if not isinstance(got, nn.Module) or not isinstance(fc, nn.Linear):
        return {"kind": "None" if got is None else type(got).__name__, "linear": False}
    after = _outside_head(got)
    params = dict(got.named_parameters())
    out = {"kind": "Module", "linear": True, "same": fc is old, "inputs": fc.in_features, "outputs": fc.out_features,
           "head_trains": all(p.requires_grad for p in fc.parameters()), "has_bias": fc.bias is not None,
           **{f"outside.{k}": v for k, v in _first([n for n in after if n in params and params[n].requires_grad])
              .items()},
           **{f"changed.{k}": v for k, v in _first([n for n, v in before.items() if n not in after or not
                                                    torch.equal(after[n].detach(), v)]).items()},
           **{f"training.{k}": v for k, v in _first([n for n, m in got.named_modules()
                                                     if isinstance(m, nn.BatchNorm2d) and m.training]).items()}}
    try:
        y = got(torch.from_numpy(case["x"]))
        out["y"] = to_plain(y)
        y.sum().backward()
    except Exception as error:  # noqa: BLE001 - whatever the learner's model raised
        out["y_error"] = type(error).__name__
        return out
    out.update({f"stats.{k}": v for k, v in _first([n for n, v in before.items() if "running" in n and not
                                                    torch.equal(after[n].detach(), v)]).items()})
    out.update({f"grads.{k}": v for k, v in _first([n for n, p in params.items() if p.grad is not None
                                                    and not n.startswith("classifier.fc.")]).items()})
    out["head_grads"] = all(p.grad is not None for p in fc.parameters())
    out["fc.weight"], out["fc.bias"] = to_plain(fc.weight), None if fc.bias is None else to_plain(fc.bias)
    return out


def _prepare_structure(case, out, name):
    classes, features = case["num_classes"], int(case["widths"][-1])
    if out["kind"] == "None":
        raise ExerciseFailed(f"{name} returned None: return the model at the end.")
    if out["linear"] is not True:
        raise ExerciseFailed(f"{name} gave {out['kind']}; return the model, with an nn.Linear at model.classifier.fc.")
    if out["same"]:
        raise ExerciseFailed(f"{name}: model.classifier.fc is still the old layer, with 4 outputs. Assign a new "
                             "one: model.classifier.fc = nn.Linear(...).")
    if out["outputs"] != classes:
        raise ExerciseFailed(f"{name}: the new head has {out['outputs']} outputs, expected one per class, {classes}.")
    if out["inputs"] != features:
        raise ExerciseFailed(f"{name}: the new head takes {out['inputs']} inputs but the layer before gives "
                             f"{features}: use model.classifier.fc.in_features.")
    if out["has_bias"] is not True:
        raise ExerciseFailed(f"{name}: the new head has no bias; nn.Linear(in_features, num_classes) has one.")
    if out["head_trains"] is not True:
        raise ExerciseFailed(f"{name}: the new head is frozen too. Freeze the network first and replace the head "
                             "after (a new layer's parameters require gradients), or unfreeze the head.")
    if out["outside.count"]:
        raise ExerciseFailed(f"{name}: {out['outside.count']} parameter tensors outside the head still train (e.g. "
                             f"{out['outside.first']}): call requires_grad_(False) on every parameter but the head's.")
    if out["changed.count"]:
        raise ExerciseFailed(f"{name}: {out['changed.count']} pretrained tensors changed (e.g. "
                             f"{out['changed.first']}): keep the pretrained weights and statistics as they are; "
                             "only the head is new.")
    if out["training.count"]:
        raise ExerciseFailed(f"{name}: {out['training.count']} batch norm layers are still in training mode (e.g. "
                             f"{out['training.first']}), so a forward pass would replace their pretrained running "
                             "statistics: put every batch norm layer in eval mode (module.eval()).")


def _prepare_compare(case, out):
    name = _prepare_name(case)
    _prepare_structure(case, out, name)
    if "y_error" in out:
        raise ExerciseFailed(f"{name}: the returned model stopped with {out['y_error']} on a batch of images.")
    if out["stats.count"]:
        raise ExerciseFailed(f"{name}: a forward pass changed the running statistics of {out['stats.first']}: "
                             "put every batch norm layer in eval mode.")
    if out["grads.count"] or out["head_grads"] is not True:
        raise ExerciseFailed(f"{name}: gradients should reach the head's weight and bias only (they reached "
                             f"{out['grads.first'] or 'not the head'}).")
    got = as_number_array(out["y"], f"{name}(x)")
    with torch.no_grad():
        trunk = pretrained_net(case).eval()
        trunk.classifier.fc = nn.Identity()
        features = trunk(torch.from_numpy(case["x"])).double().numpy()
    expected = features @ np.asarray(out["fc.weight"], dtype=np.float64).T + np.asarray(out["fc.bias"])
    if got.shape != expected.shape:
        raise ExerciseFailed(f"{name}: the model now outputs shape {got.shape}, expected {expected.shape}.")
    if not _allclose(got, expected, atol=1e-4):
        raise ExerciseFailed(f"{name}: the model's outputs differ from the pretrained layers (batch norm in eval "
                             "mode) followed by your new head: keep every other layer as it was.")


PREPARE_FOR_TRANSFER = Exercise(
    "prepare_for_transfer", ("prepare_for_transfer",),
    public=lambda: [_prepare_case(np.random.default_rng(1), w, c, s) for w, c, s in
                    [((3, 6, 8), 5, 1), ((3, 6, 8, 10), 3, 2)]],
    hidden=_prepare_hidden, run=_prepare_run, compare=_prepare_compare,
    success="prepare_for_transfer is correct. Well done!",
)


def check_prepare_for_transfer(student_prepare, hidden=False):
    """Check ``prepare_for_transfer(model, num_classes)``: ``model.classifier.fc`` replaced by a new
    ``nn.Linear(in_features, num_classes)`` that trains, every other parameter frozen and unchanged,
    every batch norm layer in eval mode (its pretrained running statistics kept), the model returned.
    The check never calls ``.eval()`` itself: it runs the model in the state it is returned."""
    return PREPARE_FOR_TRANSFER.check(student_prepare, hidden=hidden)


# ----- cache_outputs(backbone, images, path)

class CountingBackbone(nn.Module):
    """conv 3x3 (3 -> 5) -> batch norm -> ReLU, counting its forward calls; its running statistics
    are set far from any batch's, so outputs in train mode differ clearly from eval mode's."""

    def __init__(self, seed):
        super().__init__()
        torch.manual_seed(int(seed))
        self.conv = nn.Conv2d(3, 5, 3, padding=1)
        self.bn = nn.BatchNorm2d(5)
        with torch.no_grad():
            self.bn.running_mean.uniform_(-2, 2)
            self.bn.running_var.uniform_(0.5, 3)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return torch.relu(self.bn(self.conv(x)))


def _cache_case(rng, n, size, seed):
    return {"seed": seed, "images": rng.normal(size=(n, 3, size, size)).astype(np.float32)}


def _cache_hidden(rng):
    """A batch of one image, then random batches."""
    return [_cache_case(rng, 1, 5, 17)] + [
        _cache_case(rng, int(rng.integers(2, 7)), int(rng.integers(4, 9)), int(rng.integers(0, 1000)))
        for _ in range(2)]


NAME = "cache_outputs(backbone, images, path)"


def _cache_run(learner, case):
    backbone = CountingBackbone(case["seed"]).train()
    images = torch.from_numpy(case["images"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "features.pt"
        got = learner.raw(0, backbone, images, path, name=NAME)
        out = {"kind": type(got).__name__, "y": _plain(got), "graph": bool(getattr(got, "requires_grad", False)),
               "written": path.is_file()}
        if out["written"]:
            try:
                out["saved"] = _plain(torch.load(path, weights_only=True))
            except Exception as error:  # noqa: BLE001 - a file torch cannot read back
                out["saved_error"] = type(error).__name__
        calls = backbone.calls
        again = learner.raw(0, backbone, images, path, name=f"{NAME}, second call") if out["written"] else None
        out["reran"] = backbone.calls != calls
        out["again"] = _plain(again)
        out.update(_prepared_call(learner, case, Path(folder) / "prepared.pt"))
    return out


def _prepared(case):
    """What the check itself writes at a new path: features the backbone would never give."""
    return np.random.default_rng(case["seed"] + 1).normal(size=_reference(case, False).shape).astype(np.float32)


def _prepared_call(learner, case, path):
    """A fresh call, with a fresh backbone, on a file the check prepared: what it returned, whether it ran."""
    torch.save(torch.from_numpy(_prepared(case)), path)
    backbone = CountingBackbone(case["seed"])
    got = learner.raw(0, backbone, torch.from_numpy(case["images"]), path, name=f"{NAME}, file already there")
    return {"prepared": _plain(got), "prepared_ran": backbone.calls > 0}


def _plain(value):
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else None


def _reference(case, train):
    with torch.no_grad():
        return CountingBackbone(case["seed"]).train(train)(torch.from_numpy(case["images"])).numpy()


def _cache_compare(case, out):
    if out["y"] is None:
        raise ExerciseFailed(f"{NAME} returned {out['kind']}; return the outputs, a tensor.")
    got, expected = as_number_array(out["y"], NAME), _reference(case, train=False)
    if got.shape != expected.shape:
        raise ExerciseFailed(f"{NAME}: outputs of shape {got.shape}, expected {expected.shape} "
                             "(backbone(images): one output per image).")
    if _allclose(got, _reference(case, train=True)) and not _allclose(got, expected):
        raise ExerciseFailed(f"{NAME}: these outputs used each batch's own statistics: call backbone.eval() "
                             "first, so batch norm uses its stored running statistics.")
    if not _allclose(got, expected):
        raise ExerciseFailed(f"{NAME}: the outputs differ from backbone(images) in eval mode.")
    if out["graph"]:
        raise ExerciseFailed(f"{NAME}: the outputs carry a gradient graph; compute them inside "
                             "`with torch.no_grad():` (nothing below the cached layer trains).")
    if not out["written"]:
        raise ExerciseFailed(f"{NAME} wrote no file at path: save the outputs with torch.save(outputs, path).")
    if "saved_error" in out:
        raise ExerciseFailed(f"{NAME}: torch.load could not read the file at path ({out['saved_error']}): save "
                             "the outputs with torch.save(outputs, path).")
    saved = out.get("saved")
    if saved is None or not _allclose(as_number_array(saved, "the saved file"), got, atol=0):
        raise ExerciseFailed(f"{NAME}: the file at path does not hold the returned outputs; torch.save exactly them.")
    if out["reran"]:
        raise ExerciseFailed(f"{NAME}, second call: the backbone ran again although the file exists. When "
                             "os.path.exists(path), return torch.load(path) without running it.")
    again = out["again"]
    if again is None or not _allclose(as_number_array(again, f"{NAME}, second call"), got, atol=0):
        raise ExerciseFailed(f"{NAME}, second call: return what the file holds, the same outputs as the first call.")
    prepared = out["prepared"]
    if out["prepared_ran"] or prepared is None or not _allclose(as_number_array(prepared, NAME), _prepared(case),
                                                                atol=0):
        raise ExerciseFailed(f"{NAME}, called with a file already at path (one your code did not write in this "
                             "session): return torch.load(path), without running the backbone. Keep nothing in "
                             "memory between calls: the file is the cache.")


CACHE_OUTPUTS = Exercise(
    "cache_outputs", ("cache_outputs",),
    public=lambda: [_cache_case(np.random.default_rng(0), n, size, seed) for n, size, seed in [(6, 8, 0), (3, 6, 4)]],
    hidden=_cache_hidden, run=_cache_run, compare=_cache_compare,
    success="cache_outputs is correct: Horzyk's cache of the last frozen layer, in a few lines. Well done!",
)


def check_cache_outputs(student_cache, hidden=False):
    """Check ``cache_outputs(backbone, images, path)``: ``backbone(images)`` in eval mode without
    gradients, saved to ``path`` with torch.save; a second call with the file there loads it and
    does not run the backbone."""
    return CACHE_OUTPUTS.check(student_cache, hidden=hidden)
