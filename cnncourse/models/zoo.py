"""The model zoo's index: every builder by name, with its input shape and family, in historical order."""

from dataclasses import dataclass

from .alexnet import alexnet
from .densenet import densenet121
from .efficientnet import efficientnet_b0
from .efficientnet_lite import efficientnet_lite0
from .googlenet import googlenet
from .lenet import lenet5
from .mobilenet import mobilenet_v1, mobilenet_v2
from .nin import nin
from .resnet import resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d
from .vgg import vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn


@dataclass(frozen=True)
class ZooEntry:
    """A builder ``fn(num_classes=...) -> nn.Module``, the input it takes (C, H, W), its default
    number of classes, its family and the year its paper appeared."""

    build: object
    input_shape: tuple
    num_classes: int
    family: str
    year: int


IMAGENET_INPUT = (3, 224, 224)

MODELS = {
    "lenet5": ZooEntry(lenet5, (1, 32, 32), 10, "LeNet", 1998),
    "alexnet": ZooEntry(alexnet, IMAGENET_INPUT, 1000, "AlexNet", 2012),
    **{name: ZooEntry(fn, IMAGENET_INPUT, 1000, "VGG", 2014)
       for name, fn in [("vgg11", vgg11), ("vgg11_bn", vgg11_bn), ("vgg13", vgg13), ("vgg13_bn", vgg13_bn),
                        ("vgg16", vgg16), ("vgg16_bn", vgg16_bn), ("vgg19", vgg19), ("vgg19_bn", vgg19_bn)]},
    "nin": ZooEntry(nin, IMAGENET_INPUT, 1000, "NiN", 2013),
    "googlenet": ZooEntry(googlenet, IMAGENET_INPUT, 1000, "GoogLeNet", 2014),
    **{name: ZooEntry(fn, IMAGENET_INPUT, 1000, "ResNet", 2015)
       for name, fn in [("resnet18", resnet18), ("resnet34", resnet34), ("resnet50", resnet50),
                        ("resnet101", resnet101), ("resnet152", resnet152)]},
    "resnext50_32x4d": ZooEntry(resnext50_32x4d, IMAGENET_INPUT, 1000, "ResNeXt", 2017),
    "densenet121": ZooEntry(densenet121, IMAGENET_INPUT, 1000, "DenseNet", 2017),
    "mobilenet_v1": ZooEntry(mobilenet_v1, IMAGENET_INPUT, 1000, "MobileNet", 2017),
    "mobilenet_v2": ZooEntry(mobilenet_v2, IMAGENET_INPUT, 1000, "MobileNet", 2018),
    "efficientnet_b0": ZooEntry(efficientnet_b0, IMAGENET_INPUT, 1000, "EfficientNet", 2019),
    "efficientnet_lite0": ZooEntry(efficientnet_lite0, IMAGENET_INPUT, 1000, "EfficientNet", 2020),
}


def get_entry(name):
    """The :class:`ZooEntry` called ``name``, or a clear error listing the names there are."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name]


def build(name, num_classes=None, **kwargs):
    """Build the model called ``name`` (with its default number of classes unless given)."""
    entry = get_entry(name)
    return entry.build(num_classes=entry.num_classes if num_classes is None else num_classes, **kwargs)


def count_parameters(model):
    """The number of trainable and non-trainable parameters (not buffers such as BN running means)."""
    return sum(p.numel() for p in model.parameters())
