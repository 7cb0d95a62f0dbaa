"""Inception-v4 (Szegedy, Ioffe, Vanhoucke and Alemi, 2016): a deeper stem, then 4 Inception-A,
a Reduction-A, 7 Inception-B, a Reduction-B and 3 Inception-C modules, every module of a kind with
the same widths.

Built so that chapter 7 can count it (the slides say 43M parameters); it is not part of the zoo.
Each unit is a convolution without bias, batch norm and ReLU. Inception-B and -C factorise their
kernels into 1x7 and 7x1 (1x3 and 3x1) pairs, as Inception v3 did.
(N, 3, 299, 299) -> (N, num_classes): 35x35 maps in the A modules, 17x17 in B, 8x8 in C.
"""

from collections import OrderedDict

import torch
from torch import nn

from .layers import ExpectInput, classifier_head


def _unit(in_channels, out_channels, kernel_size, stride=1, valid=False):
    """Convolution (no bias), batch norm, ReLU; 'same' padding for odd kernels unless ``valid``."""
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    padding = 0 if valid else (kh // 2, kw // 2)
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, (kh, kw), stride, padding, bias=False),
                         nn.BatchNorm2d(out_channels, eps=1e-3), nn.ReLU(inplace=True))


def _chain(in_channels, *steps):
    """Units one after the other; each step is ``(out_channels, kernel_size[, stride[, valid]])``."""
    units = []
    for out_channels, *options in steps:
        units.append(_unit(in_channels, out_channels, *options))
        in_channels = out_channels
    return nn.Sequential(*units)


def _pool_branch(in_channels, out_channels):
    """3x3 average pool (stride 1) and a 1x1 projection."""
    return nn.Sequential(nn.AvgPool2d(3, 1, 1, count_include_pad=False), _unit(in_channels, out_channels, 1))


class Branches(nn.Module):
    """Runs its branches on the same input and concatenates their outputs along the channels."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], dim=1)


def _stem():
    """(N, 3, 299, 299) -> (N, 384, 35, 35)."""
    return nn.Sequential(
        _chain(3, (32, 3, 2, True), (32, 3, 1, True), (64, 3)),
        Branches(nn.MaxPool2d(3, 2), _unit(64, 96, 3, 2, True)),
        Branches(_chain(160, (64, 1), (96, 3, 1, True)),
                 _chain(160, (64, 1), (64, (1, 7)), (64, (7, 1)), (96, 3, 1, True))),
        Branches(_unit(192, 192, 3, 2, True), nn.MaxPool2d(3, 2)))


def _inception_a():
    """384 -> 96 + 96 + 96 + 96 = 384 channels, 35x35."""
    return Branches(_unit(384, 96, 1), _chain(384, (64, 1), (96, 3)),
                    _chain(384, (64, 1), (96, 3), (96, 3)), _pool_branch(384, 96))


def _reduction_a():
    """384 channels 35x35 -> 384 + 256 + 384 = 1024 channels 17x17."""
    return Branches(_unit(384, 384, 3, 2, True), _chain(384, (192, 1), (224, 3), (256, 3, 2, True)),
                    nn.MaxPool2d(3, 2))


def _inception_b():
    """1024 -> 384 + 256 + 256 + 128 = 1024 channels, 17x17."""
    return Branches(_unit(1024, 384, 1), _chain(1024, (192, 1), (224, (1, 7)), (256, (7, 1))),
                    _chain(1024, (192, 1), (192, (7, 1)), (224, (1, 7)), (224, (7, 1)), (256, (1, 7))),
                    _pool_branch(1024, 128))


def _reduction_b():
    """1024 channels 17x17 -> 192 + 320 + 1024 = 1536 channels 8x8."""
    return Branches(_chain(1024, (192, 1), (192, 3, 2, True)),
                    _chain(1024, (256, 1), (256, (1, 7)), (320, (7, 1)), (320, 3, 2, True)),
                    nn.MaxPool2d(3, 2))


def _split(in_channels):
    """A 1x3 and a 3x1 convolution side by side: in_channels -> 256 + 256."""
    return Branches(_unit(in_channels, 256, (1, 3)), _unit(in_channels, 256, (3, 1)))


def _inception_c():
    """1536 -> 256 + 512 + 512 + 256 = 1536 channels, 8x8."""
    return Branches(_unit(1536, 256, 1), nn.Sequential(_unit(1536, 384, 1), _split(384)),
                    nn.Sequential(_chain(1536, (384, 1), (448, (3, 1)), (512, (1, 3))), _split(512)),
                    _pool_branch(1536, 256))


def inception_v4(num_classes=1000):
    """Inception-v4: (N, 3, 299, 299) -> (N, num_classes); 42,679,816 parameters with 1000 classes.

    The head is global average pooling, dropout 0.2 (the paper keeps 0.8) and one linear layer.
    """
    return nn.Sequential(OrderedDict([
        ("input", ExpectInput("inception_v4", 3, 299, 299)),
        ("stem", _stem()),
        ("inception_a", nn.Sequential(*[_inception_a() for _ in range(4)])),
        ("reduction_a", _reduction_a()),
        ("inception_b", nn.Sequential(*[_inception_b() for _ in range(7)])),
        ("reduction_b", _reduction_b()),
        ("inception_c", nn.Sequential(*[_inception_c() for _ in range(3)])),
        ("classifier", classifier_head(1536, num_classes, dropout=0.2)),
    ]))
