"""Chapter 7's exercises: a residual block with a projection shortcut, the parameters of a VGG block,
a depthwise-separable block and its cost ratio.

A module answer is judged by what it does on the grader's inputs: its outputs and the shapes of
its convolutions come back as plain arrays (:func:`_conv_table`), never the module itself.
"""

import numpy as np
import torch
from torch import nn

from .convolution import distinct_pair
from .exercise import Exercise, LearnerError, safe_str, to_plain
from .feedback import ExerciseFailed, as_number_array, compare_numbers, type_name

_isclose = np.isclose
_maximum = np.maximum
# One row per nn.Conv2d of a module: in, out channels, kernel height, width, stride, groups, weights.
CONV_COLUMNS = ("in_channels", "out_channels", "kernel_h", "kernel_w", "stride", "groups", "weights")


def _allclose(a, b, atol=1e-5):
    return a.shape == b.shape and bool(_isclose(a, b, atol=atol, rtol=1e-5).all())


def _build(learner, *args, name):
    """The learner's module, or None when the call did not give an nn.Module (``kind`` says what it gave)."""
    module = learner.raw(0, *args, name=name)
    return (module, "Module") if isinstance(module, nn.Module) else (None, type(module).__name__)


def _conv_table(module):
    """The nn.Conv2d layers inside ``module`` as an int array (rows, CONV_COLUMNS)."""
    rows = [(c.in_channels, c.out_channels, *c.kernel_size, c.stride[0], c.groups, c.weight.numel())
            for c in module.modules() if isinstance(c, nn.Conv2d)]
    return np.array(rows, dtype=np.int64).reshape(-1, len(CONV_COLUMNS))


def _forward(module, x, name, outputs, key):
    """Store ``module(x)`` (no gradients) as plain data in ``outputs[key]``, or what it raised in
    ``outputs["error"]``, judged after the block's structure."""
    try:
        with torch.no_grad():
            outputs[key] = to_plain(module(torch.as_tensor(x)))
    except Exception as error:  # noqa: BLE001 - whatever the learner's forward raised
        outputs.setdefault("error", str(LearnerError(name, type(error).__name__, safe_str(error)).failure()))


def _forward_error(out):
    if "error" in out:
        raise ExerciseFailed(out["error"])


def _not_a_module(name, kind):
    raise ExerciseFailed(f"{name} gave {kind}, expected an nn.Module (did you subclass nn.Module and call "
                         "super().__init__()?).")


def _tensor_output(got, name):
    return as_number_array(got, name)


# ----- ResidualBlock(in_channels, out_channels, stride)

def _residual_case(rng, c_in, c_out, stride, size):
    return {"c_in": c_in, "c_out": c_out, "stride": stride,
            "x": rng.normal(size=(2, c_in, size, size)).astype(np.float32)}


def _residual_hidden(rng):
    c_in, c_out = distinct_pair(rng, 2, 12)
    same = int(rng.integers(2, 9))
    return [_residual_case(rng, c_in, c_out, 2, int(rng.integers(5, 11))),
            _residual_case(rng, same, same, 1, int(rng.integers(4, 8))),
            _residual_case(rng, c_out, c_in, 1, int(rng.integers(4, 8)))]


def _residual_name(case):
    return f"ResidualBlock({case['c_in']}, {case['c_out']}, stride={case['stride']})"


def _residual_run(learner, case):
    name = _residual_name(case)
    torch.manual_seed(7)
    block, kind = _build(learner, case["c_in"], case["c_out"], case["stride"], name=name)
    if block is None:
        return {"kind": kind}
    block.eval()
    parts = {part: getattr(block, part, None) for part in ("residual", "shortcut")}
    outputs = {"kind": kind, "parts": all(isinstance(p, nn.Module) for p in parts.values())}
    if outputs["parts"]:
        outputs["shortcut_convs"] = _conv_table(parts["shortcut"])
        _forward(block, case["x"], f"{name}(x)", outputs, "y")
        _forward(parts["residual"], case["x"], f"{name}.residual(x)", outputs, "f_x")
        _forward(parts["shortcut"], case["x"], f"{name}.shortcut(x)", outputs, "s_x")
    return outputs


def _residual_compare(case, out):
    name, stride, c_in, c_out = _residual_name(case), case["stride"], case["c_in"], case["c_out"]
    if out["kind"] != "Module":
        _not_a_module(name, out["kind"])
    if out["parts"] is not True:
        raise ExerciseFailed(f"{name} has no nn.Module attribute `residual` or `shortcut`: store F as "
                             "self.residual and W_s as self.shortcut (nn.Identity() when shapes agree).")
    convs = as_number_array(out["shortcut_convs"], f"{name}.shortcut")
    projection = convs.ndim == 2 and any(row[2] == row[3] == 1 and row[4] == stride for row in convs)
    if (stride != 1 or c_in != c_out) and not projection:
        raise ExerciseFailed(f"{name}: x and F(x) differ in shape, so the shortcut must be a 1x1 "
                             f"convolution with stride {stride} (W_s x), optionally followed by batch norm.")
    _forward_error(out)
    size = case["x"].shape[2]
    expected_shape = (2, c_out, -(-size // stride), -(-size // stride))
    got = _tensor_output(out["y"], f"{name}(x)")
    if got.shape != expected_shape:
        raise ExerciseFailed(f"{name}: output shape {got.shape}, expected {expected_shape}. "
                             "The first 3x3 conv takes the stride and both keep the size with padding=1.")
    f_x = _tensor_output(out["f_x"], f"{name}.residual(x)")
    s_x = _tensor_output(out["s_x"], f"{name}.shortcut(x)")
    if f_x.shape != expected_shape or s_x.shape != expected_shape:
        raise ExerciseFailed(f"{name}: self.residual(x) has shape {f_x.shape} and self.shortcut(x) "
                             f"{s_x.shape}; both should be {expected_shape}.")
    if stride == 1 and c_in == c_out and not _allclose(s_x, case["x"].astype(np.float64)):
        raise ExerciseFailed(f"{name}: shapes agree, so the shortcut should be the identity (nn.Identity()).")
    right = _maximum(f_x + s_x, 0)
    if _allclose(got, _maximum(f_x, 0) + s_x) and not _allclose(got, right):
        raise ExerciseFailed(f"{name}: the ReLU comes after the addition: ReLU(F(x) + W_s x).")
    if _allclose(got, f_x + s_x) and not _allclose(got, right):
        raise ExerciseFailed(f"{name}: the final ReLU is missing: return ReLU(F(x) + W_s x).")
    if not _allclose(got, right):
        raise ExerciseFailed(f"{name}: the output differs from ReLU(self.residual(x) + self.shortcut(x)). "
                             "Does forward add the shortcut of the block's input x?")


RESIDUAL_BLOCK = Exercise(
    "residual_block", ("ResidualBlock",),
    public=lambda: [_residual_case(np.random.default_rng(7), *spec) for spec in [(3, 8, 2, 8), (8, 8, 1, 8)]],
    hidden=_residual_hidden, run=_residual_run, compare=_residual_compare,
    success="Your residual block is correct. Well done!",
)


def check_residual_block(student_block, hidden=False):
    """Check ``ResidualBlock(in_channels, out_channels, stride)``: attributes ``residual`` (F) and
    ``shortcut`` (W_s, a strided 1x1 conv when shapes differ, the identity otherwise); forward returns
    ReLU(F(x) + shortcut(x)), shaped (N, out_channels, H / stride, W / stride)."""
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
    cases = []
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

def _separable_case(rng, c_in, c_out, k):
    return {"c_in": c_in, "c_out": c_out, "k": k, "x": rng.normal(size=(2, c_in, 9, 9)).astype(np.float32)}


def _separable_hidden(rng):
    return [_separable_case(rng, *distinct_pair(rng, 2, 16), k) for k in (3, 5)]


def _separable_name(case):
    return f"separable_block({case['c_in']}, {case['c_out']}, {case['k']})"


def _separable_run(learner, case):
    name = _separable_name(case)
    block, kind = _build(learner, case["c_in"], case["c_out"], case["k"], name=name)
    if block is None:
        return {"kind": kind}
    outputs = {"kind": kind, "convs": _conv_table(block)}
    _forward(block.eval(), case["x"], f"{name}(x)", outputs, "y")
    return outputs


def _separable_compare(case, out):
    c_in, c_out, k, name = case["c_in"], case["c_out"], case["k"], _separable_name(case)
    if out["kind"] != "Module":
        _not_a_module(name, out["kind"])
    convs = as_number_array(out["convs"], name).astype(np.int64)
    if convs.ndim != 2 or convs.shape[1] != len(CONV_COLUMNS):
        raise ExerciseFailed(f"{name}: its convolutions could not be read.")
    depthwise = [row for row in convs if row[5] == c_in and row[2] == row[3] == k]
    pointwise = [row for row in convs if row[2] == row[3] == 1 and row[1] == c_out]
    if not depthwise:
        raise ExerciseFailed(f"{name}: no depthwise convolution found: a {k}x{k} nn.Conv2d({c_in}, {c_in}, "
                             f"{k}, groups={c_in}) gives each channel its own filter.")
    if not pointwise:
        raise ExerciseFailed(f"{name}: no pointwise convolution found: a 1x1 nn.Conv2d(..., {c_out}, 1) "
                             "mixes the channels.")
    weights = int(convs[:, 6].sum())
    if weights != k * k * c_in + c_in * c_out:
        raise ExerciseFailed(f"{name} has {weights} convolution weights, expected k*k*c_in + c_in*c_out = "
                             f"{k * k * c_in + c_in * c_out}.")
    _forward_error(out)
    got = _tensor_output(out["y"], f"{name}(x)")
    if got.shape != (2, c_out, 9, 9):
        raise ExerciseFailed(f"{name}: output shape {got.shape}, expected (2, {c_out}, 9, 9): "
                             f"pad the depthwise conv by k // 2 = {k // 2}.")


SEPARABLE_BLOCK = Exercise(
    "separable_block", ("separable_block",),
    public=lambda: [_separable_case(np.random.default_rng(3), *spec) for spec in [(4, 8, 3), (3, 5, 3)]],
    hidden=_separable_hidden, run=_separable_run, compare=_separable_compare,
    success="Your depthwise-separable block is correct. Well done!",
)


def check_separable_block(student_builder, hidden=False):
    """Check ``separable_block(c_in, c_out, k)``: a depthwise k x k conv (groups = c_in, padding k // 2)
    then a pointwise 1x1 conv: (N, c_in, H, W) -> (N, c_out, H, W)."""
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
    if abs(got - 1 / expected) < 1e-9 * max(1.0, 1 / expected):
        raise ExerciseFailed(f"{name} gave {got:.6g}: that is standard / separable, the saving factor. "
                             "Return separable / standard (a number below 1).")
    if not abs(got - expected) <= 1e-9:
        raise ExerciseFailed(f"{name} gave {got:.6g}, expected {expected:.6g}. Per output pixel the "
                             "depthwise conv costs k*k*c_in and the pointwise c_in*c_out multiply-adds.")


def _ratio_hidden(rng):
    return [{"c_in": int(rng.integers(1, 300)), "c_out": int(rng.integers(2, 600)), "k": k} for k in (1, 3, 5)]


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
