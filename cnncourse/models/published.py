"""Published ImageNet results, with where each number comes from: data, not code, for the comparisons.

Top-1 accuracy (%) on the ILSVRC-2012 validation set, one 224x224 centre crop. Models without a
published ImageNet result of their own (LeNet-5 is a digit classifier; the NiN paper reports
CIFAR and SVHN only) are absent.
"""

TORCHVISION = "torchvision model documentation, IMAGENET1K_V1 weights (pytorch.org/vision/stable/models.html)"
MOBILENET_PAPER = "Howard et al. 2017, MobileNets, arXiv:1704.04861, table 8 (1.0 MobileNet-224)"
LITE_README = "TensorFlow TPU repository, models/official/efficientnet/lite/README.md (EfficientNet-Lite0)"

IMAGENET_TOP1 = {
    "alexnet": (56.522, TORCHVISION),
    "vgg11": (69.020, TORCHVISION), "vgg11_bn": (70.370, TORCHVISION),
    "vgg13": (69.928, TORCHVISION), "vgg13_bn": (71.586, TORCHVISION),
    "vgg16": (71.592, TORCHVISION), "vgg16_bn": (73.360, TORCHVISION),
    "vgg19": (72.376, TORCHVISION), "vgg19_bn": (74.218, TORCHVISION),
    "googlenet": (69.778, TORCHVISION),
    "resnet18": (69.758, TORCHVISION), "resnet34": (73.314, TORCHVISION), "resnet50": (76.130, TORCHVISION),
    "resnet101": (77.374, TORCHVISION), "resnet152": (78.312, TORCHVISION),
    "resnext50_32x4d": (77.618, TORCHVISION), "densenet121": (74.434, TORCHVISION),
    "mobilenet_v1": (70.6, MOBILENET_PAPER), "mobilenet_v2": (71.878, TORCHVISION),
    "efficientnet_b0": (77.692, TORCHVISION), "efficientnet_lite0": (75.1, LITE_README),
}

# Horzyk's table of Keras Applications (AGH slides): model, size on disk, top-1, top-5, parameters,
# depth.
KERAS_APPLICATIONS = [
    ("VGG16", "528 MB", 0.713, 0.901, 138_357_544, 23),
    ("InceptionV3", "92 MB", 0.779, 0.937, 23_851_784, 159),
    ("ResNet50", "98 MB", 0.749, 0.921, 25_636_712, None),
    ("Xception", "88 MB", 0.790, 0.945, 22_910_480, 126),
    ("InceptionResNetV2", "215 MB", 0.803, 0.953, 55_873_736, 572),
    ("ResNeXt50", "96 MB", 0.777, 0.938, 25_097_128, None),
]

# Winners of the ILSVRC classification task named in the AlexNet slide deck: year -> (the zoo's
# model, top-5 test error in %). Sources: Krizhevsky et al. 2012 (15.3%, an ensemble of CNNs);
# Szegedy et al. 2014, table 2 (6.67%, 7 GoogLeNets); He et al. 2015, table 5 (3.57%, an
# ensemble of ResNets, two of them 152 layers deep).
ILSVRC_WINNERS = {
    2012: ("alexnet", 15.3),
    2014: ("googlenet", 6.67),
    2015: ("resnet152", 3.57),
}
