"""The Keras MNIST network of the lecture slides, rebuilt in PyTorch (30,762 parameters).

conv 3x3 (16) + ReLU -> max pool 2 -> conv 3x3 (32) + ReLU -> max pool 2 -> flatten (800)
-> dense 32 + ReLU -> dense 10. Input (N, 1, 28, 28). The last layer returns raw scores: the
softmax lives in the loss (``F.cross_entropy``), and ``softmax(scores)`` gives probabilities.
"""

from collections import OrderedDict

from torch import nn

from ..validation import as_int


def mnist_cnn(num_classes=10):
    """The seed's two-convolution digit classifier as an ``nn.Sequential`` with named layers."""
    num_classes = as_int(num_classes, "num_classes", minimum=2)
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, 16, 3)), ("relu1", nn.ReLU()),          # (16, 26, 26)
        ("pool1", nn.MaxPool2d(2)),                                    # (16, 13, 13)
        ("conv2", nn.Conv2d(16, 32, 3)), ("relu2", nn.ReLU()),         # (32, 11, 11)
        ("pool2", nn.MaxPool2d(2)),                                    # (32, 5, 5)
        ("flatten", nn.Flatten()),                                     # 800
        ("dense1", nn.Linear(800, 32)), ("relu3", nn.ReLU()),
        ("dense2", nn.Linear(32, num_classes)),
    ]))
