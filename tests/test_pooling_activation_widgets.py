"""Chapters 3 and 4's explorers and demos: their pure functions, and the widgets driven through controls."""

import numpy as np
import pytest

from cnncourse import data, kernels
from cnncourse.functional import ACTIVATIONS, avg_pool2d, max_pool2d
from cnncourse.demos.invariance import compare_shift, correlation, correlation_by_shift, shifted_crops
from cnncourse.demos.vanishing import init_gain, layer_gradient_norms
from cnncourse.widgets import (ActivationExplorer, GradientFlowExplorer, PoolingExplorer, TranslationExplorer,
                               explore_activations, explore_gradient_flow, explore_pooling)
from cnncourse.widgets.activation_explorer import flat_intervals
from cnncourse.widgets.images import CARRIED_PHOTOS
from cnncourse.widgets.pooling_explorer import GRIDS, pooling_html
from cnncourse.plotting.svg_chart import Band, Line, line_chart, nice_ticks

SLIDE_III = GRIDS["4x4 (iii)"]


# -- pooling explorer ----------------------------------------------------------------------------
def test_explore_pooling_explains_one_output():
    view = explore_pooling(SLIDE_III, "max", 2, 1, row=0, col=1)
    np.testing.assert_array_equal(view.output, [[35, 25, 63], [22, 22, 63], [9, 8, 10]])
    np.testing.assert_array_equal(view.window, [[19, 25], [22, 16]])
    assert view.winner == (0, 2) and view.value == 25
    view = explore_pooling(SLIDE_III, "average", 2, 2, row=1, col=1)
    assert view.value == pytest.approx((7 + 10 + 1 + 3) / 4) and view.winner == ()


def test_padding_is_minus_infinity_for_max_and_zero_for_average():
    view = explore_pooling(-SLIDE_III, "max", 3, 2, padding=1)
    assert view.padded.shape == (6, 6) and view.padded[0, 0] == -np.inf
    np.testing.assert_array_equal(view.output, max_pool2d(-SLIDE_III[None], 3, 2, 1)[0])
    assert "&minus;&infin;" in pooling_html(view)
    view = explore_pooling(SLIDE_III, "average", 3, 2, padding=1, row=1, col=1)
    assert view.padded[0, 0] == 0
    assert view.value == pytest.approx(avg_pool2d(SLIDE_III[None], 3, 2, 1)[0, 1, 1])
    assert view.window.shape == (3, 3) and (view.top, view.left) == (2, 2)


def test_pooling_html_shows_the_arithmetic():
    html = pooling_html(explore_pooling(SLIDE_III, "max", 2, 2, row=1, col=0))
    assert "output[1, 0] = max(4, 3, 9, 8) = <b>9</b>" in html
    assert "outline:2px solid" in html  # the winning cell is marked


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(row=2), ValueError, "row=2 is outside the output, which has 2 rows"),
    (dict(mode="min"), ValueError, "mode must be one of ('max', 'average')"),
    (dict(kernel_size=0), ValueError, "kernel_size must be >= 1"),
    (dict(kernel_size=3, padding=2), ValueError, "more than half the window"),
    (dict(kernel_size=5), ValueError, "larger than the padded input"),
])
def test_explore_pooling_bad_input(kwargs, error, words):
    with pytest.raises(error) as info:
        explore_pooling(SLIDE_III, **kwargs)
    assert words in str(info.value)


@pytest.fixture
def pooling():
    return PoolingExplorer(image_size=64)


def carried(name, size):
    """A photo as a widget carries it: grey, rounded to 1/255."""
    return np.round(data.load_image(name, grey=True, size=size) * 255) / 255


def test_pooling_widget_starts_on_the_slide_example(pooling):
    np.testing.assert_array_equal(pooling.view.output, [[35, 63], [9, 10]])
    np.testing.assert_array_equal(pooling.photo_output, max_pool2d(carried("camera", 64)[None], 2)[0])
    assert "64x64 \u2192 32x32" in pooling.caption and "(shown enlarged 2x)" in pooling.caption
    state = pooling.get_state()
    assert set(state["photos"]) == set(CARRIED_PHOTOS) and state["photos"]["camera"]["shape"] == [64, 64]
    assert state["grids"]["5x5"] == GRIDS["5x5"].tolist() and "export default" in pooling._esm


def test_pooling_widget_follows_its_controls(pooling):
    pooling.grid = "5x5"
    pooling.kernel_size, pooling.stride = 3, 1
    np.testing.assert_array_equal(pooling.view.output, [[3, 3, 3], [3, 3, 3], [3, 2, 3]])
    assert pooling.limits == {"kernel_size": 5, "padding": 1, "row": 2, "col": 2}
    pooling.row, pooling.col = 2, 1
    assert pooling.view.value == 2 and "= <b>2</b>" in pooling_html(pooling.view)
    pooling.mode = "average"
    assert pooling.view.value == pytest.approx(avg_pool2d(GRIDS["5x5"][None], 3, 1)[0, 2, 1])
    pooling.photo = "coins"
    np.testing.assert_allclose(pooling.photo_output, avg_pool2d(carried("coins", 64)[None], 3, 1)[0])


def test_pooling_widget_keeps_the_controls_valid(pooling):
    pooling.grid = "random 7x7"
    pooling.kernel_size, pooling.padding = 5, 2
    pooling.row = pooling.col = 3
    pooling.grid = "4x4 (i)"  # a 5x5 window no longer fits
    assert pooling.kernel_size == 4 and pooling.padding == 2 and pooling.row == pooling.col == 2
    pooling.kernel_size = 2
    assert pooling.padding == 1 and pooling.view.padding == 1
    assert pooling.row == pooling.view.output.shape[0] - 1 == pooling.limits["row"]


def test_every_pooling_setting_renders(pooling):
    for grid in GRIDS:
        pooling.grid = grid
        for k in range(1, pooling.limits["kernel_size"] + 1):
            pooling.kernel_size = k
            for s in (1, 3):
                pooling.stride = s
                pooling.padding = pooling.limits["padding"]
                pooling.row, pooling.col = pooling.limits["row"], pooling.limits["col"]
                expected = max_pool2d(GRIDS[grid][None], k, s, pooling.padding)[0]
                np.testing.assert_array_equal(pooling.view.output, expected)
                assert pooling.view.value == expected[-1, -1]


@pytest.mark.parametrize("trait, value, error, words", [
    ("grid", "big", ValueError, "grid must be one of .*, got 'big'"),
    ("mode", "median", ValueError, "mode must be one of"),
    ("photo", "eagle", ValueError, "photo must be one of .*, got 'eagle'"),
    ("stride", 0, ValueError, "stride must be >= 1"),
    ("row", -1, ValueError, "row must be >= 0"),
])
def test_pooling_widget_rejects_bad_settings(pooling, trait, value, error, words):
    with pytest.raises(error, match=words):
        setattr(pooling, trait, value)
    if trait in ("grid", "mode", "photo"):
        with pytest.raises(error, match=words):
            PoolingExplorer(**{trait: value})


# -- translation invariance ------------------------------------------------------------------------
def test_shifted_crops_move_the_content_right():
    image = np.arange(60, dtype=float).reshape(4, 15)
    original, shifted = shifted_crops(image, 2, margin=3)
    assert original.shape == shifted.shape == (4, 9)
    np.testing.assert_array_equal(shifted[:, 2:], original[:, :-2])
    left, _ = shifted_crops(image, -3, margin=3)
    np.testing.assert_array_equal(left, original)


def test_correlation():
    a = np.random.default_rng(0).normal(size=(5, 5))
    assert correlation(a, 2 * a + 1) == pytest.approx(1.0)
    assert correlation(a, -a) == pytest.approx(-1.0)
    assert correlation(a, np.ones_like(a)) == 0.0


def test_max_pooling_makes_shifted_feature_maps_more_alike():
    image = data.load_image("camera", grey=True, size=96)
    same = compare_shift(image, 0)
    assert same.correlation_before == pytest.approx(1.0) and same.correlation_after == pytest.approx(1.0)
    for shift in (1, 2, -2):
        comparison = compare_shift(image, shift, pool_size=4)
        assert comparison.correlation_after > comparison.correlation_before + 0.2
        assert comparison.pooled.shape == (94 // 4, (96 - 16 - 2) // 4)
    curve = correlation_by_shift(image, [0, 1, 2, 3], pool_size=1)
    np.testing.assert_allclose(curve, [compare_shift(image, s, pool_size=1).correlation_before for s in range(4)])
    assert curve[0] == pytest.approx(1.0) and (np.diff(curve) < 0).all()


@pytest.mark.parametrize("call, words", [
    (lambda: shifted_crops(np.zeros((10, 40)), 9, margin=8), "|shift| must be at most margin=8"),
    (lambda: shifted_crops(np.zeros((10, 16)), 0, margin=8), "leaves nothing"),
    (lambda: compare_shift(np.zeros((20, 40)), 1, mode="median"), "mode must be one of"),
    (lambda: compare_shift(np.zeros((20, 40)), 1, pool_size=0), "pool_size must be >= 1"),
    (lambda: compare_shift(np.zeros((20, 40)), 1, kernel="blurry"), "unknown kernel name"),
])
def test_invariance_bad_input(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


def test_translation_widget_follows_its_controls():
    explorer = TranslationExplorer(image_size=64)
    image = carried("camera", 64)
    for shift, pool, mode in [(3, 2, "max"), (-1, 8, "average"), (0, 1, "max")]:
        explorer.shift, explorer.pool_size, explorer.mode = shift, pool, mode
        expected = compare_shift(image, shift, pool, mode)
        assert explorer.view.correlation_after == pytest.approx(expected.correlation_after)
        np.testing.assert_array_equal(explorer.view.pooled, expected.pooled)
        assert f"{expected.correlation_after:.2f} after {pool}x{pool} {mode}" in explorer.caption
    explorer.photo = "text"  # a wide photo
    height, width = data.load_image("text", grey=True, size=64).shape
    assert explorer.view.original.shape == (height, width - 16)
    state = explorer.get_state()
    assert state["kernel"] == kernels.get("sobel_left").tolist() and state["photos"]["text"]["shape"] == [height, width]
    for trait, value, words in [("shift", 9, "shift must be between -8 and 8"), ("pool_size", 3, "pool_size must be one of"),
                                ("mode", "min", "mode must be one of"), ("photo", "eagle", "photo must be one of")]:
        with pytest.raises(ValueError, match=words):
            setattr(explorer, trait, value)


# -- activation explorer ---------------------------------------------------------------------------
def test_flat_intervals():
    x = np.arange(8.0)
    assert flat_intervals(x, [0, 0, 1, 1, 0, 1, 0, 0], 0.5) == ((0.0, 1.0), (4.0, 4.0), (6.0, 7.0))
    assert flat_intervals(x, np.ones(8), 0.5) == ()


def test_explore_activations_finds_the_saturated_parts():
    view = explore_activations(["sigmoid", "tanh", "relu", "gelu"], -6, 6, threshold=0.05, points=1201)
    curves = {c.name: c for c in view.curves}
    np.testing.assert_allclose(curves["sigmoid"].y, ACTIVATIONS["sigmoid"].function(view.x))
    np.testing.assert_allclose(curves["tanh"].dy, ACTIVATIONS["tanh"].derivative(view.x))
    (left, right) = curves["sigmoid"].flat  # sigmoid' < 0.05 for |x| > 2.89
    assert left[0] == -6 and right[1] == 6 and left[1] == pytest.approx(-2.89, abs=0.02)
    assert right[0] == pytest.approx(-left[1])
    assert curves["relu"].flat == ((-6.0, 0.0),)
    assert explore_activations(["relu"], threshold=0).curves[0].flat == ()
    assert explore_activations("elu").curves[0].name == "elu"


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(names=["swish"]), ValueError, "unknown activation 'swish'"),
    (dict(names=["relu"], x_min=2, x_max=1), ValueError, "x_max must be greater than x_min"),
    (dict(names=["relu"], threshold=-1), ValueError, "threshold must be >= 0"),
    (dict(names=["relu"], points=1), ValueError, "points must be >= 2"),
])
def test_explore_activations_bad_input(kwargs, error, words):
    with pytest.raises(error) as info:
        explore_activations(**kwargs)
    assert words in str(info.value)


def test_activation_widget_follows_its_controls():
    explorer = ActivationExplorer()
    assert [c.name for c in explorer.view.curves] == ["sigmoid", "tanh", "relu"]
    assert explorer.get_state()["descriptions"]["gelu"] == ACTIVATIONS["gelu"].description
    explorer.functions = list(ACTIVATIONS)
    assert len(explorer.view.curves) == len(ACTIVATIONS)
    explorer.threshold = 0.0  # nothing is flatter than 0
    assert all(c.flat == () for c in explorer.view.curves)
    assert "everywhere shown" in explorer.notes
    explorer.threshold = 0.05
    explorer.x_min, explorer.x_max = -2.0, 8.0
    assert explorer.view.x[0] == -2 and explorer.view.x[-1] == 8
    relu6 = {c.name: c for c in explorer.view.curves}["relu6"]
    assert relu6.flat[-1][1] == 8 and relu6.flat[-1][0] == pytest.approx(6, abs=0.05)
    explorer.functions = []
    assert explorer.view.curves == () and explorer.notes == ""
    for trait, value, words in [("functions", ["swish"], "unknown activation"), ("threshold", 0.7, "threshold must be"),
                                ("x_min", 0.3, "x_min must be a multiple of 0.5"), ("x_max", 11.0, "x_max must be")]:
        with pytest.raises(ValueError, match=words):
            setattr(explorer, trait, value)
    with pytest.raises(ValueError, match="unknown activation"):
        ActivationExplorer(names=("swish",))


# -- vanishing gradients ---------------------------------------------------------------------------
def test_sigmoid_gradients_vanish_and_relu_gradients_do_not():
    sigmoid = layer_gradient_norms("sigmoid", depth=20, width=32, seed=0, device="cpu")
    relu = layer_gradient_norms("relu", depth=20, width=32, seed=0, device="cpu")
    assert sigmoid.shape == relu.shape == (20,)
    assert sigmoid[0] / sigmoid[-1] < 1e-8
    assert 0.1 < relu[0] / relu[-1] < 10
    np.testing.assert_array_equal(sigmoid, layer_gradient_norms("sigmoid", 20, 32, 0, device="cpu"))
    assert not np.array_equal(sigmoid, layer_gradient_norms("sigmoid", 20, 32, 1, device="cpu"))


def test_weights_off_the_recommended_scale_make_gradients_vanish_or_explode():
    ratio = {scale: layer_gradient_norms("relu", 20, 32, 0, scale=scale, device="cpu")
             for scale in (0.5, 1.0, 2.0)}
    assert ratio[0.5][0] / ratio[0.5][-1] < 1e-3 < 1e3 < ratio[2.0][0] / ratio[2.0][-1]
    assert 0.1 < ratio[1.0][0] / ratio[1.0][-1] < 10


def test_init_gains_are_torchs():
    assert init_gain("sigmoid") == 1 and init_gain("tanh") == pytest.approx(5 / 3)
    assert init_gain("relu") == init_gain("gelu") == pytest.approx(np.sqrt(2))


@pytest.mark.parametrize("call, error, words", [
    (lambda: layer_gradient_norms("swish", 3), ValueError, "unknown activation 'swish'"),
    (lambda: layer_gradient_norms("relu", 0), ValueError, "depth must be >= 1"),
    (lambda: layer_gradient_norms("relu", 3, width=2.5), TypeError, "width must be an int"),
    (lambda: layer_gradient_norms("relu", 3, scale=0), ValueError, "scale must be a number > 0"),
])
def test_vanishing_bad_input(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_gradient_flow_widget_carries_every_offered_setting():
    explorer = GradientFlowExplorer(depth=10, width=16, device="cpu", depths=(10, 25), scales=(1.0, 2.0))
    assert set(explorer.view.norms) == {"sigmoid", "tanh", "relu"}
    explorer.depth = 25
    assert all(norms.shape == (25,) for norms in explorer.view.norms.values())
    for names, scale in [(["sigmoid"], 1.0), (["relu", "gelu"], 2.0)]:
        explorer.scale, explorer.functions = scale, names
        expected = explore_gradient_flow(names, 25, 16, 0, scale=scale, device="cpu")
        for name in names:  # carried as float32 log10
            np.testing.assert_allclose(explorer.view.norms[name], expected.norms[name], rtol=2e-6)
    explorer.functions = ["gelu"]
    assert explorer.notes == [f"gelu: layer 1 gets {explorer.view.first_to_last('gelu'):.1e} times the gradient of layer 25"]
    assert explorer.view.scale == 2.0 and len(explorer.get_state()["log_norms"]["data"]) < 300_000
    for trait, value, words in [("depth", 20, "depth must be one of the computed values"),
                                ("scale", 1.5, "scale must be one of"), ("functions", ["swish"], "unknown activation")]:
        with pytest.raises(ValueError, match=words):
            setattr(explorer, trait, value)


# -- SVG charts ------------------------------------------------------------------------------------
def test_nice_ticks():
    np.testing.assert_allclose(nice_ticks(-6, 6), [-6, -4, -2, 0, 2, 4, 6])
    np.testing.assert_allclose(nice_ticks(0.03, 0.97), [0.2, 0.4, 0.6, 0.8])
    assert str(nice_ticks(-1, 1)[2]) == "0.0"  # not -0.0
    assert nice_ticks(3, 3).tolist() == [3]


def test_line_chart():
    x = np.linspace(0, 1, 5)
    svg = line_chart([Line(x, x ** 2, "square", "#000"), Line(x, [1, np.nan, 1, 1, 1], "", "#111", True)],
                     "title <&>", bands=[Band(0.2, 0.4, "#f00")])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2 and "stroke-dasharray" in svg and "title &lt;&amp;&gt;" in svg
    assert svg.count(",") > 8 and "fill-opacity='0.13'" in svg
    assert ">square<" in svg
    log_svg = line_chart([Line([1, 2, 3], [1e-9, 0.0, 1.0], "a", "#000")], log_y=True)
    assert log_svg.count("<polyline points='") == 1 and ">1e-06<" in log_svg
