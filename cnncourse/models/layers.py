"""Small layers the model zoo shares: an input check with a clear error, conv -> BN -> activation
(with PyTorch's or TensorFlow's 'same' padding), and a global-pooling classifier head."""

import math
from collections import OrderedDict

from torch import nn
from torch.nn import functional as F

INPLACE = (nn.ReLU, nn.ReLU6, nn.SiLU)


class ExpectInput(nn.Module):
    """Passes ``x`` through unchanged if it is shaped (N, C, H, W) with the expected C, H, W.

    Otherwise raises ``ValueError("lenet5 expects input (N, 1, 32, 32), got (2, 3, 32, 32)")``, so a
    wrong image size or channel count fails at the door, not deep inside a matrix product.
    """

    def __init__(self, model_name, channels, height, width):
        super().__init__()
        self.model_name = model_name
        self.expected = (channels, height, width)

    def forward(self, x):
        if x.dim() != 4 or tuple(x.shape[1:]) != self.expected:
            c, h, w = self.expected
            raise ValueError(f"{self.model_name} expects input (N, {c}, {h}, {w}), got {tuple(x.shape)}")
        return x

    def extra_repr(self):
        return f"{self.model_name}: (N, {', '.join(map(str, self.expected))})"


class SamePad2d(nn.Module):
    """TensorFlow's 'same' padding for a k x k, stride-s convolution: pads so that the output is
    ceil(H / s) x ceil(W / s), with the odd pixel (if any) at the bottom/right."""

    def __init__(self, kernel_size, stride):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride

    def forward(self, x):
        pads = []
        for size in (x.shape[-1], x.shape[-2]):  # F.pad wants (left, right, top, bottom)
            total = max((math.ceil(size / self.stride) - 1) * self.stride + self.kernel_size - size, 0)
            pads += [total // 2, total - total // 2]
        return F.pad(x, pads)


def conv_bn_act(in_channels, out_channels, kernel_size, stride=1, groups=1, activation=nn.ReLU,
                eps=1e-5, tf_padding=False):
    """A ``kernel_size`` convolution with no bias (the BN shift replaces it), batch norm and
    ``activation`` (a module class, or None for none).

    Padding is k // 2 on every side, or with ``tf_padding`` TensorFlow's 'same' padding for strided
    convolutions (which weights trained in TensorFlow expect).
    (N, in_channels, H, W) -> (N, out_channels, ceil(H / stride), ceil(W / stride)).
    """
    tf_pad = tf_padding and stride > 1
    parts = [("pad", SamePad2d(kernel_size, stride))] if tf_pad else []
    parts += [("conv", nn.Conv2d(in_channels, out_channels, kernel_size, stride, 0 if tf_pad else kernel_size // 2,
                                 groups=groups, bias=False)),
              ("bn", nn.BatchNorm2d(out_channels, eps=eps))]
    if activation is not None:
        parts.append(("act", activation(inplace=True) if activation in INPLACE else activation()))
    return nn.Sequential(OrderedDict(parts))


def classifier_head(in_features, num_classes, dropout=0.0):
    """Global average pooling, optional dropout and one linear layer: (N, C, H, W) -> (N, num_classes)."""
    parts = [("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten())]
    if dropout:
        parts.append(("dropout", nn.Dropout(dropout)))
    parts.append(("fc", nn.Linear(in_features, num_classes)))
    return nn.Sequential(OrderedDict(parts))
