"""VGG (Simonyan and Zisserman, 2014): only 3x3 convolutions (padding 1) and 2x2 max pools, stacked deep.

Two 3x3 convolutions see a 5x5 window and three see 7x7, with fewer weights (2 * 9 C^2 or 3 * 9 C^2
against 25 C^2 or 49 C^2) and more non-linearities. Configurations A, B, D, E of the paper are
VGG-11, 13, 16 and 19 (the number of weight layers); the ``_bn`` variants add batch norm after
every convolution. The three FC layers (25,088 -> 4096 -> 4096 -> classes) hold most parameters.
"""

from collections import OrderedDict

from torch import nn

from .layers import ExpectInput

# Filters per 3x3 convolution, "M" for a 2x2/2 max pool: the paper's table 1, columns A, B, D, E.
CONFIGS = {
    11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
         512, 512, 512, 512, "M"],
}


def vgg_stages(config, batch_norm):
    """The convolutional part: one nn.Sequential per stage (convs up to and including its pool)."""
    stages, current, channels = [], [], 3
    for item in config:
        if item == "M":
            current.append(nn.MaxPool2d(2, 2))
            stages.append(nn.Sequential(*current))
            current = []
            continue
        current.append(nn.Conv2d(channels, item, 3, padding=1))
        if batch_norm:
            current.append(nn.BatchNorm2d(item))
        current.append(nn.ReLU(inplace=True))
        channels = item
    return nn.Sequential(OrderedDict((f"stage{i + 1}", s) for i, s in enumerate(stages)))


def vgg(depth, num_classes=1000, batch_norm=False):
    """VGG-``depth`` (11, 13, 16 or 19): (N, 3, 224, 224) -> (N, num_classes)."""
    if depth not in CONFIGS:
        raise ValueError(f"depth must be one of {sorted(CONFIGS)}, got {depth!r}")
    name = f"vgg{depth}{'_bn' if batch_norm else ''}"
    return nn.Sequential(OrderedDict([
        ("input", ExpectInput(name, 3, 224, 224)),
        ("features", vgg_stages(CONFIGS[depth], batch_norm)),
        ("pool", nn.AdaptiveAvgPool2d(7)), ("flatten", nn.Flatten()),
        ("fully_connected", nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5))),
        ("classifier", nn.Linear(4096, num_classes)),
    ]))


def vgg11(num_classes=1000):
    """VGG-11 (configuration A): 132,863,336 parameters."""
    return vgg(11, num_classes)


def vgg13(num_classes=1000):
    """VGG-13 (configuration B): 133,047,848 parameters."""
    return vgg(13, num_classes)


def vgg16(num_classes=1000):
    """VGG-16 (configuration D): 138,357,544 parameters."""
    return vgg(16, num_classes)


def vgg19(num_classes=1000):
    """VGG-19 (configuration E): 143,667,240 parameters."""
    return vgg(19, num_classes)


def vgg11_bn(num_classes=1000):
    """VGG-11 with batch norm: 132,868,840 parameters."""
    return vgg(11, num_classes, batch_norm=True)


def vgg13_bn(num_classes=1000):
    """VGG-13 with batch norm: 133,053,736 parameters."""
    return vgg(13, num_classes, batch_norm=True)


def vgg16_bn(num_classes=1000):
    """VGG-16 with batch norm: 138,365,992 parameters."""
    return vgg(16, num_classes, batch_norm=True)


def vgg19_bn(num_classes=1000):
    """VGG-19 with batch norm: 143,678,248 parameters."""
    return vgg(19, num_classes, batch_norm=True)
