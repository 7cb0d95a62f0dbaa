"""MobileNet v1 (Howard et al., 2017) and v2 (Sandler et al., 2018): convolutions split into cheap parts.

A depthwise-separable convolution is a k x k depthwise convolution (one filter per channel,
``groups=C_in``) followed by a 1x1 pointwise one mixing channels. Its cost per output pixel,
k^2 C_in + C_in C_out multiply-adds, is a fraction 1/C_out + 1/k^2 of a full k x k convolution's
k^2 C_in C_out: about 8 to 9 times cheaper for 3x3. MobileNet v2's inverted residual expands the
channels t times with a 1x1 conv, filters them depthwise, projects back down with a linear 1x1
conv (no ReLU: a ReLU in the narrow space would destroy information), and adds the input when the
shapes agree.
"""

from collections import OrderedDict

from torch import nn

from .layers import ExpectInput, classifier_head, conv_bn_act


class DepthwiseSeparable(nn.Sequential):
    """depthwise k x k (stride) -> BN -> ReLU -> pointwise 1x1 -> BN -> ReLU.

    (N, in_channels, H, W) -> (N, out_channels, H / stride, W / stride).
    """

    def __init__(self, in_channels, out_channels, stride=1, kernel_size=3, activation=nn.ReLU):
        super().__init__(OrderedDict([
            ("depthwise", conv_bn_act(in_channels, in_channels, kernel_size, stride, groups=in_channels,
                                      activation=activation)),
            ("pointwise", conv_bn_act(in_channels, out_channels, 1, activation=activation)),
        ]))


class InvertedResidual(nn.Module):
    """expand 1x1 (t times, ReLU6) -> depthwise 3x3 (stride, ReLU6) -> project 1x1 (linear), plus the
    input when stride is 1 and the channel counts agree.

    (N, in_channels, H, W) -> (N, out_channels, H / stride, W / stride).
    """

    def __init__(self, in_channels, out_channels, stride, expand_ratio):
        super().__init__()
        hidden = in_channels * expand_ratio
        parts = []
        if expand_ratio != 1:
            parts.append(("expand", conv_bn_act(in_channels, hidden, 1, activation=nn.ReLU6)))
        parts += [("depthwise", conv_bn_act(hidden, hidden, 3, stride, groups=hidden, activation=nn.ReLU6)),
                  ("project", conv_bn_act(hidden, out_channels, 1, activation=None))]
        self.residual = nn.Sequential(OrderedDict(parts))
        self.use_shortcut = stride == 1 and in_channels == out_channels

    def forward(self, x):
        out = self.residual(x)
        return out + x if self.use_shortcut else out


# MobileNet v1 body: (output channels, stride) of each depthwise-separable layer.
V1_LAYERS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
             (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]

# MobileNet v2 body: (expansion t, output channels c, repeats n, first stride s), the paper's table 2.
V2_STAGES = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
             (6, 160, 3, 2), (6, 320, 1, 1)]


def mobilenet_v1(num_classes=1000):
    """MobileNet v1, width 1.0: (N, 3, 224, 224) -> (N, num_classes); 4,231,976 parameters."""
    layers = [("input", ExpectInput("mobilenet_v1", 3, 224, 224)), ("stem", conv_bn_act(3, 32, 3, 2))]
    channels = 32
    for i, (out_channels, stride) in enumerate(V1_LAYERS):
        layers.append((f"separable{i + 1}", DepthwiseSeparable(channels, out_channels, stride)))
        channels = out_channels
    layers.append(("classifier", classifier_head(channels, num_classes)))
    return nn.Sequential(OrderedDict(layers))


def mobilenet_v2(num_classes=1000):
    """MobileNet v2, width 1.0: (N, 3, 224, 224) -> (N, num_classes); 3,504,872 parameters."""
    layers = [("input", ExpectInput("mobilenet_v2", 3, 224, 224)),
              ("stem", conv_bn_act(3, 32, 3, 2, activation=nn.ReLU6))]
    channels = 32
    for i, (t, c, n, s) in enumerate(V2_STAGES):
        blocks = [InvertedResidual(channels if j == 0 else c, c, s if j == 0 else 1, t) for j in range(n)]
        layers.append((f"stage{i + 1}", nn.Sequential(*blocks)))
        channels = c
    layers.append(("head", conv_bn_act(channels, 1280, 1, activation=nn.ReLU6)))
    layers.append(("classifier", classifier_head(1280, num_classes, dropout=0.2)))
    return nn.Sequential(OrderedDict(layers))
