"""What a learner sees from chapter 7's block checks (a residual block, a depthwise-separable block) and
from the call names and hidden cases of chapters 1 to 3 and 7, pinned by behaviour: each usual mistake
in a learner's module gets its whole message, naming the learner's class and the layer at fault; a right
block written another way is accepted; a learner's error names the call that raised; ``hidden=True``
runs the hidden cases, which reach both ends of their documented ranges. Oracles: hand-computed shapes
and VGG-16's published parameter counts; the blocks are checked against their own weights by the check."""

import re

import numpy as np
import pytest
import torch
from torch import nn

from cnncourse import exercises  # the check functions a learner calls, by name
from cnncourse.exercises import EXERCISES, ExerciseFailed, check_residual_block, check_separable_block
from cnncourse.threads import one_thread
from survivors_exercises import hidden_sets, verdict
from test_exercise_checks_architectures import make_block
from test_exercise_checks_pooling_activations import loop_pool, loop_pool_backward
from test_survivors_exercises_checks import multichannel, xcorr

TRY = "Try your function on this input in a cell of its own to see where."
BIASES = "leave out the convolutions' biases (bias=False), as the exercise says."
NO_GRADIENT = ("no gradient reached some of the block's convolutions: does forward use every layer, without "
               ".detach() or torch.no_grad()?")
NOT_A_MODULE = "expected an nn.Module (did you subclass nn.Module and call super().__init__()?)."


@pytest.fixture(autouse=True, scope="module")
def single_thread():
    """Torch on one thread: its thread pool only slows these tiny layers down."""
    with one_thread():
        yield


def message(check, *answer, hidden=False):
    """The message ``check`` gives the learner for ``answer``."""
    with pytest.raises(ExerciseFailed) as info:
        check(*answer, hidden=hidden)
    return str(info.value)


SUCCESS = {  # what a learner whose function keeps the exercise's name reads when the check passes
    "check_corr2d": "corr2d is correct. Well done!",
    "check_multichannel_conv": "Your multi-channel convolution is correct. Well done!",
    "check_conv_layer_params": "Your number of parameters is correct. Well done!",
    "check_output_size": "output_size is correct. Well done!",
    "check_zero_pad": "zero_pad is correct. Well done!",
    "check_strided_conv": "Your strided, padded convolution is correct. Well done!",
    "check_max_pool": "max_pool is correct. Well done!",
    "check_max_pool_backward": "max_pool_backward is correct. Well done!",
    "check_global_avg_pool": "global_avg_pool is correct. Well done!",
    "check_residual_block": "Your residual block is correct. Well done!",
    "check_vgg_block_parameters": "vgg_block_parameters is correct. Well done!",
    "check_separable_block": "Your depthwise-separable block is correct. Well done!",
    "check_separable_cost_ratio": "separable_cost_ratio is correct. Well done!",
}


def success(check, function):
    """The success message as the learner reads it: the exercise's word for the function (``zero_pad``)
    becomes the learner's own name for it (``crops_itself``); a lambda has none."""
    name = function.__name__
    if not name.isidentifier():
        return SUCCESS[check]
    return re.sub(rf"\b{EXERCISES[check].labels[0]}\b", name, SUCCESS[check])


# ----- ResidualBlock(in_channels, out_channels, stride): the right answer, and one mistake per subclass

class Right(nn.Module):
    """A right ResidualBlock; each subclass below makes one usual mistake."""

    bias = False  # of the residual's convolutions

    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.residual = self.make_residual(c_in, c_out, stride)
        self.shortcut = self.make_shortcut(c_in, c_out, stride)

    def make_residual(self, c_in, c_out, stride):
        return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=self.bias), nn.BatchNorm2d(c_out), nn.ReLU(),
                             nn.Conv2d(c_out, c_out, 3, 1, 1, bias=self.bias), nn.BatchNorm2d(c_out))

    def make_shortcut(self, c_in, c_out, stride):
        if stride == 1 and c_in == c_out:
            return nn.Identity()
        return nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        return torch.relu(self.residual(x) + self.shortcut(x))


class NoNorms(Right):
    def make_residual(self, c_in, c_out, stride):
        return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.ReLU(),
                             nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False))


class OneNorm(Right):
    def make_residual(self, c_in, c_out, stride):
        return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
                             nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False))


class ThreeConvs(Right):
    def make_residual(self, c_in, c_out, stride):
        return nn.Sequential(*super().make_residual(c_in, c_out, stride), nn.ReLU(),
                             nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False), nn.BatchNorm2d(c_out))


class ExpandsLate(Right):
    """The first conv keeps c_in channels, the second widens to c_out."""

    def make_residual(self, c_in, c_out, stride):
        return nn.Sequential(nn.Conv2d(c_in, c_in, 3, stride, 1, bias=False), nn.BatchNorm2d(c_in), nn.ReLU(),
                             nn.Conv2d(c_in, c_out, 3, 1, 1, bias=False), nn.BatchNorm2d(c_out))


class SecondOneByOne(Right):
    def make_residual(self, c_in, c_out, stride):
        return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
                             nn.Conv2d(c_out, c_out, 1, bias=False), nn.BatchNorm2d(c_out))


class AlwaysIdentity(Right):
    def make_shortcut(self, c_in, c_out, stride):
        return nn.Identity()


class TwoShortcutNorms(Right):
    def make_shortcut(self, c_in, c_out, stride):
        if stride == 1 and c_in == c_out:
            return nn.Identity()
        return nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out),
                             nn.BatchNorm2d(c_out))


class AlwaysProjection(Right):
    def make_shortcut(self, c_in, c_out, stride):
        return nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))


class NormShortcut(Right):
    """Batch norm alone as the shortcut where the identity belongs."""

    def make_shortcut(self, c_in, c_out, stride):
        return nn.BatchNorm2d(c_out) if stride == 1 and c_in == c_out else super().make_shortcut(c_in, c_out, stride)


class WideShortcut(Right):
    def make_shortcut(self, c_in, c_out, stride):
        return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out))


class Biased(Right):
    bias = True


class BiasedShortcut(Right):
    def make_shortcut(self, c_in, c_out, stride):
        shortcut = super().make_shortcut(c_in, c_out, stride)
        if isinstance(shortcut, nn.Sequential):
            shortcut[0] = nn.Conv2d(c_in, c_out, 1, stride)
        return shortcut


class ProjectsOnChannelsOnly(Right):
    """A projection only when the channels differ: a stride alone keeps the identity."""

    def make_shortcut(self, c_in, c_out, stride):
        return super().make_shortcut(c_in, c_out, stride) if c_in != c_out else nn.Identity()


class NotAModule:
    def __init__(self, c_in, c_out, stride):
        self.residual = nn.Conv2d(c_in, c_out, 3, stride, 1)


class FunctionShortcut(Right):
    def __init__(self, c_in, c_out, stride):
        super().__init__(c_in, c_out, stride)
        del self.shortcut
        self.shortcut = lambda x: x


class NoShortcut(Right):
    def __init__(self, c_in, c_out, stride):
        super().__init__(c_in, c_out, stride)
        self.projection = self.shortcut
        del self.shortcut

    def forward(self, x):
        return torch.relu(self.residual(x) + self.projection(x))


class WrongArguments(Right):
    def __init__(self, c_in, c_out):
        super().__init__(c_in, c_out, 1)


class AddsX(Right):
    def forward(self, x):
        return torch.relu(self.residual(x) + x)


class NoReturn(Right):
    def forward(self, x):
        torch.relu(self.residual(x) + self.shortcut(x))


class Flattens(Right):
    def forward(self, x):
        return super().forward(x).flatten(1)


class NoMiddleReLU(Right):
    def forward(self, x):
        f = self.residual[4](self.residual[3](self.residual[1](self.residual[0](x))))
        return torch.relu(f + self.shortcut(x))


class WithDropout(Right):
    def __init__(self, c_in, c_out, stride):
        super().__init__(c_in, c_out, stride)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        return self.dropout(super().forward(x))


class FrozenShortcut(Right):
    def forward(self, x):
        with torch.no_grad():
            s = self.shortcut(x)
        return torch.relu(self.residual(x) + s)


N = "(3, 8, stride=2)"  # the first public case: 3 channels in, 8 out, stride 2, on (2, 3, 8, 8)


@pytest.mark.parametrize("block, text", [
    (NoNorms, f"NoNorms{N}: self.residual should hold two 3x3 convolutions, each followed by batch norm; it has 2 "
     "nn.Conv2d and 0 nn.BatchNorm2d."),
    (OneNorm, f"OneNorm{N}: self.residual should hold two 3x3 convolutions, each followed by batch norm; it has 2 "
     "nn.Conv2d and 1 nn.BatchNorm2d."),
    (ThreeConvs, f"ThreeConvs{N}: self.residual should hold two 3x3 convolutions, each followed by batch norm; it "
     "has 3 nn.Conv2d and 3 nn.BatchNorm2d."),
    (ExpandsLate, f"ExpandsLate{N}: the first 3x3 convolution has weights of shape (3, 3, 3, 3), expected "
     "(8, 3, 3, 3)."),
    (SecondOneByOne, f"SecondOneByOne{N}: the second 3x3 convolution has weights of shape (8, 8, 1, 1), expected "
     "(8, 8, 3, 3)."),
    (AlwaysIdentity, f"AlwaysIdentity{N}: x and F(x) differ in shape, so the shortcut must be a 1x1 convolution "
     "with stride 2 (W_s x), followed by batch norm."),
    (TwoShortcutNorms, f"TwoShortcutNorms{N}: x and F(x) differ in shape, so the shortcut must be a 1x1 "
     "convolution with stride 2 (W_s x), followed by batch norm."),
    (AlwaysProjection, "AlwaysProjection(8, 8, stride=1): shapes agree, so the shortcut should be the identity "
     "(nn.Identity())."),
    (NormShortcut, "NormShortcut(8, 8, stride=1): shapes agree, so the shortcut should be the identity "
     "(nn.Identity())."),
    (WideShortcut, f"WideShortcut{N}: the shortcut's convolution has weights of shape (8, 3, 3, 3), expected "
     "(8, 3, 1, 1)."),
    (make_block(strided_shortcut=False), f"Block{N}: the shortcut must be a 1x1 convolution with stride 2, like "
     "the first 3x3 convolution, so that W_s x has the shape of F(x)."),
    (Biased, f"Biased{N}: {BIASES}"),
    (BiasedShortcut, f"BiasedShortcut{N}: {BIASES}"),
    (NotAModule, f"NotAModule{N} gave NotAModule, {NOT_A_MODULE}"),
    (FunctionShortcut, f"FunctionShortcut{N} has no nn.Module attribute `residual` or `shortcut`: store F as "
     "self.residual and W_s as self.shortcut (nn.Identity() when shapes agree)."),
    (NoShortcut, f"NoShortcut{N} has no nn.Module attribute `residual` or `shortcut`: store F as self.residual "
     "and W_s as self.shortcut (nn.Identity() when shapes agree)."),
    (NoReturn, f"NoReturn{N}(x) returned None: did you forget the `return` statement?"),
    (Flattens, f"Flattens{N}: output shape (2, 128), expected (2, 8, 4, 4). The first 3x3 conv takes the stride "
     "and both keep the size with padding=1."),
    (make_block(relu_after_add=False), f"Block{N}: the ReLU comes after the addition: ReLU(F(x) + W_s x)."),
    (make_block(add_relu=False), f"Block{N}: the final ReLU is missing: return ReLU(F(x) + W_s x)."),
    (NoMiddleReLU, f"NoMiddleReLU{N}: in eval mode the output differs from ReLU(F(x) + W_s x) computed with your "
     "block's own weights, where F = 3x3 conv (stride 2, padding 1), batch norm, ReLU, 3x3 conv (padding 1), "
     "batch norm. Does forward add the shortcut of the block's input x, and use every layer in that order?"),
    (WithDropout, f"WithDropout{N}: in train mode the output differs from ReLU(F(x) + W_s x) computed with your "
     "block's own weights, where F = 3x3 conv (stride 2, padding 1), batch norm, ReLU, 3x3 conv (padding 1), "
     "batch norm. Does forward add the shortcut of the block's input x, and use every layer in that order?"),
    (FrozenShortcut, f"FrozenShortcut{N}: {NO_GRADIENT}"),
])
def test_each_residual_block_mistake_gets_its_whole_message_naming_the_learners_class(block, text):
    assert message(check_residual_block, block) == text


@pytest.mark.parametrize("block, call, error", [
    (WrongArguments, f"WrongArguments{N}", "TypeError"),  # built with one argument too many
    (AddsX, f"AddsX{N}(x)", "RuntimeError"),  # x and F(x) differ in shape
])
def test_a_residual_block_that_raises_is_named_by_the_call_that_raised(block, call, error):
    text = message(check_residual_block, block)
    assert text.startswith(f"{call} stopped with {error}: ") and text.endswith(TRY)


def test_a_residual_block_right_on_the_public_cases_is_caught_by_the_hidden_ones():
    # a stride alone also changes the shape: the first hidden edge is stride 2 with 3 channels in and out
    assert check_residual_block(ProjectsOnChannelsOnly) == success("check_residual_block", ProjectsOnChannelsOnly)
    assert message(check_residual_block, ProjectsOnChannelsOnly, hidden=True) == (
        "ProjectsOnChannelsOnly(3, 3, stride=2): x and F(x) differ in shape, so the shortcut must be a 1x1 "
        "convolution with stride 2 (W_s x), followed by batch norm.")
    assert check_residual_block(Right, hidden=True) == success("check_residual_block", Right)


def test_residual_block_cases():
    public = EXERCISES["check_residual_block"].cases()
    assert [(c["c_in"], c["c_out"], c["stride"], c["x"].shape) for c in public] == [
        (3, 8, 2, (2, 3, 8, 8)), (8, 8, 1, (2, 8, 8, 8))]
    squares, maps, channels = set(), set(), set()
    for cases in hidden_sets("check_residual_block", 150):
        assert [(c["c_in"], c["c_out"], c["stride"], c["x"].shape) for c in cases[:3]] == [
            (3, 3, 2, (1, 3, 5, 7)), (4, 2, 1, (2, 4, 6, 3)), (2, 2, 1, (3, 2, 4, 5))]
        strided, square = cases[3:]
        assert strided["stride"] == 2 and square["stride"] == 1
        assert (square["c_in"], square["c_out"]) == (strided["c_out"], strided["c_in"])
        assert strided["c_in"] != strided["c_out"] and strided["x"].shape[:2] == (2, strided["c_in"])
        assert strided["x"].shape[2] != strided["x"].shape[3] and square["x"].shape[:2] == (2, square["c_in"])
        assert square["x"].shape[2] == square["x"].shape[3]
        channels |= {strided["c_in"], strided["c_out"]}
        maps |= set(strided["x"].shape[2:])
        squares.add(square["x"].shape[2])
    assert channels == set(range(2, 13)) and maps == set(range(5, 11)) and squares == set(range(4, 8))


# ----- separable_block(c_in, c_out, k)

def separable(c_in, c_out, k, padding=None, groups=None, bias=(False, False), kernel=1, between=()):
    """A learner's separable block; the keywords make one mistake each."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_in, k, padding=k // 2 if padding is None else padding, groups=groups or c_in,
                  bias=bias[0]),
        *between, nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=bias[1]))


class PointwiseFirst(nn.Module):
    """Right, with the pointwise conv registered before the depthwise one."""

    def __init__(self, c_in, c_out, k):
        super().__init__()
        self.pointwise = nn.Conv2d(c_in, c_out, 1, bias=False)
        self.depthwise = nn.Conv2d(c_in, c_in, k, padding=k // 2, groups=c_in, bias=False)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class SilentSeparable(PointwiseFirst):
    def forward(self, x):
        self.pointwise(self.depthwise(x))


class DetachedSeparable(PointwiseFirst):
    def forward(self, x):
        return self.pointwise(self.depthwise(x).detach())


class PointwiseThenDepthwise(PointwiseFirst):
    def forward(self, x):
        return self.depthwise(self.pointwise(x))


class FlatSeparable(PointwiseFirst):
    def forward(self, x):
        return super().forward(x).flatten(2)


S = "separable_block(4, 8, 3)"  # the first public case: (2, 4, 9, 9)


@pytest.mark.parametrize("block, text", [
    (lambda a, b, k: [separable(a, b, k)], f"{S} gave list, {NOT_A_MODULE}"),
    (lambda a, b, k: nn.Conv2d(a, b, k, padding=k // 2, bias=False), f"{S} holds 1 nn.Conv2d; expected two: a "
     "depthwise 3x3 nn.Conv2d(4, 4, 3, groups=4), then a pointwise 1x1 nn.Conv2d(4, 8, 1)."),
    (lambda a, b, k: separable(a, b, k, groups=1), f"{S}: no depthwise convolution found: its weights would have "
     "shape (4, 1, 3, 3); yours have (4, 4, 3, 3) and (8, 4, 1, 1). A 3x3 nn.Conv2d(4, 4, 3, groups=4) gives each "
     "channel its own filter."),
    (lambda a, b, k: separable(a, b, k, kernel=3), f"{S}: the pointwise convolution has weights of shape "
     "(8, 4, 3, 3), expected (8, 4, 1, 1)."),
    (lambda a, b, k: separable(a, b, k, bias=(True, False)), f"{S}: {BIASES}"),
    (lambda a, b, k: separable(a, b, k, bias=(False, True)), f"{S}: {BIASES}"),
    (lambda a, b, k: separable(a, b, k, between=[nn.BatchNorm2d(a)]), f"{S}: leave out batch norm, as the exercise "
     "says (add it once the checks pass)."),
    (SilentSeparable, f"{S}(x) returned None: did you forget the `return` statement?"),
    (lambda a, b, k: separable(a, b, k, padding=0), f"{S}: output shape (2, 8, 7, 7), expected (2, 8, 9, 9): pad "
     "the depthwise conv by k // 2 = 1."),
    (FlatSeparable, f"{S}: output shape (2, 8, 81) in eval mode, expected (2, 8, 9, 9)."),
    (lambda a, b, k: separable(a, b, k, between=[nn.ReLU()]), f"{S}: in eval mode the output differs from "
     "pointwise(depthwise(x)) (no activation between), computed with your block's own weights."),
    (DetachedSeparable, f"{S}: {NO_GRADIENT}"),
])
def test_each_separable_block_mistake_gets_its_whole_message(block, text):
    name = block.__name__ if block.__name__.isidentifier() else "separable_block"  # a lambda keeps the label
    assert message(check_separable_block, block) == text.replace("separable_block(", f"{name}(")


@pytest.mark.parametrize("block, call, error", [
    (lambda a, b, k: separable(a, b, k, groups=b), S, "ValueError"),  # 4 channels in 8 groups
    (PointwiseThenDepthwise, "PointwiseThenDepthwise(4, 8, 3)(x)", "RuntimeError"),  # 8 channels reach the depthwise
])
def test_a_separable_block_that_raises_is_named_by_the_call_that_raised(block, call, error):
    text = message(check_separable_block, block)
    assert text.startswith(f"{call} stopped with {error}: ") and text.endswith(TRY)


def test_a_separable_block_registered_pointwise_first_is_accepted():
    assert check_separable_block(PointwiseFirst, hidden=True) == success("check_separable_block", PointwiseFirst)


def test_a_separable_block_padded_for_3x3_only_is_caught_by_the_hidden_cases():
    padded_by_one = lambda a, b, k: separable(a, b, k, padding=1)  # noqa: E731 - the public kernels are all 3x3
    assert check_separable_block(padded_by_one) == success("check_separable_block", padded_by_one)
    assert message(check_separable_block, padded_by_one, hidden=True) == (
        "separable_block(3, 5, 1): output shape (2, 5, 6, 8), expected (2, 5, 4, 6): pad the depthwise conv by "
        "k // 2 = 0.")


def test_separable_block_cases():
    public = EXERCISES["check_separable_block"].cases()
    assert [(c["c_in"], c["c_out"], c["k"], c["x"].shape) for c in public] == [
        (4, 8, 3, (2, 4, 9, 9)), (3, 5, 3, (2, 3, 9, 9))]
    channels, sides = set(), set()
    for cases in hidden_sets("check_separable_block", 100):
        assert [(c["c_in"], c["c_out"], c["k"], c["x"].shape) for c in cases[:3]] == [
            (3, 5, 1, (2, 3, 4, 6)), (1, 4, 3, (2, 1, 5, 5)), (6, 2, 5, (1, 6, 7, 6))]
        assert [c["k"] for c in cases[3:]] == [3, 5]
        for c in cases[3:]:
            n, c_in, h, w = c["x"].shape
            assert n == 2 and c_in == c["c_in"] != c["c_out"] and h != w
            channels |= {c["c_in"], c["c_out"]}
            sides |= {h, w}
    assert channels == set(range(2, 17)) and sides == set(range(5, 12))


# ----- separable_cost_ratio(c_in, c_out, k)

def test_the_saving_factor_hint_keeps_its_tolerance_when_the_factor_is_below_1():
    case = {"c_in": 16, "c_out": 16, "k": 1}  # ratio 1 / 16 + 1 = 1.0625: the saving factor is 16 / 17
    assert "the saving factor" in verdict("check_separable_cost_ratio", case, {"r": 16 / 17 + 0.5e-9})
    assert verdict("check_separable_cost_ratio", case, {"r": 16 / 17 + 1.5e-9}) == (
        "separable_cost_ratio(16, 16, 1) gave 0.941176, expected 1.0625. Per output pixel the depthwise conv costs "
        "k*k*c_in and the pointwise c_in*c_out multiply-adds.")


# ----- what a learner's error is called, in every check of chapters 1 to 3 and 7

def raising(label):
    """A learner's function named ``label`` that raises on every call."""
    def function(*args):
        raise ValueError("boom")
    function.__name__ = label
    return function


@pytest.mark.parametrize("check, call", [
    ("check_corr2d", "corr2d(x of shape (4, 4), k of shape (2, 2))"),
    ("check_multichannel_conv", "conv(x (3, 6, 6), weight (2, 3, 3, 3), bias (2,))"),
    ("check_conv_layer_params", "count(in_channels=3, out_channels=2, kernel_size=3)"),
    ("check_output_size", "output_size(n=7, f=3, s=1, p=0)"),
    ("check_zero_pad", "zero_pad(x of shape (3, 3), p=1)"),
    ("check_strided_conv", "conv(x of shape (7, 7), k of shape (3, 3), stride=1, padding=0)"),
    ("check_max_pool", "max_pool(x of shape (4, 4), k=2, s=2)"),
    ("check_max_pool_backward", "max_pool_backward(grad_output of shape (2, 2), x of shape (4, 4), k=2, s=2)"),
    ("check_global_avg_pool", "global_avg_pool(x of shape (2, 3, 4, 4))"),
    ("check_residual_block", "ResidualBlock(3, 8, stride=2)"),
    ("check_vgg_block_parameters", "vgg_block_parameters(3, 64, 2)"),
    ("check_separable_block", "separable_block(4, 8, 3)"),
    ("check_separable_cost_ratio", "separable_cost_ratio(32, 64, 3)"),
])
def test_a_learners_error_is_named_by_the_call_that_raised(check, call):
    answer = raising(EXERCISES[check].labels[0])
    assert message(getattr(exercises, check), answer) == f"{call} stopped with ValueError: boom. {TRY}"


# ----- hidden=True runs the hidden cases: answers tuned to the public ones fail there

VGG_16 = {(3, 64, 2): 38_720, (64, 128, 2): 221_440, (128, 256, 3): 1_475_328}  # VGG-16's first three blocks


def crops_itself(x, p):
    """Zero padding that writes x into out[p:-p, p:-p]: right for p > 0, broken for p = 0."""
    out = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p))
    out[p:-p, p:-p] = x
    return out


def square_backward(grad_output, x, k, s):
    """Max pooling's gradient, right on square inputs: x is cut to as many columns as rows."""
    return loop_pool_backward(grad_output, x[:, :x.shape[0]], k, s)


@pytest.mark.parametrize("check, tuned, hidden_text", [  # hidden_text: from the first hidden case that fails
    ("check_multichannel_conv", lambda x, w, b: multichannel(x[:, :, :x.shape[1]], w, b),  # cut to a square
     "conv(x (1, 4, 5), weight (1, 1, 2, 3), bias (1,)): output shape (1, 3, 2), expected (1, 3, 3)."),
    ("check_conv_layer_params", lambda c_in, c_out, k: (9 * c_in + 1) * c_out,
     "count(in_channels=5, out_channels=7, kernel_size=1) gave 322, expected 42. kernel_size is an argument"),
    ("check_zero_pad", crops_itself, "p=0) stopped with ValueError"),
    ("check_max_pool_backward", square_backward, "x of shape (3, 5), k=2, s=1) stopped with ValueError"),
    ("check_global_avg_pool", lambda x: x.sum(axis=(2, 3)) / x.shape[2] ** 2, "global_avg_pool(x of shape "
     "(1, 3, 2, 5)): "),
    ("check_vgg_block_parameters", lambda a, b, n: VGG_16.get((a, b, n), 0),
     "vgg_block_parameters(64, 64, 2) gave 0, expected 73856."),  # (9 * 64 + 1) * 64 twice
    ("check_separable_cost_ratio", lambda a, b, k: {(32, 64, 3): 1 / 64 + 1 / 9, (512, 512, 3): 1 / 512 + 1 / 9,
                                                    (16, 24, 5): 1 / 24 + 1 / 25}.get((a, b, k), 0.5),
     "separable_cost_ratio(7, 1, 3) gave 0.5, expected 1.11111."),  # 1 / 1 + 1 / 9
])
def test_an_answer_tuned_to_the_public_cases_fails_the_hidden_ones(check, tuned, hidden_text):
    assert getattr(exercises, check)(tuned) == success(check, tuned)
    with pytest.raises(ExerciseFailed, match=re.escape(hidden_text)):
        getattr(exercises, check)(tuned, hidden=True)


@pytest.mark.parametrize("check, right", [
    ("check_corr2d", lambda x, k: xcorr(x, k)),
    ("check_output_size", lambda n, f, s, p: (n + 2 * p - f) // s + 1),
    ("check_strided_conv", xcorr),
    ("check_max_pool", lambda x, k, s: loop_pool(x, k, s)),
    ("check_residual_block", Right),
    ("check_separable_block", separable),
])
def test_a_right_answer_reads_the_checks_success_message(check, right):
    assert getattr(exercises, check)(right) == success(check, right)


# ----- the hidden cases reach both ends of their ranges (over many secrets)

@pytest.mark.parametrize("check, secrets, drawn, low_high", [
    ("check_conv_layer_params", 2500, slice(4, None), {"c_in": (1, 512), "c_out": (2, 512)}),
    ("check_vgg_block_parameters", 1200, slice(2, None), {"c_in": (1, 512), "c_out": (1, 512)}),
    ("check_separable_cost_ratio", 1500, slice(2, None), {"c_in": (1, 299), "c_out": (2, 599)}),
])
def test_random_layer_sizes_reach_both_ends_of_their_range(check, secrets, drawn, low_high):
    cases = [case for cases in hidden_sets(check, secrets) for case in cases[drawn]]
    assert {key: (min(c[key] for c in cases), max(c[key] for c in cases)) for key in low_high} == low_high


def test_hidden_zero_pad_images_hold_every_value_from_1_to_9():
    values = {v for cases in hidden_sets("check_zero_pad", 40) for c in cases for v in c["x"].ravel().tolist()}
    assert values == set(range(1, 10))  # never 0: the border's zeros stand apart from the image


# ----- each wrong pooling answer's message names the function

GRID = np.array([[1.0, 7, 3, 0, 2], [4, 2, 9, 5, 1], [6, 8, 0, 3, 7]])  # 3 x 5


@pytest.mark.parametrize("check, case, out, name", [
    ("check_max_pool", {"x": GRID, "k": 2, "s": 1}, {"y": loop_pool(GRID, 2, 1, np.mean)},
     "max_pool(x of shape (3, 5), k=2, s=1): "),
    ("check_max_pool_backward", {"x": GRID, "k": 2, "s": 1, "grad_output": np.ones((2, 4))},
     {"grad": np.zeros((2, 4))}, "max_pool_backward(grad_output of shape (2, 4), x of shape (3, 5), k=2, s=1): "),
    ("check_global_avg_pool", {"x": GRID[None, None]}, {"y": np.zeros((1, 3))},
     "global_avg_pool(x of shape (1, 1, 3, 5)): "),
])
def test_a_wrong_pooling_answer_is_named_by_its_call(check, case, out, name):
    assert verdict(check, case, out).startswith(name)



class NoRunningStatistics(Right):
    def make_residual(self, c_in, c_out, stride):
        return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False),
                             nn.BatchNorm2d(c_out, track_running_stats=False), nn.ReLU(),
                             nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False),
                             nn.BatchNorm2d(c_out, track_running_stats=False))


def test_a_batch_norm_without_running_statistics_gets_a_hint_not_a_crash():
    # its running_mean is None: the check's scrambled statistics had nowhere to go, and eval mode has none
    assert message(check_residual_block, NoRunningStatistics) == (
        f"NoRunningStatistics{N}: a batch norm keeps no running statistics (track_running_stats=False), so in "
        "eval mode it still normalises with each batch's own: use nn.BatchNorm2d(channels), which keeps them.")
