"""The model zoo: exact parameter counts, output shapes, heads, input checks, the slides' AlexNet table.

Counts, heads and output shapes are checked on the ``meta`` device (no memory, no time); finite
scores from fresh weights with real ones, one model of each family, batch 1, without gradients.
"""

import pytest
import torch

from cnncourse.models import MODELS, alexnet_slides, build, count_parameters
from cnncourse.models.alexnet import slides_parameter_table, slides_totals
from cnncourse.models.googlenet import googlenet
from cnncourse.models.inception_v4 import inception_v4

# The counts of the same models in torchvision (default configuration; GoogLeNet without its
# auxiliary heads); MobileNet v1 width 1.0; EfficientNet-Lite0: the pretrained state dict's count;
# LeNet-5 and NiN: see the docstrings of cnncourse.models.lenet.lenet5 and cnncourse.models.nin.nin.
EXPECTED_PARAMETERS = {
    "lenet5": 61_706, "alexnet": 61_100_840,
    "vgg11": 132_863_336, "vgg11_bn": 132_868_840, "vgg13": 133_047_848, "vgg13_bn": 133_053_736,
    "vgg16": 138_357_544, "vgg16_bn": 138_365_992, "vgg19": 143_667_240, "vgg19_bn": 143_678_248,
    "nin": 7_439_608, "googlenet": 6_624_904,
    "resnet18": 11_689_512, "resnet34": 21_797_672, "resnet50": 25_557_032, "resnet101": 44_549_160,
    "resnet152": 60_192_808, "resnext50_32x4d": 25_028_904, "densenet121": 7_978_856,
    "mobilenet_v1": 4_231_976, "mobilenet_v2": 3_504_872, "efficientnet_b0": 5_288_548,
    "efficientnet_lite0": 4_652_008,
}


def on_meta(name, num_classes=None):
    with torch.device("meta"):
        return build(name, num_classes)


def test_every_model_has_an_expected_count():
    assert set(MODELS) == set(EXPECTED_PARAMETERS)


@pytest.mark.parametrize("name", list(EXPECTED_PARAMETERS))
def test_parameter_count_is_exact(name):
    assert count_parameters(on_meta(name)) == EXPECTED_PARAMETERS[name]


@pytest.mark.parametrize("name", list(EXPECTED_PARAMETERS))
def test_num_classes_changes_only_the_classifier(name):
    default = {k: v.shape for k, v in on_meta(name).state_dict().items()}
    seven = {k: v.shape for k, v in on_meta(name, 7).state_dict().items()}
    assert default.keys() == seven.keys()
    changed = [k for k in default if default[k] != seven[k]]
    assert changed and all(k.startswith("classifier.") for k in changed), changed


@pytest.mark.parametrize("name", list(EXPECTED_PARAMETERS))
def test_output_shape_is_batch_by_classes(name):
    model = on_meta(name, 7).eval()
    assert model(torch.zeros(1, *MODELS[name].input_shape, device="meta")).shape == (1, 7)


# One model per family's code (the deeper VGGs and ResNets differ from these only in the stage
# sizes the shapes above check): random initialisation must give finite scores at the input size.
ONE_PER_FAMILY = ["lenet5", "alexnet", "vgg11_bn", "nin", "googlenet", "resnet18", "resnet50",
                  "resnext50_32x4d", "densenet121", "mobilenet_v1", "mobilenet_v2", "efficientnet_b0",
                  "efficientnet_lite0"]


@pytest.mark.parametrize("name", ONE_PER_FAMILY)
def test_fresh_weights_give_finite_scores(name):
    torch.manual_seed(0)
    model = build(name, num_classes=7).eval()
    with torch.no_grad():
        out = model(torch.randn(1, *MODELS[name].input_shape))
    assert out.shape == (1, 7) and torch.isfinite(out).all()


@pytest.mark.parametrize("name", ["lenet5", "resnet18", "vgg11", "efficientnet_lite0"])
def test_wrong_input_gets_a_clear_error(name):
    model = on_meta(name)
    c, h, w = MODELS[name].input_shape
    with pytest.raises(ValueError, match=rf"{name} expects input \(N, {c}, {h}, {w}\), got \(2, {c + 2}, {h}, {w}\)"):
        model(torch.zeros(2, c + 2, h, w, device="meta"))
    with pytest.raises(ValueError, match=r"got \(1, .*, 100\)"):
        model(torch.zeros(1, c, h, 100, device="meta"))


def test_lenet5_message_matches_the_design():
    with pytest.raises(ValueError, match=r"^lenet5 expects input \(N, 1, 32, 32\), got \(2, 3, 32, 32\)$"):
        build("lenet5")(torch.zeros(2, 3, 32, 32))


def test_unknown_model_name_is_named():
    with pytest.raises(ValueError, match="unknown model 'resnet19'"):
        build("resnet19")


def test_googlenet_with_the_papers_5x5_branch_is_bigger():
    with torch.device("meta"):
        assert count_parameters(googlenet(big_kernel=5)) > count_parameters(googlenet())


def test_slides_alexnet_table_and_totals():
    with torch.device("meta"):
        model = alexnet_slides()
    rows = slides_parameter_table(model)
    assert [(n, w + b) for n, w, b in rows[:5]] == [("conv1", 34_944), ("conv2", 614_656), ("conv3", 885_120),
                                                   ("conv4", 1_327_488), ("conv5", 884_992)]
    assert [(n, w) for n, w, b in rows[5:]] == [("fc6", 37_748_736), ("fc7", 16_777_216), ("fc8", 4_096_000)]
    assert slides_totals(rows) == {"conv": 3_747_200, "fully_connected": 58_631_144, "total": 62_378_344,
                                   "slides_total": 62_369_152}
    assert count_parameters(model) == 62_378_344


def test_two_gpu_alexnet_groups_conv2_conv4_conv5():
    with torch.device("meta"):
        model = alexnet_slides(two_gpu=True)
    rows = slides_parameter_table(model)
    # by hand: each GPU's half of a grouped layer sees half of the input maps
    assert [(n, w + b) for n, w, b in rows[:5]] == [
        ("conv1", (11 * 11 * 3 + 1) * 96), ("conv2", (5 * 5 * 48 + 1) * 256), ("conv3", (3 * 3 * 256 + 1) * 384),
        ("conv4", (3 * 3 * 192 + 1) * 384), ("conv5", (3 * 3 * 192 + 1) * 256)]
    assert [w + b for n, w, b in rows[:5]] == [34_944, 307_456, 885_120, 663_936, 442_624]
    # the single-GPU model minus the weights the groups remove
    assert count_parameters(model) == 62_378_344 - (307_200 + 663_552 + 442_368)
    assert count_parameters(model) == 60_965_224
    assert [m.groups for m in model.features if isinstance(m, torch.nn.Conv2d)] == [1, 2, 1, 2, 2]


def test_two_gpu_alexnet_rejects_a_non_bool():
    with pytest.raises(TypeError, match="two_gpu"):
        alexnet_slides(two_gpu="yes")


def test_slides_alexnet_runs_on_227_pixels_with_and_without_lrn():
    for lrn, two_gpu in ((True, False), (False, False), (True, True)):
        model = alexnet_slides(num_classes=5, lrn=lrn, two_gpu=two_gpu).eval()
        with torch.no_grad():
            assert model(torch.zeros(1, 3, 227, 227)).shape == (1, 5)


def _unit_parameters(c_in, c_out, kh, kw=None):
    """Conv without bias plus batch norm's scale and shift, counted by hand."""
    return c_in * c_out * kh * (kw or kh) + 2 * c_out


def test_inception_v4_matches_the_published_count_and_shapes():
    with torch.device("meta"):
        model = inception_v4()
        x = torch.zeros(1, 3, 299, 299)
        shapes = {}
        for name, stage in list(model.named_children())[:-1]:
            x = stage(x)
            shapes[name] = tuple(x.shape[1:])
        assert model.classifier(x).shape == (1, 1000)
    # the TensorFlow-slim model with 1000 classes (timm's inception_v4 has the same count)
    assert count_parameters(model) == 42_679_816
    assert shapes == {"input": (3, 299, 299), "stem": (384, 35, 35), "inception_a": (384, 35, 35),
                      "reduction_a": (1024, 17, 17), "inception_b": (1024, 17, 17),
                      "reduction_b": (1536, 8, 8), "inception_c": (1536, 8, 8)}
    module_a = (_unit_parameters(384, 96, 1) + _unit_parameters(384, 64, 1) + _unit_parameters(64, 96, 3)
                + _unit_parameters(384, 64, 1) + _unit_parameters(64, 96, 3) + _unit_parameters(96, 96, 3)
                + _unit_parameters(384, 96, 1))
    assert all(count_parameters(m) == module_a == 317_632 for m in model.inception_a)
    assert count_parameters(model.classifier) == 1536 * 1000 + 1000
    assert [m.p for m in model.modules() if isinstance(m, torch.nn.Dropout)] == [0.2]


def test_inception_v4_checks_its_input():
    with torch.device("meta"):
        model = inception_v4(num_classes=7)
        with pytest.raises(ValueError, match="299"):
            model(torch.zeros(1, 3, 224, 224))
        assert model(torch.zeros(2, 3, 299, 299)).shape == (2, 7)
