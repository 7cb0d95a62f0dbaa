"""The convolution-arithmetic animator and the shape calculator: pure functions, and widgets driven by their controls."""

import itertools
import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
import traitlets

from cnncourse.functional import conv_output_size, conv_transpose_output_size
from cnncourse.shapes.layer_specs import EXAMPLES
from cnncourse.widgets import ConvArithmeticAnimator, ShapeCalculator, calculate_shapes, conv_arithmetic
from cnncourse.widgets.arithmetic_animator import INPUT, INSERTED, PADDING, arithmetic_svg


# -- the pure function -------------------------------------------------------------------------
def test_the_slides_case_7_3_2_1():
    view = conv_arithmetic(7, 3, padding=1, stride=2, position=5)
    assert view.valid and view.output_size == 4 and view.positions == 16 and view.grid_size == 9
    assert view.axis_kind == (PADDING,) + (INPUT,) * 7 + (PADDING,)
    assert (view.row, view.col) == (1, 1)
    assert view.tap_rows == view.tap_cols == (2, 3, 4)
    assert view.feeding == tuple((r, c) for r in (1, 2, 3) for c in (1, 2, 3))
    assert view.formula.endswith("= ⌊6 / 2⌋ + 1 = 4")
    corner = conv_arithmetic(7, 3, padding=1, stride=2, position=0)
    assert corner.feeding == ((0, 0), (0, 1), (1, 0), (1, 1))  # the rest of the window is padding


def test_dilation_leaves_gaps_and_strides_that_do_not_divide_are_explained():
    view = conv_arithmetic(9, 3, dilation=2, position=4)
    assert view.output_size == 5 and view.tap_rows == (0, 2, 4) and view.tap_cols == (4, 6, 8)
    assert "spans d(k − 1) + 1 = 5 cells" in view.message
    uneven = conv_arithmetic(8, 3, stride=2)
    assert uneven.output_size == 3 and "The last 1 row(s) and column(s) are never covered" in uneven.message
    assert "see nothing but zeros" in conv_arithmetic(3, 2, padding=2).message


def test_invalid_combinations_are_described_not_raised():
    view = conv_arithmetic(2, 5, dilation=3)
    assert not view.valid and view.output_size == 0 and view.positions == 0
    assert view.message.startswith("no output: the kernel spans d(k-1)+1 = 13 cells")
    assert view.formula.endswith("= ⌊-11 / 1⌋ + 1 = -10 ≤ 0: no output")
    assert view.feeding == () and "no output" in arithmetic_svg(view)
    transposed = conv_arithmetic(1, 1, padding=2, transposed=True)
    assert not transposed.valid and "no output" in transposed.message and transposed.grid_size == 0


def test_transposed_inserts_zeros_and_pads():
    view = conv_arithmetic(3, 3, padding=0, stride=2, transposed=True)
    assert view.output_size == 7 == conv_transpose_output_size(3, 3, 2)
    # 2 zeros of padding, the 3 pixels with one inserted zero between neighbours, 2 zeros of padding
    assert view.axis_kind == (PADDING,) * 2 + (INPUT, INSERTED, INPUT, INSERTED, INPUT) + (PADDING,) * 2
    assert view.axis_source == (-1, -1, 0, -1, 1, -1, 2, -1, -1)
    assert "1 zero(s) inserted" in view.message and "2 zero(s) of padding" in view.message
    cropped = conv_arithmetic(3, 2, padding=2, stride=2, transposed=True)
    assert cropped.axis_kind == (INSERTED, INPUT, INSERTED) and "1 cell(s) cropped" in cropped.message


def test_the_drawn_taps_of_a_transposed_convolution_match_torch():
    """Input pixels feeding each output cell are the ones whose gradient reaches it in torch."""
    n, k, p, s, d = 3, 3, 1, 2, 2
    x = torch.zeros(1, 1, n, n, requires_grad=True)
    out = F.conv_transpose2d(x, torch.ones(1, 1, k, k), stride=s, padding=p, dilation=d)
    view = conv_arithmetic(n, k, p, s, d, transposed=True)
    assert out.shape[-1] == view.output_size
    for position in range(view.positions):
        x.grad = None
        row, col = divmod(position, view.output_size)
        out[0, 0, row, col].backward(retain_graph=True)
        reached = {tuple(ij) for ij in np.argwhere(x.grad[0, 0].numpy() != 0)}
        assert set(conv_arithmetic(n, k, p, s, d, True, position).feeding) == reached


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(n=0, kernel_size=3), ValueError, "n must be >= 1"),
    (dict(n=5, kernel_size=3, stride=0), ValueError, "stride must be >= 1"),
    (dict(n=5, kernel_size=3, padding=1.0), TypeError, "padding must be an int"),
    (dict(n=5, kernel_size=3, transposed=1), TypeError, "transposed must be True or False"),
    (dict(n=5, kernel_size=3, position=9), ValueError, "position=9 is outside the output, which has 9 cells (0..8)"),
    (dict(n=5, kernel_size=3, position=-1), ValueError, "position must be >= 0"),
])
def test_conv_arithmetic_bad_input(kwargs, error, words):
    with pytest.raises(error) as info:
        conv_arithmetic(**kwargs)
    assert words in str(info.value)


# -- the animator, driven by its controls ------------------------------------------------------
def expected_size(n, k, p, s, d, transposed):
    rule = conv_transpose_output_size if transposed else conv_output_size
    try:
        return rule(n, k, s, p, dilation=d)
    except ValueError:
        return 0


def test_every_slider_combination_of_a_small_grid_draws():
    animator = ConvArithmeticAnimator()
    names = ("n", "kernel_size", "padding", "stride", "dilation", "transposed")
    grid = itertools.product(range(1, 7), range(1, 5), range(0, 4), range(1, 4), range(1, 4), (False, True))
    for values in grid:
        for name, value in zip(names, values):
            setattr(animator, name, value)
        size = expected_size(*values)
        view = animator.view
        assert view.output_size == size and view.valid == (size > 0)
        assert animator.positions == size * size
        animator.position = 10_000  # past the last kernel position: it stops there, as the slider
        assert animator.view.position == max(size * size - 1, 0)
        assert animator.drawing.startswith("<svg") and animator.view.formula in animator.caption


def test_output_size_equals_torch_over_the_sliders_whole_range():
    ranges = [range(low, high + 1) for low, high in ConvArithmeticAnimator.LIMITS.values()]
    for (n, k, p, s, d), transposed in itertools.product(itertools.product(*ranges), (False, True)):
        view = conv_arithmetic(n, k, p, s, d, transposed)
        op = F.conv_transpose2d if transposed else F.conv2d
        try:  # torch raises for a negative size and returns an empty tensor for size 0
            size = op(torch.zeros(1, 1, n, n, device="meta"), torch.zeros(1, 1, k, k, device="meta"),
                      stride=s, padding=p, dilation=d).shape[-1]
        except RuntimeError:
            size = 0
        assert view.output_size == size and view.valid == (size > 0)


def test_position_steps_the_kernel_over_every_output_cell():
    animator = ConvArithmeticAnimator(n=7, kernel_size=3, padding=1, stride=2)
    assert animator.positions == 16 and not animator.playing and animator.interval == 700
    seen = []
    for position in range(16):
        animator.position = position
        seen.append((animator.view.row, animator.view.col))
        assert f"Output cell ({animator.view.row}, {animator.view.col})" in animator.caption
    assert seen == [(r, c) for r in range(4) for c in range(4)]
    animator.stride = 3  # fewer positions: the position follows
    assert animator.positions == 9 and animator.position == 8 and animator.view.position == 8


def test_invalid_setting_is_shown_in_words_and_bad_settings_raise():
    animator = ConvArithmeticAnimator(n=2, kernel_size=5, padding=0, stride=1)
    assert not animator.view.valid and "no output" in animator.caption
    assert "#c0392b" in animator.caption and animator.positions == 0 and animator.position == 0
    for name, value, error, words in [("n", 13, ValueError, "n must be <= 12"), ("stride", 0, ValueError, "stride must be >= 1"),
                                      ("padding", 1.5, traitlets.TraitError, "padding"),
                                      ("position", -1, ValueError, "position must be >= 0"),
                                      ("interval", 10, ValueError, "interval must be >= 50")]:
        with pytest.raises(error, match=words):
            setattr(animator, name, value)


def test_animator_state_is_small():
    state = ConvArithmeticAnimator().get_state()
    assert len(json.dumps({k: v for k, v in state.items() if k != "_esm"})) < 1000
    assert len(state["_esm"]) < 30_000


# -- shape calculator --------------------------------------------------------------------------
def test_calculate_shapes_reports_or_explains():
    report = calculate_shapes(EXAMPLES["slides: 25x25 input, two strided convs"])
    assert [row.output_shape for row in report.rows] == [(3, 25, 25), (16, 11, 11), (32, 6, 6)]
    assert [f.size for f in report.fields] == [1, 5, 9] and not report.error
    assert report.total_params == 1216 + 4640
    bad = calculate_shapes("input 3 8 8\nconv 4 9")
    assert bad.rows == () and bad.error.startswith("layer 1 (conv 4 9): no output")


def test_shape_calculator_presets_and_editing():
    calculator = ShapeCalculator()
    assert calculator.report.rows[-1].values == 1152 and "1,152" in calculator.table
    calculator.preset = "AlexNet, conv1 to pool5"
    assert calculator.report.rows[-1].output_shape == (256, 6, 6)
    assert "34,944" in calculator.table and "256 x 6 x 6" in calculator.table
    assert calculator.preset == "AlexNet, conv1 to pool5"  # choosing a preset is not an edit
    calculator.text = calculator.text + "conv 10 3 p1\n"
    assert calculator.preset == "custom" and calculator.report.rows[-1].output_shape == (10, 6, 6)
    calculator.text = "input 3 32 32\nconv 16 3 q1"
    assert "unknown option &#x27;q1&#x27;" in calculator.table and calculator.report.error
    calculator.preset = "custom"  # choosing custom keeps the text
    assert calculator.text == "input 3 32 32\nconv 16 3 q1"
    calculator.preset = "1x1 bottleneck before a 5x5 conv"
    assert calculator.report.total_multiplications == 2_408_448 + 10_035_200
    with pytest.raises(ValueError, match="preset must be one of"):
        calculator.preset = "VGG"


def test_every_preset_renders_a_table():
    calculator = ShapeCalculator()
    for name in EXAMPLES:
        calculator.preset = name
        assert not calculator.report.error and "<table" in calculator.table
    with pytest.raises(ValueError, match="preset must be one of"):
        ShapeCalculator(preset="VGG")
