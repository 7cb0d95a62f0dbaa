"""What a model costs, stage by stage and layer by layer: output shapes, parameters, multiply-accumulates.

Multiply-accumulates (MACs) come from ``torch.utils.flop_counter.FlopCounterMode``, which counts
the convolutions and matrix products (2 FLOPs per multiply-add, so MACs = FLOPs / 2); batch norm,
activations and additions are not counted. Everything runs on the ``meta`` device by default:
shapes and counts without allocating a single weight, so even VGG-19 profiles in milliseconds.
"""

from dataclasses import dataclass
from functools import lru_cache

import torch
from torch.utils.flop_counter import FlopCounterMode

from ..shapes.summary import summary
from .zoo import MODELS, count_parameters, get_entry


@dataclass(frozen=True)
class StageRow:
    """One top-level part of a model: its name, output shape (C, H, W) or (features,), parameters, MACs."""

    name: str
    output_shape: tuple
    params: int
    macs: int


@dataclass(frozen=True)
class ModelProfile:
    """A model's stages and totals, for an input of shape ``input_shape`` (C, H, W), batch 1."""

    name: str
    input_shape: tuple
    stages: tuple

    @property
    def params(self):
        return sum(row.params for row in self.stages)

    @property
    def macs(self):
        return sum(row.macs for row in self.stages)


# Batch norm counts no MACs, but FlopCounterMode, finding no formula for it, decomposes it into
# primitive ops in Python to look for counted ones inside: most of a profile's time. Zero formulas
# for its forms skip that; the counts stay the same.
_aten = torch.ops.aten
NOT_COUNTED = {op: (lambda *args, **kwargs: 0) for op in (
    _aten.native_batch_norm.default, _aten._native_batch_norm_legit_no_training.default,
    _aten._native_batch_norm_legit.default, _aten._native_batch_norm_legit.no_stats,
    _aten.batch_norm.default, _aten._batch_norm_with_update.default, _aten._batch_norm_no_update.default)}


def _counter():
    return FlopCounterMode(display=False, custom_mapping=NOT_COUNTED)


def count_macs(module, x):
    """(output of ``module(x)``, multiply-accumulates it took)."""
    with _counter() as counter:
        out = module(x)
    return out, counter.get_total_flops() // 2


def stage_table(model, input_shape, device="meta"):
    """Run the top-level children of ``model`` (an nn.Sequential) one after another on a batch of one
    and return a :class:`StageRow` per child. ``device='meta'`` computes shapes without any data."""
    x = torch.zeros((1, *input_shape), device=device)
    rows = []
    with torch.no_grad():
        for name, child in model.named_children():
            x, macs = count_macs(child, x)
            rows.append(StageRow(name, tuple(x.shape[1:]), count_parameters(child), int(macs)))
    return tuple(rows)


def profile(name, device="meta"):
    """The :class:`ModelProfile` of the zoo model called ``name``, built (on ``device``) and profiled."""
    entry = get_entry(name)
    with torch.device(device):
        model = entry.build(num_classes=entry.num_classes).eval()
    return ModelProfile(name, entry.input_shape, stage_table(model, entry.input_shape, device))


def layer_table(model, input_shape):
    """Keras-style summary rows (see :func:`cnncourse.shapes.summary.summary`) with each layer's MACs added:
    a list of ``(name, kind, output_shape, params, macs)``, ready for :func:`format_layer_table`."""
    model = model.eval()
    device = next(model.parameters()).device
    with _counter() as counter, torch.no_grad():
        model(torch.zeros((1, *input_shape), device=device))
    per_module = {key.partition(".")[2]: sum(counts.values())
                  for key, counts in counter.get_flop_counts().items()}
    return [(row.name, row.kind, row.output_shape, row.params, int(per_module.get(row.name, 0) // 2))
            for row in summary(model, input_shape).rows]


def format_layer_table(rows):
    """The rows of :func:`layer_table` as aligned text, with totals."""
    lines = [("Layer (type)", "Output Shape", "Param #", "MACs")]
    lines += [(f"{name} ({kind})", str(shape), f"{params:,}", f"{macs:,}") for name, kind, shape, params, macs in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    text = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}  {d:>{widths[3]}}" for a, b, c, d in lines]
    rule = "-" * len(text[0])
    total_params, total_macs = sum(r[3] for r in rows), sum(r[4] for r in rows)
    return "\n".join([text[0], rule, *text[1:], rule,
                      f"Total params: {total_params:,}", f"Total MACs: {total_macs:,}"])


@lru_cache(maxsize=1)
def zoo_profiles():
    """``{name: ModelProfile}`` for every model of the zoo, computed once (on the meta device) and cached."""
    return {name: profile(name) for name in MODELS}
