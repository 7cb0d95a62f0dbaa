"""EfficientNet (Tan and Le, 2019): MBConv blocks, and one rule to scale depth, width and resolution.

An MBConv block is MobileNet v2's inverted residual (expand 1x1 -> depthwise k x k -> linear
project 1x1, plus the input when shapes agree) with squeeze-and-excitation: the expanded maps are
averaged to one number per channel, passed through a tiny two-layer network and a sigmoid, and
each channel is multiplied by its result. Compound scaling grows a baseline network (B0, found by
architecture search) with one coefficient phi: depth by alpha^phi, width by beta^phi and input
resolution by gamma^phi, alpha * beta^2 * gamma^2 ~ 2 so each step about doubles the FLOPs.

EfficientNet-Lite0 is B0 made friendly to mobile accelerators: no squeeze-and-excitation, ReLU6
instead of SiLU, and TensorFlow's 'same' padding (a stride-2 convolution on an even size pads one
extra pixel at the bottom/right only), which its ImageNet weights were trained with.
"""

import math
from collections import OrderedDict

from torch import nn

from .layers import ExpectInput, classifier_head, conv_bn_act

# EfficientNet-B0's stages: (expansion t, kernel k, first stride s, output channels c, repeats n).
B0_STAGES = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3),
             (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]
STEM_CHANNELS, HEAD_CHANNELS = 32, 1280


def conv_bn(in_channels, out_channels, kernel_size, stride=1, groups=1, activation=None, tf_padding=False):
    """:func:`~cnncourse.models.layers.conv_bn_act` with EfficientNet's batch-norm epsilon, 1e-3."""
    return conv_bn_act(in_channels, out_channels, kernel_size, stride, groups, activation, eps=1e-3,
                       tf_padding=tf_padding)


class SqueezeExcite(nn.Module):
    """x * sigmoid(W2 act(W1 mean_hw(x))): reweights the C channels of (N, C, H, W) by their context."""

    def __init__(self, channels, squeezed, activation=nn.SiLU):
        super().__init__()
        self.reduce = nn.Conv2d(channels, squeezed, 1)
        self.act = activation()
        self.expand = nn.Conv2d(squeezed, channels, 1)

    def forward(self, x):
        weights = self.expand(self.act(self.reduce(x.mean(dim=(2, 3), keepdim=True))))
        return x * weights.sigmoid()


class MBConv(nn.Module):
    """expand 1x1 (if t > 1) -> depthwise k x k (stride) -> [squeeze-excite] -> project 1x1 (linear),
    plus the input when stride is 1 and the channel counts agree.

    (N, in_channels, H, W) -> (N, out_channels, ceil(H / stride), ceil(W / stride)).
    ``se_ratio``: squeezed channels = in_channels * se_ratio (0: no squeeze-and-excitation).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride, expand_ratio, se_ratio=0.25,
                 activation=nn.SiLU, tf_padding=False):
        super().__init__()
        hidden = in_channels * expand_ratio
        if expand_ratio != 1:
            self.expand = conv_bn(in_channels, hidden, 1, activation=activation)
        self.depthwise = conv_bn(hidden, hidden, kernel_size, stride, groups=hidden, activation=activation,
                                 tf_padding=tf_padding)
        if se_ratio:
            self.squeeze_excite = SqueezeExcite(hidden, max(1, int(in_channels * se_ratio)), activation)
        self.project = conv_bn(hidden, out_channels, 1)
        self.use_shortcut = stride == 1 and in_channels == out_channels

    def forward(self, x):
        out = self.expand(x) if hasattr(self, "expand") else x
        out = self.depthwise(out)
        if hasattr(self, "squeeze_excite"):
            out = self.squeeze_excite(out)
        out = self.project(out)
        return out + x if self.use_shortcut else out


def scale_width(channels, width_mult, divisor=8):
    """Channels times ``width_mult``, rounded to a multiple of ``divisor`` and never below 90% of it."""
    scaled = channels * width_mult
    rounded = max(divisor, int(scaled + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * scaled else rounded


def scale_depth(repeats, depth_mult):
    """Blocks in a stage after depth scaling: ceil(repeats * depth_mult)."""
    return int(math.ceil(repeats * depth_mult))


def compound_scaling(phi, alpha=1.2, beta=1.1, gamma=1.15):
    """The paper's multipliers for coefficient ``phi``: ``(depth, width, resolution)`` =
    (alpha^phi, beta^phi, gamma^phi); the FLOPs grow by (alpha * beta^2 * gamma^2)^phi ~ 2^phi."""
    return alpha ** phi, beta ** phi, gamma ** phi


def efficientnet(width_mult=1.0, depth_mult=1.0, resolution=224, num_classes=1000, dropout=0.2,
                 lite=False, name="efficientnet"):
    """An EfficientNet scaled from B0: (N, 3, resolution, resolution) -> (N, num_classes).

    lite: the Lite variant (ReLU6, no squeeze-and-excitation, TF padding, stem and head not scaled).
    """
    activation = nn.ReLU6 if lite else nn.SiLU
    stem = STEM_CHANNELS if lite else scale_width(STEM_CHANNELS, width_mult)
    layers = [("input", ExpectInput(name, 3, resolution, resolution)),
              ("stem", conv_bn(3, stem, 3, 2, activation=activation, tf_padding=lite))]
    channels = stem
    for i, (t, k, s, c, n) in enumerate(B0_STAGES):
        out_channels, blocks = scale_width(c, width_mult), []
        for j in range(scale_depth(n, depth_mult)):
            blocks.append(MBConv(channels, out_channels, k, s if j == 0 else 1, t, se_ratio=0 if lite else 0.25,
                                 activation=activation, tf_padding=lite))
            channels = out_channels
        layers.append((f"stage{i + 1}", nn.Sequential(*blocks)))
    head = HEAD_CHANNELS if lite else scale_width(HEAD_CHANNELS, width_mult)
    layers.append(("head", conv_bn(channels, head, 1, activation=activation)))
    layers.append(("classifier", classifier_head(head, num_classes, dropout)))
    return nn.Sequential(OrderedDict(layers))


def efficientnet_b0(num_classes=1000):
    """EfficientNet-B0: (N, 3, 224, 224) -> (N, num_classes); 5,288,548 parameters."""
    return efficientnet(num_classes=num_classes, name="efficientnet_b0")
