"""LeNet-5 (LeCun et al., 1998): two conv/average-pool pairs, a 5x5 conv to 120 maps, then two FC layers.

The layer table of the slides: 1x32x32 -> conv 6@5x5 -> 6x28x28 -> avgpool 2/2 -> 6x14x14 -> conv
16@5x5 -> 16x10x10 -> avgpool -> 16x5x5 -> conv 120@5x5 -> 120x1x1 -> FC 84 -> FC 10, with tanh
after each convolution and after FC 84. The original's trainable sub-sampling (average, times a
learned coefficient, plus a learned bias, then squashed) and sparse C3 connections are replaced, as
in modern versions, by plain average pooling with no tanh after it (the slides' table lists one
there) and a full 6 -> 16 convolution.
"""

from collections import OrderedDict

from torch import nn

from .layers import ExpectInput


def lenet5(num_classes=10):
    """LeNet-5 for (N, 1, 32, 32) images -> (N, num_classes) scores (softmax is left to the loss).

    Parameters with 10 classes: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706.
    """
    return nn.Sequential(OrderedDict([
        ("input", ExpectInput("lenet5", 1, 32, 32)),
        ("c1", nn.Conv2d(1, 6, 5)), ("tanh1", nn.Tanh()),
        ("s2", nn.AvgPool2d(2, 2)),
        ("c3", nn.Conv2d(6, 16, 5)), ("tanh3", nn.Tanh()),
        ("s4", nn.AvgPool2d(2, 2)),
        ("c5", nn.Conv2d(16, 120, 5)), ("tanh5", nn.Tanh()),
        ("flatten", nn.Flatten()),
        ("f6", nn.Linear(120, 84)), ("tanh6", nn.Tanh()),
        ("classifier", nn.Linear(84, num_classes)),
    ]))
