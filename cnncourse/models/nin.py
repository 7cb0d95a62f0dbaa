"""Network in Network (Lin, Chen and Yan, 2013): each convolution is followed by two 1x1 convolutions
(a small MLP applied at every pixel), and global average pooling replaces the FC classifier.

The ImageNet layout of d2l.ai's version, with a 3-channel 224x224 input: NiN blocks with
96@11x11/4, 256@5x5 (p 2), 384@3x3 (p 1), each followed by a 3x3/2 max pool, dropout, and a last
block with one filter per class whose maps are averaged into the class scores.
"""

from collections import OrderedDict

from torch import nn

from .layers import ExpectInput


class NiNBlock(nn.Sequential):
    """conv k x k -> ReLU -> conv 1x1 -> ReLU -> conv 1x1 -> ReLU, all with ``out_channels`` maps.

    (N, in_channels, H, W) -> (N, out_channels, (H + 2p - k) // s + 1, same for W).
    Parameters: (k*k*in + 1) * out + 2 * (out * out + out).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding):
        super().__init__(OrderedDict([
            ("conv", nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding)),
            ("relu", nn.ReLU(inplace=True)),
            ("mlp1", nn.Conv2d(out_channels, out_channels, 1)), ("relu1", nn.ReLU(inplace=True)),
            ("mlp2", nn.Conv2d(out_channels, out_channels, 1)), ("relu2", nn.ReLU(inplace=True)),
        ]))


def nin(num_classes=1000):
    """NiN: (N, 3, 224, 224) -> (N, num_classes).

    Parameters with 1000 classes, block by block (see :class:`NiNBlock`):
    (11*11*3+1)*96 + 2*(96*96+96) = 53,568; (5*5*96+1)*256 + 2*(256*256+256) = 746,240;
    (3*3*256+1)*384 + 2*(384*384+384) = 1,180,800; (3*3*384+1)*1000 + 2*(1000*1000+1000) = 5,459,000;
    total 7,439,608. The classifier block alone holds 73% of them: its two 1000x1000 1x1 convs.
    """
    return nn.Sequential(OrderedDict([
        ("input", ExpectInput("nin", 3, 224, 224)),
        ("block1", NiNBlock(3, 96, 11, 4, 0)), ("pool1", nn.MaxPool2d(3, 2)),
        ("block2", NiNBlock(96, 256, 5, 1, 2)), ("pool2", nn.MaxPool2d(3, 2)),
        ("block3", NiNBlock(256, 384, 3, 1, 1)), ("pool3", nn.MaxPool2d(3, 2)),
        ("dropout", nn.Dropout(0.5)),
        ("classifier", nn.Sequential(OrderedDict([
            ("block4", NiNBlock(384, num_classes, 3, 1, 1)),
            ("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten())]))),
    ]))
