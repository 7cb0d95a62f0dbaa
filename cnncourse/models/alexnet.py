"""AlexNet (Krizhevsky, Sutskever and Hinton, 2012): five convolutions, then three big FC layers.

Two versions:

- :func:`alexnet` is the one most libraries ship (64-192-384-256-256 filters, padding 2 in conv1,
  224x224 input, adaptive 6x6 pooling before the classifier): 61,100,840 parameters.
- :func:`alexnet_slides` is the single-GPU equivalent of the lecture slides: 96-256-384-384-256
  filters, 227x227 input with no padding in conv1 ((227 - 11) / 4 + 1 = 55), optional local
  response normalisation: 62,378,344 parameters, of which only 3,747,200 are in the convolutions.
  ``two_gpu=True`` gives the paper's split over two GPUs instead: conv2, conv4 and conv5 see only
  the maps of their own GPU (``groups=2``), which leaves 60,965,224 parameters.
"""

from collections import OrderedDict

from torch import nn

from .layers import ExpectInput


def _features(widths, conv1_padding, lrn, groups=1):
    """conv 11/4 - pool - conv 5 - pool - conv 3 x3 - pool, ReLU after each conv; LRN after pools 1, 2.

    ``groups`` splits conv2, conv4 and conv5 into that many independent groups (the GPUs).
    """
    c1, c2, c3, c4, c5 = widths
    parts = [("conv1", nn.Conv2d(3, c1, 11, 4, conv1_padding)), ("relu1", nn.ReLU(inplace=True)),
             ("pool1", nn.MaxPool2d(3, 2))]
    if lrn:
        parts.append(("norm1", nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)))
    parts += [("conv2", nn.Conv2d(c1, c2, 5, padding=2, groups=groups)), ("relu2", nn.ReLU(inplace=True)),
              ("pool2", nn.MaxPool2d(3, 2))]
    if lrn:
        parts.append(("norm2", nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)))
    parts += [("conv3", nn.Conv2d(c2, c3, 3, padding=1)), ("relu3", nn.ReLU(inplace=True)),
              ("conv4", nn.Conv2d(c3, c4, 3, padding=1, groups=groups)), ("relu4", nn.ReLU(inplace=True)),
              ("conv5", nn.Conv2d(c4, c5, 3, padding=1, groups=groups)), ("relu5", nn.ReLU(inplace=True)),
              ("pool5", nn.MaxPool2d(3, 2))]
    return nn.Sequential(OrderedDict(parts))


def _fully_connected(in_features, num_classes, dropout=0.5):
    """FC6 and FC7 (4096 units, ReLU, dropout before each): the 'features' half of the classifier."""
    return nn.Sequential(OrderedDict([
        ("drop6", nn.Dropout(dropout)), ("fc6", nn.Linear(in_features, 4096)), ("relu6", nn.ReLU(inplace=True)),
        ("drop7", nn.Dropout(dropout)), ("fc7", nn.Linear(4096, 4096)), ("relu7", nn.ReLU(inplace=True)),
    ]))


def alexnet(num_classes=1000):
    """AlexNet as libraries ship it: (N, 3, 224, 224) -> (N, num_classes); 61,100,840 parameters."""
    return nn.Sequential(OrderedDict([
        ("input", ExpectInput("alexnet", 3, 224, 224)),
        ("features", _features((64, 192, 384, 256, 256), conv1_padding=2, lrn=False)),
        ("pool", nn.AdaptiveAvgPool2d(6)), ("flatten", nn.Flatten()),
        ("fully_connected", _fully_connected(256 * 6 * 6, num_classes)),
        ("classifier", nn.Linear(4096, num_classes)),
    ]))


def alexnet_slides(num_classes=1000, lrn=True, two_gpu=False):
    """The slides' AlexNet: (N, 3, 227, 227) -> (N, num_classes).

    Single-GPU equivalent: 62,378,344 parameters. ``two_gpu=True``: the paper's two halves, where
    conv2, conv4 and conv5 only connect maps on the same GPU (conv3 and the FC layers cross over):
    60,965,224 parameters.
    """
    if not isinstance(two_gpu, bool):
        raise TypeError(f"two_gpu must be True or False, got {two_gpu!r}")
    return nn.Sequential(OrderedDict([
        ("input", ExpectInput("alexnet_slides", 3, 227, 227)),
        ("features", _features((96, 256, 384, 384, 256), conv1_padding=0, lrn=lrn, groups=2 if two_gpu else 1)),
        ("flatten", nn.Flatten()),
        ("fully_connected", _fully_connected(256 * 6 * 6, num_classes)),
        ("classifier", nn.Linear(4096, num_classes)),
    ]))


def slides_parameter_table(model=None):
    """The slides' per-layer table for :func:`alexnet_slides` (either version): rows ``(layer, weights, biases)``.

    The slides count a convolution as (k*k*C_in + 1) * filters, with its bias, but a fully connected
    layer as inputs * outputs, without: their total 62,369,152 is 9,192 (4096 + 4096 + 1000 FC
    biases) short of the true 62,378,344.
    """
    model = model if model is not None else alexnet_slides()
    rows = []
    for name, layer in [*model.features.named_children(), *model.fully_connected.named_children(),
                        ("fc8", model.classifier)]:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            rows.append((name, layer.weight.numel(), layer.bias.numel()))
    return rows


def slides_totals(rows):
    """``{'conv', 'fully_connected', 'total', 'slides_total'}`` parameter sums of a slides table."""
    conv = sum(w + b for name, w, b in rows if name.startswith("conv"))
    fc_weights = sum(w for name, w, b in rows if name.startswith("fc"))
    fc_biases = sum(b for name, w, b in rows if name.startswith("fc"))
    return {"conv": conv, "fully_connected": fc_weights + fc_biases, "total": conv + fc_weights + fc_biases,
            "slides_total": conv + fc_weights}
