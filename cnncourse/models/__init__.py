"""PyTorch models of the course, built from the lecture slides' descriptions."""

from .mnist import mnist_cnn
from .lenet import lenet5
from .alexnet import alexnet, alexnet_slides
from .vgg import vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn
from .nin import nin
from .googlenet import googlenet
from .resnet import resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d
from .densenet import densenet121
from .mobilenet import mobilenet_v1, mobilenet_v2
from .efficientnet import efficientnet_b0
from .efficientnet_lite import efficientnet_lite0
from .zoo import MODELS, build, count_parameters
