"""Chapters 3 to 7's explorers in headless Chromium: their JavaScript gives the Python reference's
numbers on random inputs (1e-6 for floats, exact for shapes, indices and text)."""

import numpy as np
import pytest

from browser import js_call
from cnncourse import kernels
from cnncourse.demos.invariance import compare_shift
from cnncourse.functional import ACTIVATIONS, avg_pool2d, max_pool2d
from cnncourse.widgets import ActivationExplorer, PoolingExplorer, TranslationExplorer, explore_activations
from cnncourse.widgets.activation_explorer import describe_flat
from cnncourse.widgets.pooling_explorer import explore_pooling, pooling_limits

RNG = np.random.default_rng(0)
POOLING = PoolingExplorer._esm
TRANSLATION = TranslationExplorer._esm
ACTIVATION = ActivationExplorer._esm


def test_pooling_matches_torch_semantics(browser):
    for _ in range(12):
        rows, cols = RNG.integers(3, 12, size=2)
        k = int(RNG.integers(1, min(rows, cols, 5) + 1))
        stride, padding = int(RNG.integers(1, 4)), int(RNG.integers(0, k // 2 + 1))
        values = RNG.normal(size=(rows, cols))
        for mode, pool in (("max", max_pool2d), ("average", avg_pool2d)):
            got = js_call(browser, POOLING, "pool2d", values.ravel().tolist(), int(rows), int(cols), k, stride, padding, mode)
            expected = pool(values[None], k, stride, padding)[0]
            assert (got["rows"], got["cols"]) == expected.shape
            np.testing.assert_allclose(np.reshape(got["values"], expected.shape), expected, rtol=1e-6, atol=1e-12)


def test_pooling_explanation_and_limits_match_python(browser):
    for _ in range(10):
        rows, cols = (int(n) for n in RNG.integers(3, 8, size=2))
        grid = RNG.integers(0, 100, size=(rows, cols)).astype(float)
        k = int(RNG.integers(1, min(rows, cols, 5) + 1))
        stride, padding = int(RNG.integers(1, 3)), int(RNG.integers(0, k // 2 + 1))
        mode = ("max", "average")[int(RNG.integers(2))]
        out_rows, out_cols = ((n + 2 * padding - k) // stride + 1 for n in (rows, cols))
        row, col = int(RNG.integers(out_rows)), int(RNG.integers(out_cols))
        view = explore_pooling(grid, mode, k, stride, padding, row, col)
        got = js_call(browser, POOLING, "explainPooling", grid.tolist(), k, stride, padding, mode, row, col)
        assert (got["top"], got["left"]) == (view.top, view.left) and got["value"] == pytest.approx(view.value, rel=1e-6)
        window = [-np.inf if v is None else v for v in got["window"]]  # JSON has no -inf
        np.testing.assert_array_equal(window, view.window.ravel())
        assert tuple(got["winner"] or ()) == view.winner
        assert js_call(browser, POOLING, "poolingLimits", rows, cols, 5, stride, 2) == pooling_limits((rows, cols), 5, stride, 2)


def test_number_formats_are_pythons(browser):
    values = [0.0, 5.25, 1.0625, 2.5e-5, 12345.0, -3.0, 0.125, 99995.0, 1 / 3, -2.875, 0.5, 9.96, 0.99996, 3e-12,
              *RNG.normal(scale=100, size=20), *10.0 ** RNG.uniform(-30, 8, size=20)]
    for v in values:
        assert js_call(browser, POOLING, "formatG", v, 4) == f"{v:.4g}"
        assert js_call(browser, POOLING, "formatF", v, 2) == f"{v:.2f}"
        assert js_call(browser, POOLING, "formatE", v, 1) == f"{v:.1e}"


def test_translation_comparison_matches_compare_shift(browser):
    weights = kernels.get("sobel_left")
    for shift, pool_size, mode in [(2, 4, "max"), (-5, 2, "average"), (0, 8, "max"), (7, 1, "average")]:
        image = RNG.integers(0, 256, size=(30, 40)) / 255
        expected = compare_shift(image, shift, pool_size, mode, margin=8)
        got = js_call(browser, TRANSLATION, "compareShift", image.ravel().tolist(), 30, 40, shift, pool_size, mode,
                      weights.ravel().tolist(), 3, 3, 8)
        assert (got["pooled"]["rows"], got["pooled"]["cols"]) == expected.pooled.shape
        np.testing.assert_allclose(np.reshape(got["shiftedPooled"]["values"], expected.pooled.shape),
                                   expected.shifted_pooled, rtol=1e-6, atol=1e-12)
        assert got["before"] == pytest.approx(expected.correlation_before, abs=1e-9)
        assert got["after"] == pytest.approx(expected.correlation_after, abs=1e-9)


def test_activations_and_their_derivatives_match_python(browser):
    names = list(ACTIVATIONS)
    for _ in range(3):
        x_min = float(RNG.integers(-20, 19)) / 2
        x_max = float(RNG.integers(2 * x_min + 1, 21)) / 2
        threshold, points = round(float(RNG.uniform(0, 0.5)), 2), int(RNG.integers(50, 500))
        view = explore_activations(names, x_min, x_max, threshold, points)
        got = js_call(browser, ACTIVATION, "exploreActivations", names, x_min, x_max, threshold, points)
        np.testing.assert_array_equal(got["x"], view.x)
        for mine, reference in zip(got["curves"], view.curves):
            np.testing.assert_allclose(mine["y"], reference.y, rtol=1e-6, atol=1e-12, err_msg=reference.name)
            np.testing.assert_allclose(mine["dy"], reference.dy, rtol=1e-6, atol=1e-12, err_msg=reference.name)
            assert [tuple(span) for span in mine["flat"]] == list(reference.flat)
            plain = describe_flat(reference, threshold).replace("<b>", "").replace("</b>", "")
            assert (js_call(browser, ACTIVATION, "describeFlat", mine, threshold)
                    == plain.replace("&lt;", "<").replace("&ge;", "\u2265"))
