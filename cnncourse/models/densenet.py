"""DenseNet (Huang et al., 2017): inside a dense block every layer sees the concatenation of all the
maps before it, x_l = H_l([x_0, x_1, ..., x_{l-1}]), and adds ``growth_rate`` new maps.

H_l is BN -> ReLU -> 1x1 conv (4k maps, the bottleneck) -> BN -> ReLU -> 3x3 conv (k maps).
Transition layers between blocks halve the channels (1x1 conv, compression 0.5) and the size
(2x2 average pool). Features are reused, not re-learned, so the layers can be thin.
"""

from collections import OrderedDict

import torch
from torch import nn

from .layers import ExpectInput, conv_bn_act


def _bn_relu_conv(in_channels, out_channels, kernel_size):
    """The pre-activation order DenseNet uses: BN -> ReLU -> conv (no bias)."""
    return nn.Sequential(nn.BatchNorm2d(in_channels), nn.ReLU(inplace=True),
                         nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=False))


class DenseLayer(nn.Module):
    """H_l: (N, in_channels, H, W) -> (N, in_channels + growth_rate, H, W), the input concatenated
    with ``growth_rate`` new maps."""

    def __init__(self, in_channels, growth_rate, bottleneck_factor=4):
        super().__init__()
        self.bottleneck = _bn_relu_conv(in_channels, bottleneck_factor * growth_rate, 1)
        self.conv = _bn_relu_conv(bottleneck_factor * growth_rate, growth_rate, 3)

    def forward(self, x):
        return torch.cat([x, self.conv(self.bottleneck(x))], dim=1)


def transition(in_channels, out_channels):
    """BN -> ReLU -> 1x1 conv -> 2x2/2 average pool: (N, C_in, H, W) -> (N, C_out, H / 2, W / 2)."""
    return nn.Sequential(*_bn_relu_conv(in_channels, out_channels, 1), nn.AvgPool2d(2, 2))


def densenet(blocks, growth_rate=32, stem_channels=64, num_classes=1000, name="densenet"):
    """A DenseNet-BC: (N, 3, 224, 224) -> (N, num_classes); ``blocks`` gives layers per dense block."""
    layers = [("input", ExpectInput(name, 3, 224, 224)),
              ("stem", nn.Sequential(conv_bn_act(3, stem_channels, 7, 2), nn.MaxPool2d(3, 2, 1)))]
    channels = stem_channels
    for i, count in enumerate(blocks):
        dense = []
        for _ in range(count):
            dense.append(DenseLayer(channels, growth_rate))
            channels += growth_rate
        layers.append((f"dense{i + 1}", nn.Sequential(*dense)))
        if i < len(blocks) - 1:
            layers.append((f"transition{i + 1}", transition(channels, channels // 2)))
            channels //= 2
    layers.append(("final", nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU(inplace=True))))
    layers.append(("classifier", nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                               nn.Linear(channels, num_classes))))
    return nn.Sequential(OrderedDict(layers))


def densenet121(num_classes=1000):
    """DenseNet-121: growth rate 32, blocks [6, 12, 24, 16]; 7,978,856 parameters."""
    return densenet((6, 12, 24, 16), num_classes=num_classes, name="densenet121")
