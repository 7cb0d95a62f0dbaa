"""ResNet (He et al., 2015) and ResNeXt (Xie et al., 2017): blocks that learn a residual F(x) and add x.

A block outputs ReLU(F(x) + x) when its input and output shapes agree (identity shortcut), and
ReLU(F(x) + W_s x) when they do not, with W_s a strided 1x1 convolution and batch norm (projection
shortcut). If the best mapping is close to the identity, the block only has to push F towards 0.
ResNeXt replaces the bottleneck's 3x3 convolution by a grouped one (32 paths of width 4).
"""

from collections import OrderedDict

from torch import nn

from .layers import ExpectInput, classifier_head, conv_bn_act


def projection_shortcut(in_channels, out_channels, stride):
    """W_s: a 1x1 convolution with ``stride`` and batch norm, used when F(x) and x differ in shape;
    the identity (an empty nn.Sequential) otherwise."""
    if stride == 1 and in_channels == out_channels:
        return nn.Sequential()
    return conv_bn_act(in_channels, out_channels, 1, stride, activation=None)


class BasicBlock(nn.Module):
    """F(x) = BN(conv3x3(ReLU(BN(conv3x3_stride(x))))); output ReLU(F(x) + shortcut(x)).

    (N, in_channels, H, W) -> (N, channels, H / stride, W / stride). Used by ResNet-18 and 34.
    """

    expansion = 1

    def __init__(self, in_channels, channels, stride=1, groups=1, width_per_group=64):
        super().__init__()
        if groups != 1 or width_per_group != 64:
            raise ValueError("BasicBlock supports groups=1 and width_per_group=64 only")
        self.residual = nn.Sequential(conv_bn_act(in_channels, channels, 3, stride),
                                      conv_bn_act(channels, channels, 3, activation=None))
        self.shortcut = projection_shortcut(in_channels, channels, stride)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(self.residual(x) + self.shortcut(x))


class Bottleneck(nn.Module):
    """F(x) = 1x1 reduce -> 3x3 (stride, ``groups``) -> 1x1 expand to 4 * channels, BN after each,
    ReLU after the first two; output ReLU(F(x) + shortcut(x)).

    (N, in_channels, H, W) -> (N, 4 * channels, H / stride, W / stride). ResNet-50/101/152 and,
    with groups=32 and width_per_group=4, ResNeXt.
    """

    expansion = 4

    def __init__(self, in_channels, channels, stride=1, groups=1, width_per_group=64):
        super().__init__()
        width = channels * width_per_group // 64 * groups
        out_channels = channels * self.expansion
        self.residual = nn.Sequential(conv_bn_act(in_channels, width, 1),
                                      conv_bn_act(width, width, 3, stride, groups=groups),
                                      conv_bn_act(width, out_channels, 1, activation=None))
        self.shortcut = projection_shortcut(in_channels, out_channels, stride)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(self.residual(x) + self.shortcut(x))


def resnet(block, blocks_per_stage, num_classes=1000, groups=1, width_per_group=64, name="resnet"):
    """A ResNet: 7x7/2 stem and 3x3/2 max pool, four stages of ``block`` (64, 128, 256, 512 channels,
    the last three starting with stride 2), global average pooling and one FC layer.
    (N, 3, 224, 224) -> (N, num_classes)."""
    layers = [("input", ExpectInput(name, 3, 224, 224)),
              ("stem", nn.Sequential(conv_bn_act(3, 64, 7, 2), nn.MaxPool2d(3, 2, 1)))]
    in_channels = 64
    for stage, (channels, count) in enumerate(zip((64, 128, 256, 512), blocks_per_stage)):
        blocks = []
        for i in range(count):
            stride = 2 if i == 0 and stage > 0 else 1
            blocks.append(block(in_channels, channels, stride, groups, width_per_group))
            in_channels = channels * block.expansion
        layers.append((f"stage{stage + 1}", nn.Sequential(*blocks)))
    layers.append(("classifier", classifier_head(in_channels, num_classes)))
    return nn.Sequential(OrderedDict(layers))


def resnet18(num_classes=1000):
    """ResNet-18: basic blocks [2, 2, 2, 2]; 11,689,512 parameters."""
    return resnet(BasicBlock, (2, 2, 2, 2), num_classes, name="resnet18")


def resnet34(num_classes=1000):
    """ResNet-34: basic blocks [3, 4, 6, 3]; 21,797,672 parameters."""
    return resnet(BasicBlock, (3, 4, 6, 3), num_classes, name="resnet34")


def resnet50(num_classes=1000):
    """ResNet-50: bottlenecks [3, 4, 6, 3]; 25,557,032 parameters."""
    return resnet(Bottleneck, (3, 4, 6, 3), num_classes, name="resnet50")


def resnet101(num_classes=1000):
    """ResNet-101: bottlenecks [3, 4, 23, 3]; 44,549,160 parameters."""
    return resnet(Bottleneck, (3, 4, 23, 3), num_classes, name="resnet101")


def resnet152(num_classes=1000):
    """ResNet-152: bottlenecks [3, 8, 36, 3]; 60,192,808 parameters."""
    return resnet(Bottleneck, (3, 8, 36, 3), num_classes, name="resnet152")


def resnext50_32x4d(num_classes=1000):
    """ResNeXt-50 (32 groups of width 4): bottlenecks [3, 4, 6, 3]; 25,028,904 parameters."""
    return resnet(Bottleneck, (3, 4, 6, 3), num_classes, groups=32, width_per_group=4,
                  name="resnext50_32x4d")
