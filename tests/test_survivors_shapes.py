"""summary()'s table, character for character, against a hand-written one; what it records and
(mutants of cnncourse/shapes/summary.py that survived the shapes tests)."""

import pytest
import torch
from torch import nn

from cnncourse.shapes import linear_param_count, summary


def small_model():
    """(1, 6, 5) -> conv 3x3 (2, 4, 3): 1*2*9 + 2 = 20 parameters -> 24 -> linear: 24*3 + 3 = 75."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(24, 3))
    model[0].requires_grad_(False)
    return model


TABLE = """\
Layer (type)  Output Shape     Param #
--------------------------------------
0 (Conv2d)    (None, 2, 4, 3)       20
1 (ReLU)      (None, 2, 4, 3)        0
2 (Flatten)   (None, 24)             0
3 (Linear)    (None, 3)             75
--------------------------------------
Total params: 95
Trainable params: 75"""


def test_the_table_is_the_keras_style_text():
    result = summary(small_model(), (1, 6, 5))
    assert result.table() == TABLE
    assert str(result) == TABLE
    assert (result.total_params, result.trainable_params) == (95, 75)


def test_channels_last_moves_the_channels_of_image_shapes_only():
    lines = summary(small_model(), (1, 6, 5)).table(channels_last=True).splitlines()
    assert lines[2] == "0 (Conv2d)    (None, 4, 3, 2)       20"
    assert lines[4] == "2 (Flatten)   (None, 24)             0"


def test_only_leaf_modules_are_rows_with_their_own_parameters():
    model = nn.Sequential(nn.Sequential(nn.Linear(4, 3), nn.Tanh()), nn.Linear(3, 2))
    rows = summary(model, (4,)).rows
    assert [(r.name, r.kind, r.output_shape, r.params) for r in rows] == [
        ("0.0", "Linear", (None, 3), 15), ("0.1", "Tanh", (None, 3), 0), ("1", "Linear", (None, 2), 8)]


class Pair(nn.Module):
    def forward(self, x):
        return x, -x


def test_a_layer_that_returns_no_tensor_has_no_shape():
    model = nn.Sequential(nn.Linear(2, 2))
    model.add_module("pair", Pair())
    assert [r.output_shape for r in summary(model, (2,)).rows] == [(None, 2), ()]


def test_a_model_that_is_not_a_module_is_named_by_type():
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, got str"):
        summary("resnet", (3, 8, 8))


def test_linear_parameters_with_and_without_bias_equal_torch():
    for bias in (True, False):
        assert linear_param_count(7, 3, bias=bias) == sum(p.numel() for p in nn.Linear(7, 3, bias=bias).parameters())


@pytest.mark.parametrize("args, error, words", [
    ((0, 2), ValueError, "in_features must be >= 1"), ((2, 0), ValueError, "out_features must be >= 1"),
    ((2.5, 2), TypeError, "in_features"), ((2, "2"), TypeError, "out_features")])
def test_linear_parameter_count_names_a_bad_argument(args, error, words):
    with pytest.raises(error, match=words):
        linear_param_count(*args)


def test_a_model_without_parameters_is_summarised():
    rows = summary(nn.Sequential(nn.ReLU(), nn.Flatten()), (2, 3)).rows
    assert [(r.kind, r.output_shape, r.params) for r in rows] == [("ReLU", (None, 2, 3), 0), ("Flatten", (None, 6), 0)]
