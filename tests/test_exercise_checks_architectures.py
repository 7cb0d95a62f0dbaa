"""Chapter 7's exercise checks accept right answers and explain the usual wrong ones."""

import pytest
import torch
from torch import nn

from cnncourse.exercises import (ExerciseFailed, NotAttemptedYet, check_residual_block, check_separable_block,
                                 check_separable_cost_ratio, check_vgg_block_parameters)
from cnncourse.threads import one_thread


@pytest.fixture(autouse=True, scope="module")
def single_thread():
    """Torch on one thread: its thread pool makes these tiny layers far slower on a busy machine."""
    with one_thread():
        yield


def make_block(relu_after_add=True, strided_shortcut=True, add_relu=True):
    class Block(nn.Module):
        def __init__(self, c_in, c_out, stride):
            super().__init__()
            self.residual = nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out),
                                          nn.ReLU(), nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False), nn.BatchNorm2d(c_out))
            needs = stride != 1 or c_in != c_out
            s = stride if strided_shortcut else 1
            self.shortcut = (nn.Sequential(nn.Conv2d(c_in, c_out, 1, s, bias=False), nn.BatchNorm2d(c_out)) if needs
                             else nn.Identity())

        def forward(self, x):
            if not add_relu:
                return self.residual(x) + self.shortcut(x)
            if relu_after_add:
                return torch.relu(self.residual(x) + self.shortcut(x))
            return torch.relu(self.residual(x)) + self.shortcut(x)
    return Block


def not_done(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("hidden", [False, True])
def test_right_answers_pass(hidden):
    assert "Well done" in check_residual_block(make_block(), hidden=hidden)
    assert "Well done" in check_vgg_block_parameters(
        lambda a, b, n: (9 * a + 1) * b + (n - 1) * (9 * b + 1) * b, hidden=hidden)
    assert "Well done" in check_separable_block(
        lambda a, b, k: nn.Sequential(nn.Conv2d(a, a, k, padding=k // 2, groups=a, bias=False),
                                      nn.Conv2d(a, b, 1, bias=False)), hidden=hidden)
    assert "Well done" in check_separable_cost_ratio(lambda a, b, k: 1 / b + 1 / k ** 2, hidden=hidden)


@pytest.mark.parametrize("check", [check_residual_block, check_vgg_block_parameters, check_separable_block,
                                   check_separable_cost_ratio])
def test_untouched_solutions_are_not_attempted(check):
    with pytest.raises(NotAttemptedYet, match="not attempted yet"):
        check(not_done)


@pytest.mark.parametrize("block, hint", [
    (make_block(relu_after_add=False), "after the addition"),
    (make_block(add_relu=False), "final ReLU is missing"),
    (make_block(strided_shortcut=False), "1x1 convolution with stride 2"),
])
def test_residual_block_mistakes_get_hints(block, hint):
    with pytest.raises(ExerciseFailed, match=hint):
        check_residual_block(block)


def test_residual_block_without_attributes_is_told():
    class Plain(nn.Module):
        def __init__(self, c_in, c_out, stride):
            super().__init__()
            self.conv = nn.Conv2d(c_in, c_out, 3, stride, 1)

        def forward(self, x):
            return self.conv(x)
    with pytest.raises(ExerciseFailed, match="self.residual"):
        check_residual_block(Plain)


@pytest.mark.parametrize("wrong, hint", [
    (lambda a, b, n: 9 * a * b + (n - 1) * 9 * b * b, "biases are missing"),
    (lambda a, b, n: n * (9 * a + 1) * b, "Only the first convolution"),
])
def test_vgg_block_mistakes_get_hints(wrong, hint):
    with pytest.raises(ExerciseFailed, match=hint):
        check_vgg_block_parameters(wrong)


def test_separable_block_without_groups_is_told():
    with pytest.raises(ExerciseFailed, match="no depthwise"):
        check_separable_block(lambda a, b, k: nn.Sequential(nn.Conv2d(a, a, k, padding=k // 2, bias=False),
                                                            nn.Conv2d(a, b, 1, bias=False)))


def test_separable_block_without_padding_is_told():
    with pytest.raises(ExerciseFailed, match="pad the depthwise"):
        check_separable_block(lambda a, b, k: nn.Sequential(nn.Conv2d(a, a, k, groups=a, bias=False),
                                                            nn.Conv2d(a, b, 1, bias=False)))


def test_inverted_cost_ratio_is_told():
    with pytest.raises(ExerciseFailed, match="saving factor"):
        check_separable_cost_ratio(lambda a, b, k: 1 / (1 / b + 1 / k ** 2))
