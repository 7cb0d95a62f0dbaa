"""EfficientNet-Lite0 with the real ImageNet weights: strict loading, class names, correct predictions."""

import pytest
import torch

from cnncourse.data import load_image
from cnncourse.models import count_parameters, efficientnet_lite0
from cnncourse.models.efficientnet_lite import rename_keys, weights_path
from cnncourse.models.imagenet import center_square, class_names, lite0_input, top_k


@pytest.fixture(scope="module")
def lite0():
    return efficientnet_lite0(pretrained=True)


def test_the_weight_file_holds_4652008_parameters_and_every_key_maps():
    state = torch.load(weights_path(), map_location="cpu", weights_only=True)
    learned = [k for k in state if not k.endswith(("running_mean", "running_var", "num_batches_tracked"))]
    assert sum(state[k].numel() for k in learned) == 4_652_008
    with torch.device("meta"):
        model = efficientnet_lite0()
    renamed = rename_keys(state, model)
    assert renamed.keys() == model.state_dict().keys()
    assert renamed["stem.conv.weight"] is state["_conv_stem.weight"]
    assert renamed["classifier.fc.weight"] is state["_fc.weight"]


def test_pretrained_model_is_in_eval_mode(lite0):
    assert not lite0.training and count_parameters(lite0) == 4_652_008


def test_pretrained_needs_1000_classes():
    with pytest.raises(ValueError, match="num_classes=10"):
        efficientnet_lite0(num_classes=10, pretrained=True)


def test_class_names_are_the_ilsvrc_order():
    names = class_names()
    assert len(names) == 1000 and len(set(names)) == 998  # 'crane' and 'maillot' appear twice
    assert names[0] == "tench" and names[1] == "goldfish" and names[999] == "toilet tissue"
    assert (names[207], names[281], names[285], names[409]) == ("golden retriever", "tabby", "Egyptian cat",
                                                               "analog clock")
    assert (names[817], names[948], names[967], names[968]) == ("sports car", "Granny Smith", "espresso", "cup")


def predict(model, photo):
    with torch.no_grad():
        return top_k(model(lite0_input(load_image(photo))), k=5)


def test_chelsea_is_a_cat(lite0):
    index, name, probability = predict(lite0, "chelsea")[0]
    assert 281 <= index <= 285 and probability > 0.3, (index, name)


def test_coffee_is_espresso_or_a_cup(lite0):
    index, name, probability = predict(lite0, "coffee")[0]
    assert index in (967, 968) and probability > 0.5, (index, name)


def test_rocket_is_a_missile_or_projectile(lite0):
    assert {i for i, _, _ in predict(lite0, "rocket")[:2]} <= {657, 744, 812}


def test_input_scaling_and_shape():
    image = load_image("chelsea")
    x = lite0_input(image)
    assert x.shape == (1, 3, 224, 224) and x.dtype == torch.float32
    assert -127 / 128 - 1e-6 <= x.min() and x.max() <= 128 / 128 + 1e-6
    assert center_square(image).shape == (224, 224, 3)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="image must have 3 dimensions"):
        lite0_input(torch.zeros(10, 10).numpy())
    with pytest.raises(ValueError, match="1000 ImageNet scores"):
        top_k(torch.zeros(1, 10))
