"""GoogLeNet / Inception v1 (Szegedy et al., 2014): a stack of Inception modules, each running 1x1,
3x3 and 5x5 convolutions and a max pool side by side and concatenating their maps.

The 1x1 "bottleneck" convolutions in front of the 3x3 and 5x5 branches (and after the pool) shrink
the channel count before the expensive convolutions: that is what keeps 22 layers at 6.6M
parameters. Global average pooling replaces AlexNet's FC layers. The paper's two auxiliary
classifiers only help training and are left out here. The head drops 20% of its 1024 inputs, as
the library implementation does; the paper drops 40%.

``big_kernel=3`` (the default) reproduces the widely used library implementation, whose "5x5"
branch uses a 3x3 convolution (6,624,904 parameters); ``big_kernel=5`` gives the paper's module.
"""

from collections import OrderedDict

import torch
from torch import nn

from .layers import ExpectInput, classifier_head, conv_bn_act


def _conv(in_channels, out_channels, kernel_size, stride=1):
    return conv_bn_act(in_channels, out_channels, kernel_size, stride, eps=1e-3)


def _pool(kernel_size=3, stride=2):
    return nn.MaxPool2d(kernel_size, stride, ceil_mode=True)


class Inception(nn.Module):
    """Four parallel branches concatenated along channels:

    1x1 | 1x1 reduce -> 3x3 | 1x1 reduce -> 5x5 | 3x3/1 max pool -> 1x1 projection.
    (N, in_channels, H, W) -> (N, c1 + c3 + c5 + pool_proj, H, W).
    """

    def __init__(self, in_channels, c1, c3_reduce, c3, c5_reduce, c5, pool_proj, big_kernel=3):
        super().__init__()
        self.branch1 = _conv(in_channels, c1, 1)
        self.branch3 = nn.Sequential(_conv(in_channels, c3_reduce, 1), _conv(c3_reduce, c3, 3))
        self.branch5 = nn.Sequential(_conv(in_channels, c5_reduce, 1), _conv(c5_reduce, c5, big_kernel))
        self.branch_pool = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), _conv(in_channels, pool_proj, 1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch3(x), self.branch5(x), self.branch_pool(x)], dim=1)


# The paper's table 1: (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj) per module.
INCEPTION_TABLE = {
    "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64), "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64), "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128), "5b": (384, 192, 384, 48, 128, 128),
}


def googlenet(num_classes=1000, big_kernel=3):
    """GoogLeNet without auxiliary classifiers: (N, 3, 224, 224) -> (N, num_classes)."""
    layers = [("input", ExpectInput("googlenet", 3, 224, 224)),
              ("stem", nn.Sequential(_conv(3, 64, 7, 2), _pool(), _conv(64, 64, 1), _conv(64, 192, 3), _pool()))]
    channels = 192
    for name, widths in INCEPTION_TABLE.items():
        layers.append((f"inception{name}", Inception(channels, *widths, big_kernel=big_kernel)))
        c1, _, c3, _, c5, proj = widths
        channels = c1 + c3 + c5 + proj
        if name in ("3b", "4e"):
            layers.append((f"pool{name[0]}", _pool(3, 2) if name == "3b" else _pool(2, 2)))
    layers.append(("classifier", classifier_head(channels, num_classes, dropout=0.2)))
    return nn.Sequential(OrderedDict(layers))
