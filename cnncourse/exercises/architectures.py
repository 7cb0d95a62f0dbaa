"""Checks for chapter 7's exercises: a residual block with a projection shortcut, the parameters of a
VGG block, a depthwise-separable block and its cost ratio."""

import torch
from torch import nn

from .feedback import ExerciseFailed, call, compare_numbers

_allclose = torch.allclose
_relu = torch.relu


def _build(cls, *args, name):
    """Instantiate the learner's nn.Module class, with the usual friendly errors."""
    module = call(cls, *args, name=name)
    if not isinstance(module, nn.Module):
        raise ExerciseFailed(f"{name} gave {type(module).__name__}, expected an nn.Module (did you "
                             "subclass nn.Module and call super().__init__()?).")
    return module


def _is_projection(shortcut, stride):
    convs = [m for m in shortcut.modules() if isinstance(m, nn.Conv2d)]
    return any(c.kernel_size == (1, 1) and c.stride == (stride, stride) for c in convs)


def check_residual_block(student_block, hidden=False):
    """Check ``ResidualBlock(in_channels, out_channels, stride)``: attributes ``residual`` (F) and
    ``shortcut`` (W_s, a strided 1x1 conv when shapes differ, the identity otherwise); forward returns
    ReLU(F(x) + shortcut(x)), shaped (N, out_channels, H / stride, W / stride)."""
    cases = [(8, 16, 2, 10), (4, 4, 1, 6), (6, 12, 1, 5)] if hidden else [(3, 8, 2, 8), (8, 8, 1, 8)]
    torch.manual_seed(7)
    for c_in, c_out, stride, size in cases:
        name = f"ResidualBlock({c_in}, {c_out}, stride={stride})"
        block = _build(student_block, c_in, c_out, stride, name=name).eval()
        for part in ("residual", "shortcut"):
            if not isinstance(getattr(block, part, None), nn.Module):
                raise ExerciseFailed(f"{name} has no nn.Module attribute `{part}`: store F as self.residual "
                                     "and W_s as self.shortcut (nn.Identity() when shapes agree).")
        if (stride != 1 or c_in != c_out) and not _is_projection(block.shortcut, stride):
            raise ExerciseFailed(f"{name}: x and F(x) differ in shape, so the shortcut must be a 1x1 "
                                 f"convolution with stride {stride} (W_s x), optionally followed by batch norm.")
        x = torch.randn(2, c_in, size, size)
        with torch.no_grad():
            got = call(block, x, name=f"{name}(x)")
            f_x, s_x = block.residual(x), block.shortcut(x)
        expected_shape = (2, c_out, -(-size // stride), -(-size // stride))
        if tuple(got.shape) != expected_shape:
            raise ExerciseFailed(f"{name}: output shape {tuple(got.shape)}, expected {expected_shape}. "
                                 "The first 3x3 conv takes the stride and both keep the size with padding=1.")
        if stride == 1 and c_in == c_out and not _allclose(s_x, x):
            raise ExerciseFailed(f"{name}: shapes agree, so the shortcut should be the identity (nn.Identity()).")
        if _allclose(got, _relu(f_x) + s_x, atol=1e-5) and not _allclose(got, _relu(f_x + s_x), atol=1e-5):
            raise ExerciseFailed(f"{name}: the ReLU comes after the addition: ReLU(F(x) + W_s x).")
        if _allclose(got, f_x + s_x, atol=1e-5) and not _allclose(got, _relu(f_x + s_x), atol=1e-5):
            raise ExerciseFailed(f"{name}: the final ReLU is missing: return ReLU(F(x) + W_s x).")
        if not _allclose(got, _relu(f_x + s_x), atol=1e-5):
            raise ExerciseFailed(f"{name}: the output differs from ReLU(self.residual(x) + self.shortcut(x)). "
                                 "Does forward add the shortcut of the block's input x?")
    return "Your residual block is correct. Well done!"


def vgg_block_parameters(c_in, c_out, convs):
    """The reference answer: ``convs`` 3x3 convolutions with biases, c_in -> c_out, then c_out -> c_out."""
    return (9 * c_in + 1) * c_out + (convs - 1) * (9 * c_out + 1) * c_out


def check_vgg_block_parameters(student_count, hidden=False):
    """Check ``vgg_block_parameters(c_in, c_out, convs)`` on VGG-16's blocks (and others when hidden)."""
    cases = [(5, 7, 3), (64, 64, 1), (1, 2, 4), (512, 512, 3)] if hidden else [(3, 64, 2), (64, 128, 2),
                                                                              (128, 256, 3)]
    for c_in, c_out, convs in cases:
        name = f"vgg_block_parameters({c_in}, {c_out}, {convs})"
        got = call(student_count, c_in, c_out, convs, name=name)
        compare_numbers(got, vgg_block_parameters(c_in, c_out, convs), name, wrong_answers=[
            (9 * c_in * c_out + (convs - 1) * 9 * c_out * c_out, "The biases are missing: one per filter."),
            (convs * (9 * c_in + 1) * c_out, "Only the first convolution sees c_in channels; the others "
             "take the c_out maps of the one before."),
            ((c_in + 1) * c_out + (convs - 1) * (c_out + 1) * c_out,
             "Each filter is 3 x 3 x (input channels): multiply by 9."),
        ])
    return "vgg_block_parameters is correct. Well done!"


def check_separable_block(student_builder, hidden=False):
    """Check ``separable_block(c_in, c_out, k)``: a depthwise k x k conv (groups = c_in, padding k // 2)
    then a pointwise 1x1 conv: (N, c_in, H, W) -> (N, c_out, H, W)."""
    cases = [(6, 10, 5), (16, 4, 3)] if hidden else [(4, 8, 3), (3, 5, 3)]
    for c_in, c_out, k in cases:
        name = f"separable_block({c_in}, {c_out}, {k})"
        block = _build(student_builder, c_in, c_out, k, name=name)
        convs = [m for m in block.modules() if isinstance(m, nn.Conv2d)]
        depthwise = [c for c in convs if c.groups == c_in and c.kernel_size == (k, k)]
        pointwise = [c for c in convs if c.kernel_size == (1, 1) and c.out_channels == c_out]
        if not depthwise:
            raise ExerciseFailed(f"{name}: no depthwise convolution found: a {k}x{k} nn.Conv2d({c_in}, {c_in}, "
                                 f"{k}, groups={c_in}) gives each channel its own filter.")
        if not pointwise:
            raise ExerciseFailed(f"{name}: no pointwise convolution found: a 1x1 nn.Conv2d(..., {c_out}, 1) "
                                 "mixes the channels.")
        weights = sum(c.weight.numel() for c in convs)
        if weights != k * k * c_in + c_in * c_out:
            raise ExerciseFailed(f"{name} has {weights} convolution weights, expected k*k*c_in + c_in*c_out = "
                                 f"{k * k * c_in + c_in * c_out}.")
        with torch.no_grad():
            out = call(block.eval(), torch.zeros(2, c_in, 9, 9), name=f"{name}(x)")
        if tuple(out.shape) != (2, c_out, 9, 9):
            raise ExerciseFailed(f"{name}: output shape {tuple(out.shape)}, expected (2, {c_out}, 9, 9): "
                                 f"pad the depthwise conv by k // 2 = {k // 2}.")
    return "Your depthwise-separable block is correct. Well done!"


def separable_cost_ratio(c_in, c_out, k):
    """The reference answer: separable / standard MACs = (k^2 c_in + c_in c_out) / (k^2 c_in c_out)."""
    return (k * k * c_in + c_in * c_out) / (k * k * c_in * c_out)


def check_separable_cost_ratio(student_ratio, hidden=False):
    """Check ``separable_cost_ratio(c_in, c_out, k)`` = 1 / c_out + 1 / k^2."""
    cases = [(7, 3, 5), (1, 1, 1), (256, 512, 3)] if hidden else [(32, 64, 3), (512, 512, 3), (16, 24, 5)]
    for c_in, c_out, k in cases:
        name = f"separable_cost_ratio({c_in}, {c_out}, {k})"
        got = call(student_ratio, c_in, c_out, k, name=name)
        expected = separable_cost_ratio(c_in, c_out, k)
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            raise ExerciseFailed(f"{name} returned {got!r}; expected a number.")
        if abs(got - 1 / expected) < 1e-9 * max(1.0, 1 / expected):
            raise ExerciseFailed(f"{name} gave {got:.6g}: that is standard / separable, the saving factor. "
                                 "Return separable / standard (a number below 1).")
        if abs(got - expected) > 1e-9:
            raise ExerciseFailed(f"{name} gave {got:.6g}, expected {expected:.6g}. Per output pixel the "
                                 "depthwise conv costs k*k*c_in and the pointwise c_in*c_out multiply-adds.")
    return "separable_cost_ratio is correct. Well done!"

