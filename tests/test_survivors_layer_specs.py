"""The layer-spec language's errors, named whole, and what its specs build (mutants of
cnncourse/shapes/layer_specs.py, network.py and receptive_field.py that survived the shapes tests)."""

import re

import pytest
import torch

from cnncourse.shapes import receptive_fields
from cnncourse.shapes.layer_specs import Conv, LayerSpecError, Pool, format_layer, parse_network, to_torch
from cnncourse.shapes.network import LayerShape, conv2d_multiplications, network_table
from cnncourse.shapes.parameters import conv2d_param_count

BAD = [
    (lambda: Conv(0, 3), ValueError, "out_channels must be >= 1, got 0"),
    (lambda: Conv(2, 3, padding=-1), ValueError, "padding must be >= 0, got -1"),
    (lambda: Conv(2, 3, padding=1.0), TypeError, "padding must be an int, got float 1.0"),
    (lambda: Conv(2, 3, dilation=0), ValueError, "dilation must be >= 1, got 0"),
    (lambda: Conv(2, 3, dilation=1.5), TypeError, "dilation must be an int, got float 1.5"),
    (lambda: Pool(0), ValueError, "kernel_size must be >= 1, got 0"),
    (lambda: Pool(2.0), TypeError, "kernel_size must be an int, got float 2.0"),
    (lambda: Pool(2, stride=0), ValueError, "stride must be >= 1, got 0"),
    (lambda: Pool(2, stride="1"), TypeError, "stride must be an int, got str '1'"),
    (lambda: Pool(3, padding=-1), ValueError, "padding must be >= 0, got -1"),
    (lambda: Pool(3, padding=1.0), TypeError, "padding must be an int, got float 1.0"),
    (lambda: to_torch([Conv(2, 3)], 0), ValueError, "in_channels must be >= 1, got 0"),
    (lambda: to_torch([Conv(2, 3)], 1.0), TypeError, "in_channels must be an int, got float 1.0"),
    (lambda: to_torch([(2, 3)], 1), TypeError, "layers must hold Conv and Pool specs, got tuple"),
    (lambda: format_layer("conv 2 3"), TypeError, "layer must be a Conv or a Pool, got str"),
    (lambda: receptive_fields([Conv(2, 3), 3]), TypeError, "layer 2 must be a Conv or a Pool spec, got int"),
    (lambda: parse_network(b"input 1 8"), TypeError, "text must be a str, got bytes"),
    (lambda: parse_network("conv 2 3"), LayerSpecError,
     "the first line must give the input, e.g. 'input 3 227 227' (channels, height, width)"),
    (lambda: parse_network("input 1 8 8 8"), LayerSpecError,
     "line 1: write the input as 'input C H W' or 'input C H' (channels, height, width), got 'input 1 8 8 8'"),
    (lambda: parse_network("input 1 0 8"), LayerSpecError, "line 1: the input height must be >= 1, got 0"),
    (lambda: parse_network("input 1 8 0"), LayerSpecError, "line 1: the input width must be >= 1, got 0"),
    (lambda: parse_network("input 1 8\nconv 4"), LayerSpecError,
     "line 2: conv needs its filters and kernel size, e.g. 'conv 16 5' (16 filters of 5x5); got 'conv 4'"),
    (lambda: parse_network("input 1 8\n\nconv 4 3x3"), LayerSpecError,
     "line 3: kernel size must be a whole number, got '3x3'"),
    (lambda: conv2d_multiplications(1, 2, 3, 0), ValueError, "output_size must be >= 1, got 0"),
    (lambda: conv2d_multiplications(0, 2, 3, 4), ValueError, "in_channels must be >= 1, got 0"),
    (lambda: conv2d_multiplications("1", 2, 3, 4), TypeError, "in_channels must be an int, got str '1'"),
    (lambda: conv2d_multiplications(1, 0, 3, 4), ValueError, "out_channels must be >= 1, got 0"),
    (lambda: conv2d_multiplications(1, 2.0, 3, 4), TypeError, "out_channels must be an int, got float 2.0"),
    (lambda: conv2d_param_count(1, 0, 3), ValueError, "out_channels must be >= 1, got 0"),
    (lambda: conv2d_param_count(1, 2.0, 3), TypeError, "out_channels must be an int, got float 2.0"),
    (lambda: conv2d_param_count(2, 2, 3, groups=0), ValueError, "groups must be >= 1, got 0"),
    (lambda: conv2d_param_count(2, 2, 3, groups=1.0), TypeError, "groups must be an int, got float 1.0"),
    (lambda: conv2d_param_count(2, 2, (3, 0)), ValueError, "kernel_size must be >= 1, got 0"),
    (lambda: conv2d_param_count(2, 2, 3, bias=1), TypeError, "bias must be True or False, got 1"),
    (lambda: network_table((1, 8, 8), [Conv(2, 3), "pool 2"]), TypeError,
     "layer 2 must be a Conv or a Pool spec, got str"),
    (lambda: conv2d_multiplications(1, 2, 3, 2.0), TypeError, "output_size must be an int, got float 2.0"),
]


@pytest.mark.parametrize("make, error, message", BAD, ids=[m for _, _, m in BAD])
def test_a_bad_spec_is_refused_with_its_whole_message(make, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        make()


def test_options_may_come_before_the_sizes():
    assert parse_network("input 1 9\nconv s2 4 3\nmaxpool p1 3")[1] == [Conv(4, 3, stride=2), Pool(3, padding=1)]


def test_max_and_average_pooling_build_the_matching_torch_layer():
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    assert to_torch([Pool(2)], 1)(x).flatten().tolist() == [5.0, 7.0, 13.0, 15.0]
    assert to_torch([Pool(2, kind="avg")], 1)(x).flatten().tolist() == [2.5, 4.5, 10.5, 12.5]


def test_receptive_field_rows_are_named_by_the_layers_text():
    rows = receptive_fields([Conv(2, 3), Pool(2)])
    assert [row.layer for row in rows] == ["input", "conv 2 3", "maxpool 2"]


def test_the_network_table_starts_with_the_input_and_names_each_layer():
    """(1, 8, 8) -> conv 2 3: (2, 6, 6), 1*2*9 + 2 = 20 parameters, 6*6*2*9*1 = 648 multiplications."""
    assert network_table((1, 8, 8), [Conv(2, 3), Pool(2)]) == [
        LayerShape("input", (1, 8, 8), 0, 0), LayerShape("conv 2 3", (2, 6, 6), 20, 648),
        LayerShape("maxpool 2", (2, 3, 3), 0, 0)]
