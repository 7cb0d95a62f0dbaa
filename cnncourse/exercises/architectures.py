"""Chapter 7's exercises: a residual block with a projection shortcut, the parameters of a VGG block,
a depthwise-separable block and its cost ratio.

A module answer is judged by what it does (:mod:`cnncourse.exercises.modules`): its outputs in eval
and train mode must equal the forward pass the exercise describes, rebuilt by the grader from the
block's own weights; never the module itself comes back, only plain arrays.
"""

import numpy as np
import torch
from torch import nn

from . import modules
from .convolution import distinct_pair
from .exercise import Exercise
from .feedback import ExerciseFailed, as_number_array, compare_numbers, type_name


def _build(learner, *args, name):
    """The learner's module, or None when the call did not give an nn.Module (``kind`` says what it gave)."""
    module = learner.raw(0, *args, name=name)
    return (module, "Module") if isinstance(module, nn.Module) else (None, type(module).__name__)


def _not_a_module(name, kind):
    raise ExerciseFailed(f"{name} gave {kind}, expected an nn.Module (did you subclass nn.Module and call "
                         "super().__init__()?).")


def _gradients_reach_every_conv(out, name):
    grads = out["grads"]
    if type(grads) is not np.ndarray or not grads.all():
        raise ExerciseFailed(f"{name}: no gradient reached some of the block's convolutions: does forward use "
                             "every layer, without .detach() or torch.no_grad()?")


# ----- ResidualBlock(in_channels, out_channels, stride)

def _residual_case(rng, c_in, c_out, stride, height, width=None, batch=2):
    return {"c_in": c_in, "c_out": c_out, "stride": stride,
            "x": rng.normal(size=(batch, c_in, height, width or height)).astype(np.float32)}


# Edges (c_in, c_out, stride, H, W, batch): batch 1, odd non-square maps with stride 2, stride 2 with
# as many channels out as in (a projection all the same), fewer channels out than in.
RESIDUAL_EDGES = [(3, 3, 2, 5, 7, 1), (4, 2, 1, 6, 3, 2), (2, 2, 1, 4, 5, 3)]


def _residual_hidden(rng):
    c_in, c_out = distinct_pair(rng, 2, 12)
    edges = [_residual_case(rng, *edge) for edge in RESIDUAL_EDGES]
    return edges + [_residual_case(rng, c_in, c_out, 2, *distinct_pair(rng, 5, 10)),
                    _residual_case(rng, c_out, c_in, 1, int(rng.integers(4, 8)))]


def _residual_name(case):
    return f"ResidualBlock({case['c_in']}, {case['c_out']}, stride={case['stride']})"


def _residual_run(learner, case):
    name = _residual_name(case)
    torch.manual_seed(7)
    block, kind = _build(learner, case["c_in"], case["c_out"], case["stride"], name=name)
    if block is None:
        return {"kind": kind}
    parts = {part: getattr(block, part, None) for part in ("residual", "shortcut")}
    outputs = {"kind": kind, "parts": all(isinstance(p, nn.Module) for p in parts.values())}
    if outputs["parts"]:
        modules.scramble_statistics(block, case["c_in"] * 31 + case["c_out"])
        outputs.update(modules.layers_of(parts["residual"], "f."))
        outputs.update(modules.layers_of(parts["shortcut"], "s."))
        modules.outputs_of(block, case["x"], f"{name}(x)", outputs)
    return outputs


def _residual_layers(out, case, name):
    """Check the block holds the layers the exercise asks for; True when the shortcut is a projection."""
    c_in, c_out, stride = case["c_in"], case["c_out"], case["stride"]
    if out["f.convs"] != 2 or out["f.norms"] != 2:
        raise ExerciseFailed(f"{name}: self.residual should hold two 3x3 convolutions, each followed by batch "
                             f"norm; it has {out['f.convs']} nn.Conv2d and {out['f.norms']} nn.BatchNorm2d.")
    modules.weight_of(out, "f.conv0.weight", (c_out, c_in, 3, 3), name, "the first 3x3 convolution")
    modules.weight_of(out, "f.conv1.weight", (c_out, c_out, 3, 3), name, "the second 3x3 convolution")
    projection = out["s.convs"] > 0
    if (stride != 1 or c_in != c_out) and (out["s.convs"] != 1 or out["s.norms"] != 1):
        raise ExerciseFailed(f"{name}: x and F(x) differ in shape, so the shortcut must be a 1x1 "
                             f"convolution with stride {stride} (W_s x), followed by batch norm.")
    if stride == 1 and c_in == c_out and (projection or out["s.norms"]):
        raise ExerciseFailed(f"{name}: shapes agree, so the shortcut should be the identity (nn.Identity()).")
    if projection:
        modules.weight_of(out, "s.conv0.weight", (c_out, c_in, 1, 1), name, "the shortcut's convolution")
        if out["s.conv0.stride"] != stride:
            raise ExerciseFailed(f"{name}: the shortcut must be a 1x1 convolution with stride {stride}, like the "
                                 "first 3x3 convolution, so that W_s x has the shape of F(x).")
    modules.no_biases(out, "f.", 2, name)
    modules.no_biases(out, "s.", out["s.convs"], name)
    return projection


def _residual_compare(case, out):
    name, stride = _residual_name(case), case["stride"]
    if out["kind"] != "Module":
        _not_a_module(name, out["kind"])
    if out["parts"] is not True:
        raise ExerciseFailed(f"{name} has no nn.Module attribute `residual` or `shortcut`: store F as "
                             "self.residual and W_s as self.shortcut (nn.Identity() when shapes agree).")
    projection = _residual_layers(out, case, name)
    modules.forward_error(out)
    x = torch.from_numpy(case["x"].astype(np.float64))

    def residual(training):
        first = modules.norm(out, "f.norm0", modules.conv(out, "f.conv0", x, stride, 1), training, name)
        return modules.norm(out, "f.norm1", modules.conv(out, "f.conv1", torch.relu(first), 1, 1), training, name)

    def shortcut(training):
        if not projection:
            return x
        return modules.norm(out, "s.norm0", modules.conv(out, "s.conv0", x, stride), training, name)

    for mode, training in (("eval", False), ("train", True)):
        got = as_number_array(out[mode], f"{name}(x)")
        f_x, s_x = residual(training).numpy(), shortcut(training).numpy()
        right = np.maximum(f_x + s_x, 0)
        if got.shape != right.shape:
            raise ExerciseFailed(f"{name}: output shape {got.shape}, expected {right.shape}. The first 3x3 "
                                 "conv takes the stride and both keep the size with padding=1.")
        if modules.allclose(got, np.maximum(f_x, 0) + s_x) and not modules.allclose(got, right):
            raise ExerciseFailed(f"{name}: the ReLU comes after the addition: ReLU(F(x) + W_s x).")
        if modules.allclose(got, f_x + s_x) and not modules.allclose(got, right):
            raise ExerciseFailed(f"{name}: the final ReLU is missing: return ReLU(F(x) + W_s x).")
        if not modules.allclose(got, right):
            raise ExerciseFailed(
                f"{name}: in {mode} mode the output differs from ReLU(F(x) + W_s x) computed with your block's "
                f"own weights, where F = 3x3 conv (stride {stride}, padding 1), batch norm, ReLU, 3x3 conv "
                "(padding 1), batch norm. Does forward add the shortcut of the block's input x, and use "
                "every layer in that order?")
    _gradients_reach_every_conv(out, name)


RESIDUAL_BLOCK = Exercise(
    "residual_block", ("ResidualBlock",),
    public=lambda: [_residual_case(np.random.default_rng(7), *spec) for spec in [(3, 8, 2, 8), (8, 8, 1, 8)]],
    hidden=_residual_hidden, run=_residual_run, compare=_residual_compare,
    success="Your residual block is correct. Well done!",
)


def check_residual_block(student_block, hidden=False):
    """Check ``ResidualBlock(in_channels, out_channels, stride)``: attributes ``residual`` (F) and
    ``shortcut`` (W_s, a strided 1x1 conv and batch norm when shapes differ, the identity otherwise);
    forward returns ReLU(F(x) + shortcut(x)), (N, out_channels, ceil(H / stride), ceil(W / stride)),
    checked against the block's own weights in eval and train mode."""
    return RESIDUAL_BLOCK.check(student_block, hidden=hidden)


# ----- vgg_block_parameters(c_in, c_out, convs)

def vgg_block_parameters(c_in, c_out, convs):
    """The reference answer: ``convs`` 3x3 convolutions with biases, c_in -> c_out, then c_out -> c_out."""
    return (9 * c_in + 1) * c_out + (convs - 1) * (9 * c_out + 1) * c_out


def _vgg_name(case):
    return f"vgg_block_parameters({case['c_in']}, {case['c_out']}, {case['convs']})"


def _vgg_compare(case, out):
    c_in, c_out, convs = case["c_in"], case["c_out"], case["convs"]
    compare_numbers(out["n"], vgg_block_parameters(c_in, c_out, convs), _vgg_name(case), wrong_answers=[
        (9 * c_in * c_out + (convs - 1) * 9 * c_out * c_out, "The biases are missing: one per filter."),
        (convs * (9 * c_in + 1) * c_out, "Only the first convolution sees c_in channels; the others "
         "take the c_out maps of the one before."),
        ((c_in + 1) * c_out + (convs - 1) * (c_out + 1) * c_out,
         "Each filter is 3 x 3 x (input channels): multiply by 9."),
    ])


def _vgg_hidden(rng):
    """Edges (as many channels out as in; one channel out of one conv), then random blocks of 1 to 4 convs."""
    cases = [{"c_in": 64, "c_out": 64, "convs": 2}, {"c_in": 3, "c_out": 1, "convs": 1}]
    for convs in (1, 2, 3, 4):
        c_in, c_out = distinct_pair(rng, 1, 512)
        cases.append({"c_in": c_in, "c_out": c_out, "convs": convs})
    return cases


VGG_BLOCK_PARAMETERS = Exercise(
    "vgg_block_parameters", ("vgg_block_parameters",),
    public=lambda: [{"c_in": a, "c_out": b, "convs": c} for a, b, c in [(3, 64, 2), (64, 128, 2), (128, 256, 3)]],
    hidden=_vgg_hidden,
    run=lambda learner, case: {"n": learner(0, case["c_in"], case["c_out"], case["convs"], name=_vgg_name(case))},
    compare=_vgg_compare, success="vgg_block_parameters is correct. Well done!",
)


def check_vgg_block_parameters(student_count, hidden=False):
    """Check ``vgg_block_parameters(c_in, c_out, convs)`` on VGG-16's blocks (and others when hidden)."""
    return VGG_BLOCK_PARAMETERS.check(student_count, hidden=hidden)


# ----- separable_block(c_in, c_out, k)

def _separable_case(rng, c_in, c_out, k, height=9, width=9, batch=2):
    return {"c_in": c_in, "c_out": c_out, "k": k,
            "x": rng.normal(size=(batch, c_in, height, width)).astype(np.float32)}


# Edges (c_in, c_out, k, H, W, batch): a 1x1 depthwise kernel, one input channel, fewer channels out
# than in, batch 1 on a non-square map.
SEPARABLE_EDGES = [(3, 5, 1, 4, 6, 2), (1, 4, 3, 5, 5, 2), (6, 2, 5, 7, 6, 1)]


def _separable_hidden(rng):
    edges = [_separable_case(rng, *edge) for edge in SEPARABLE_EDGES]
    return edges + [_separable_case(rng, *distinct_pair(rng, 2, 16), k, *distinct_pair(rng, 5, 11)) for k in (3, 5)]


def _separable_name(case):
    return f"separable_block({case['c_in']}, {case['c_out']}, {case['k']})"


def _separable_run(learner, case):
    name = _separable_name(case)
    torch.manual_seed(3)
    block, kind = _build(learner, case["c_in"], case["c_out"], case["k"], name=name)
    if block is None:
        return {"kind": kind}
    outputs = {"kind": kind, **modules.layers_of(block, "")}
    modules.outputs_of(block, case["x"], f"{name}(x)", outputs)
    return outputs


def _separable_compare(case, out):
    c_in, c_out, k, name = case["c_in"], case["c_out"], case["k"], _separable_name(case)
    if out["kind"] != "Module":
        _not_a_module(name, out["kind"])
    if out["convs"] != 2:
        raise ExerciseFailed(f"{name} holds {out['convs']} nn.Conv2d; expected two: a depthwise {k}x{k} "
                             f"nn.Conv2d({c_in}, {c_in}, {k}, groups={c_in}), then a pointwise 1x1 "
                             f"nn.Conv2d({c_in}, {c_out}, 1).")
    shapes = [as_number_array(out[f"conv{i}.weight"], name).shape for i in range(2)]
    if (c_in, 1, k, k) not in shapes:
        raise ExerciseFailed(f"{name}: no depthwise convolution found: its weights would have shape ({c_in}, 1, "
                             f"{k}, {k}); yours have {shapes[0]} and {shapes[1]}. A {k}x{k} nn.Conv2d({c_in}, "
                             f"{c_in}, {k}, groups={c_in}) gives each channel its own filter.")
    depthwise = f"conv{shapes.index((c_in, 1, k, k))}"
    pointwise = "conv1" if depthwise == "conv0" else "conv0"
    modules.weight_of(out, f"{pointwise}.weight", (c_out, c_in, 1, 1), name, "the pointwise convolution")
    modules.no_biases(out, "", 2, name)
    if out["norms"]:
        raise ExerciseFailed(f"{name}: leave out batch norm, as the exercise says (add it once the checks pass).")
    modules.forward_error(out)
    got = as_number_array(out["eval"], f"{name}(x)")
    size = case["x"].shape[2:]
    if got.ndim == 4 and got.shape[2:] != size:
        raise ExerciseFailed(f"{name}: output shape {got.shape}, expected ({case['x'].shape[0]}, {c_out}, "
                             f"{size[0]}, {size[1]}): pad the depthwise conv by k // 2 = {k // 2}.")
    x = torch.from_numpy(case["x"].astype(np.float64))
    modules.compare_modes(out, lambda training: modules.conv(out, pointwise, modules.conv(
        out, depthwise, x, 1, k // 2, c_in)), name, "pointwise(depthwise(x)) (no activation between)")
    _gradients_reach_every_conv(out, name)


SEPARABLE_BLOCK = Exercise(
    "separable_block", ("separable_block",),
    public=lambda: [_separable_case(np.random.default_rng(3), *spec) for spec in [(4, 8, 3), (3, 5, 3)]],
    hidden=_separable_hidden, run=_separable_run, compare=_separable_compare,
    success="Your depthwise-separable block is correct. Well done!",
)


def check_separable_block(student_builder, hidden=False):
    """Check ``separable_block(c_in, c_out, k)``: a depthwise k x k conv (groups = c_in, padding k // 2)
    then a pointwise 1x1 conv, no biases: (N, c_in, H, W) -> (N, c_out, H, W), checked against the
    block's own weights."""
    return SEPARABLE_BLOCK.check(student_builder, hidden=hidden)


# ----- separable_cost_ratio(c_in, c_out, k)

def separable_cost_ratio(c_in, c_out, k):
    """The reference answer: separable / standard MACs = (k^2 c_in + c_in c_out) / (k^2 c_in c_out)."""
    return (k * k * c_in + c_in * c_out) / (k * k * c_in * c_out)


def _ratio_name(case):
    return f"separable_cost_ratio({case['c_in']}, {case['c_out']}, {case['k']})"


def _ratio_compare(case, out):
    name, got = _ratio_name(case), out["r"]
    expected = separable_cost_ratio(case["c_in"], case["c_out"], case["k"])
    if type(got) not in (int, float):
        raise ExerciseFailed(f"{name} returned {type_name(got)}; expected a number.")
    if abs(got - expected) <= 1e-9:
        return
    if abs(got - 1 / expected) < 1e-9 * max(1.0, 1 / expected):
        raise ExerciseFailed(f"{name} gave {got:.6g}: that is standard / separable, the saving factor. "
                             "Return separable / standard (a number below 1).")
    near = [(1 / case["c_in"] + 1 / case["k"] ** 2, "c_in and c_out are swapped: the pointwise conv's share is "
             "c_in * c_out / (k*k * c_in * c_out) = 1 / c_out."),
            (1 / case["c_out"] + 1 / 9, "k is an argument: the depthwise conv's share is 1 / k**2, not a fixed 1/9.")]
    hint = next((message for value, message in near if abs(got - value) <= 1e-9),
                "Per output pixel the depthwise conv costs k*k*c_in and the pointwise c_in*c_out multiply-adds.")
    raise ExerciseFailed(f"{name} gave {got:.6g}, expected {expected:.6g}. {hint}")


def _ratio_hidden(rng):
    """Edges (one output channel; a 1x1 kernel with as many channels out as in), then random layers."""
    return [{"c_in": 7, "c_out": 1, "k": 3}, {"c_in": 16, "c_out": 16, "k": 1}] + [
        {"c_in": int(rng.integers(1, 300)), "c_out": int(rng.integers(2, 600)), "k": k} for k in (1, 3, 5)]


SEPARABLE_COST_RATIO = Exercise(
    "separable_cost_ratio", ("separable_cost_ratio",),
    public=lambda: [{"c_in": a, "c_out": b, "k": c} for a, b, c in [(32, 64, 3), (512, 512, 3), (16, 24, 5)]],
    hidden=_ratio_hidden,
    run=lambda learner, case: {"r": learner(0, case["c_in"], case["c_out"], case["k"], name=_ratio_name(case))},
    compare=_ratio_compare, success="separable_cost_ratio is correct. Well done!",
)


def check_separable_cost_ratio(student_ratio, hidden=False):
    """Check ``separable_cost_ratio(c_in, c_out, k)`` = 1 / c_out + 1 / k^2."""
    return SEPARABLE_COST_RATIO.check(student_ratio, hidden=hidden)
