"""Layer specs and their text form, the shape calculator and receptive fields, checked against torch."""

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings, strategies as st

from cnncourse.shapes import receptive_fields
from cnncourse.shapes.layer_specs import (EXAMPLES, Conv, LayerSpecError, Pool, format_layer, parse_network,
                                          to_torch)
from cnncourse.shapes.network import conv2d_multiplications, network_table

layer_specs = st.one_of(
    st.builds(Conv, st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2), st.integers(1, 3)),
    st.integers(1, 3).flatmap(lambda k: st.builds(Pool, st.just(k), st.integers(1, 3), st.integers(0, k // 2),
                                                   st.sampled_from(["max", "avg"]))),
)


def torch_count(model):
    return sum(p.numel() for p in model.parameters())


# -- layer specs and their text ----------------------------------------------------------------
def test_parse_reads_layers_options_and_comments():
    text = "# a comment line\ninput 3 32 24\nconv 16 5 s2 p1 d2  # options in any order\n\nmaxpool 3 s2\navgpool 2\nconv 8 1 p0 s1"
    shape, layers = parse_network(text)
    assert shape == (3, 32, 24)
    assert layers == [Conv(16, 5, stride=2, padding=1, dilation=2), Pool(3, 2), Pool(2, kind="avg"), Conv(8, 1)]
    assert layers[2].stride == 2  # pooling stride defaults to the window, as in torch
    assert [format_layer(layer) for layer in layers] == ["conv 16 5 s2 p1 d2", "maxpool 3 s2", "avgpool 2", "conv 8 1"]
    assert parse_network("input 1 28\nconv 4 3")[0] == (1, 28, 28)


@settings(max_examples=60, deadline=None)
@given(st.lists(layer_specs, max_size=5))
def test_format_and_parse_round_trip(layers):
    text = "input 3 64 64\n" + "\n".join(format_layer(layer) for layer in layers)
    assert parse_network(text) == ((3, 64, 64), layers)


@pytest.mark.parametrize("text, words", [
    ("conv 16 5", "the first line must give the input"),
    ("", "the first line must give the input"),
    ("input 3", "line 1: write the input as 'input C H W'"),
    ("input 3 x 4", "line 1: the input sizes must be a whole number, got 'x'"),
    ("input 0 8 8", "line 1: the input channels must be >= 1"),
    ("input 3 8 8\n\nconvolution 4 3", "line 3: unknown layer 'convolution': use one of conv, maxpool, avgpool"),
    ("input 3 8 8\nconv 16", "line 2: conv needs its filters and kernel size, e.g. 'conv 16 5'"),
    ("input 3 8 8\nmaxpool", "line 2: maxpool needs its window size, e.g. 'maxpool 2'"),
    ("input 3 8 8\nconv 4 3 x2", "line 2: unknown option 'x2': conv takes s<stride>, p<padding>, d<dilation>"),
    ("input 3 8 8\nmaxpool 2 d2", "line 2: unknown option 'd2': maxpool takes s<stride>, p<padding>"),
    ("input 3 8 8\nconv 4 3 s", "line 2: unknown option 's'"),
    ("input 3 8 8\nconv 4 3 s2 s3", "line 2: stride is given twice"),
    ("input 3 8 8\nconv 4 3 sx", "line 2: stride must be a whole number, got 'x'"),
    ("input 3 8 8\nconv 4 3 s0", "line 2: stride must be >= 1, got 0"),
    ("input 3 8 8\nconv 4 -3", "line 2: kernel_size must be >= 1, got -3"),
    ("input 3 8 8\nmaxpool 2 p2", "line 2: pooling padding must be at most half the window"),
])
def test_parse_errors_name_the_line_and_the_rule(text, words):
    with pytest.raises(LayerSpecError) as info:
        parse_network(text)
    assert words in str(info.value)


@pytest.mark.parametrize("call, error, words", [
    (lambda: Conv(16, 0), ValueError, "kernel_size must be >= 1"),
    (lambda: Conv(16.0, 3), TypeError, "out_channels must be an int"),
    (lambda: Pool(2, kind="min"), ValueError, "kind must be one of ('max', 'avg')"),
    (lambda: format_layer("conv 16 3"), TypeError, "layer must be a Conv or a Pool"),
    (lambda: parse_network(["input 3 8 8"]), TypeError, "text must be a str"),
    (lambda: to_torch([Conv(4, 3), "pool"], 3), TypeError, "layers must hold Conv and Pool specs"),
])
def test_bad_specs_get_clear_errors(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


# -- shape table -------------------------------------------------------------------------------
def test_the_slides_network_and_alexnet():
    rows = network_table(*parse_network(EXAMPLES["slides: 25x25 input, two strided convs"]))
    assert [row.output_shape for row in rows] == [(3, 25, 25), (16, 11, 11), (32, 6, 6)]
    assert rows[-1].values == 1152
    alexnet = network_table(*parse_network(EXAMPLES["AlexNet, conv1 to pool5"]))
    assert alexnet[1].output_shape == (96, 55, 55) and alexnet[1].params == 34944
    assert alexnet[-1].output_shape == (256, 6, 6)
    assert [row.params for row in alexnet if row.params] == [34944, 614656, 885120, 1327488, 884992]
    assert sum(row.params for row in alexnet) == 3747200


def test_multiplications_of_the_1x1_bottleneck():
    direct = network_table((192, 28, 28), [Conv(32, 5, padding=2)])
    bottleneck = network_table(*parse_network(EXAMPLES["1x1 bottleneck before a 5x5 conv"]))
    assert direct[1].multiplications == 28 * 28 * 32 * 5 * 5 * 192 == 120_422_400
    assert [row.multiplications for row in bottleneck[1:]] == [2_408_448, 10_035_200]
    assert conv2d_multiplications(3, 96, 11, 55) == 55 * 55 * 96 * 11 * 11 * 3
    assert conv2d_multiplications(2, 4, (3, 1), (5, 6)) == 5 * 6 * 4 * 3 * 1 * 2


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_examples_equal_torch(name):
    shape, layers = parse_network(EXAMPLES[name])
    check_against_torch(shape, layers)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(1, 24), st.integers(1, 24), st.lists(layer_specs, min_size=1, max_size=4))
def test_random_stacks_equal_torch(channels, height, width, layers):
    try:
        rows = network_table((channels, height, width), layers)
    except ValueError as error:
        assert "no output" in str(error)
        with pytest.raises(RuntimeError):
            to_torch(layers, channels)(torch.zeros(1, channels, height, width))
        return
    check_against_torch((channels, height, width), layers, rows)


def check_against_torch(shape, layers, rows=None):
    rows = rows or network_table(shape, layers)
    model = to_torch(layers, shape[0])
    x = torch.zeros(1, *shape)
    for row, module in zip(rows[1:], model):
        x = module(x)
        assert tuple(x.shape[1:]) == row.output_shape
        assert torch_count(module) == row.params
    assert len(rows) == len(layers) + 1


@pytest.mark.parametrize("call, error, words", [
    (lambda: network_table((3, 8, 8), [Conv(4, 3), Conv(4, 7)]), ValueError,
     "layer 2 (conv 4 7): no output: the kernel height spans d(k-1)+1 = 7 cells"),
    (lambda: network_table((3, 8), [Conv(4, 3)]), ValueError, "input_shape must be (channels, height, width)"),
    (lambda: network_table((3, 0, 8), [Conv(4, 3)]), ValueError, "input_shape must be >= 1"),
    (lambda: network_table((3, 8, 8), [(4, 3)]), TypeError, "layer 1 must be a Conv or a Pool spec"),
    (lambda: conv2d_multiplications(3, 4, 0, 5), ValueError, "kernel_size must be >= 1"),
])
def test_shape_table_bad_input(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


# -- receptive fields --------------------------------------------------------------------------
def test_receptive_field_recurrence_on_known_stacks():
    three_by_three = receptive_fields([Conv(8, 3)] * 3)
    assert [(f.size, f.jump, f.start) for f in three_by_three] == [(1, 1, 0), (3, 1, 1), (5, 1, 2), (7, 1, 3)]
    dilated = receptive_fields([Conv(8, 3, dilation=d, padding=d) for d in (1, 2, 4)])
    assert [f.size for f in dilated] == [1, 3, 7, 15] and all(f.start == 0 for f in dilated)
    alexnet = receptive_fields(parse_network(EXAMPLES["AlexNet, conv1 to pool5"])[1])
    assert [f.size for f in alexnet] == [1, 11, 19, 51, 67, 99, 131, 163, 195]
    assert [f.jump for f in alexnet] == [1, 4, 8, 8, 16, 16, 16, 16, 32]
    with pytest.raises(TypeError, match="layer 1 must be a Conv or a Pool spec"):
        receptive_fields(["conv 8 3"])


@settings(max_examples=40, deadline=None)
@given(st.lists(layer_specs, min_size=1, max_size=4))
def test_receptive_field_is_where_the_gradient_reaches(layers):
    """Size and position of the field of one output value, read off torch's gradient."""
    field = receptive_fields(layers)[-1]
    n = 2 * field.size + 3 * field.jump + 8
    assume(n <= 160)
    model = to_torch([Pool(l.kernel_size, l.stride, l.padding, "avg") if isinstance(l, Pool) else l
                      for l in layers], 1)  # average pooling: every input of a window gets gradient
    for module in model:
        if isinstance(module, torch.nn.Conv2d):
            torch.nn.init.constant_(module.weight, 1.0)
            torch.nn.init.zeros_(module.bias)
    x = torch.zeros(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    out = model.double()(x)
    half = (field.size - 1) / 2
    inside = [i for i in range(out.shape[-1]) if field.start + i * field.jump - half >= 0
              and field.start + i * field.jump + half <= n - 1]
    assume(inside)
    i = inside[len(inside) // 2]
    out[0, 0, i, i].backward()
    rows = np.nonzero(x.grad[0, 0].abs().sum(dim=1).numpy())[0]
    assert rows.max() - rows.min() + 1 == field.size
    assert (rows.max() + rows.min()) / 2 == field.start + i * field.jump
