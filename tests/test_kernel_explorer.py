"""The kernel explorer: its pure function, and the widget driven through its controls."""

import numpy as np
import pytest

from cnncourse import data, kernels
from cnncourse.functional import convolve2d, corr2d
from cnncourse.widgets import KernelExplorer, explore_kernel
from cnncourse.widgets.kernel_explorer import dot_product_html
from cnncourse.widgets.live import unpack


def test_explore_kernel_explains_one_output_pixel():
    image = np.arange(1, 17, dtype=float).reshape(4, 4)
    kernel = np.array([[-1.0, 1.0], [0.0, 1.0]])
    view = explore_kernel(image, kernel, row=1, col=2)
    np.testing.assert_array_equal(view.output, [[7, 8, 9], [11, 12, 13], [15, 16, 17]])
    np.testing.assert_array_equal(view.patch, [[7, 8], [11, 12]])
    np.testing.assert_array_equal(view.products, [[-7, 8], [0, 12]])
    assert view.total == view.output[1, 2] == 13


def test_convolution_mode_flips_the_kernel():
    rng = np.random.default_rng(0)
    image, kernel = rng.random((9, 8)), rng.normal(size=(3, 3))
    view = explore_kernel(image, kernel, 4, 3, mode="convolution")
    np.testing.assert_allclose(view.output, convolve2d(image, kernel))
    np.testing.assert_array_equal(view.slid, kernel[::-1, ::-1])
    assert view.total == pytest.approx(view.output[4, 3])
    assert "(flipped)" in dot_product_html(view)
    assert "(flipped)" not in dot_product_html(explore_kernel(image, kernel, 4, 3))


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(row=3), ValueError, "row=3 is outside the output, which has 3 rows"),
    (dict(col=-1), ValueError, "col must be >= 0"),
    (dict(row=1.0), TypeError, "row must be an int"),
    (dict(mode="conv"), ValueError, "mode must be one of"),
])
def test_explore_kernel_bad_input(kwargs, error, words):
    with pytest.raises(error) as info:
        explore_kernel(np.zeros((4, 4)), np.ones((2, 2)), **kwargs)
    assert words in str(info.value)


def test_explore_kernel_rejects_bad_arrays():
    with pytest.raises(ValueError, match="image must have 2 dimensions"):
        explore_kernel(np.zeros((4, 4, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="larger than the input"):
        explore_kernel(np.zeros((2, 2)), np.ones((3, 3)))


@pytest.fixture
def explorer():
    return KernelExplorer(photo="camera", kernel="sobel_left", image_size=64)


def carried(name, size=64):
    """The photo as the widget carries it to the browser: grey levels rounded to k / 255."""
    return np.round(data.load_image(name, grey=True, size=size) * 255) / 255


def test_widget_shows_the_chosen_photo_and_kernel(explorer):
    image = carried("camera")
    np.testing.assert_allclose(explorer.view.output, corr2d(image, kernels.get("sobel_left")))
    for name in ["gaussian_7x7", "emboss", "log_5x5"]:
        explorer.kernel = name
        np.testing.assert_allclose(explorer.view.output, corr2d(image, kernels.get(name)))
        np.testing.assert_array_equal(explorer.kernel_values(), kernels.get(name))
    explorer.photo = "coins"
    np.testing.assert_array_equal(explorer.view.image, carried("coins"))
    # exact: (k / 255) * 255 rounds back to k for every k in 0..255 (float64, checked for all)
    np.testing.assert_array_equal(unpack(explorer.photos["coins"]), carried("coins") * 255)
    assert set(explorer.photos) == set(data.PHOTOS) and set(explorer.kernels) == set(kernels.names())


def test_widget_pixel_sliders_pick_the_patch(explorer):
    explorer.row, explorer.col = 10, 20
    view = explorer.view
    np.testing.assert_array_equal(view.patch, view.image[10:13, 20:23])
    assert view.total == pytest.approx(view.output[10, 20])
    explorer.row = 61
    explorer.kernel = "gaussian_7x7"  # bigger kernel: smaller output, the pixel moves inside it
    assert explorer.row == 57 and explorer.view.output.shape == (58, 58)
    np.testing.assert_array_equal(explorer.view.patch, explorer.view.image[57:64, 20:27])


def test_widget_toggles_convolution(explorer):
    explorer.mode = "convolution"
    np.testing.assert_allclose(explorer.view.output, convolve2d(explorer.view.image, kernels.get("sobel_left")))
    # For Sobel-left, convolution = correlation with Sobel-right: the sign flips.
    explorer.mode = "cross-correlation"
    flipped = corr2d(explorer.view.image, kernels.get("sobel_right"))
    np.testing.assert_allclose(explorer.view.output, -flipped)


def test_editing_a_weight_makes_a_custom_kernel(explorer):
    edited = list(explorer.weights)
    edited[4] = 10.0  # centre of the 3x3 Sobel
    explorer.weights = edited
    assert explorer.kernel == "custom"
    expected = kernels.get("sobel_left"); expected[1, 1] = 10.0
    np.testing.assert_array_equal(explorer.view.kernel, expected)
    np.testing.assert_allclose(explorer.view.output, corr2d(explorer.view.image, expected))


def test_an_edit_from_the_browser_keeps_its_weights(explorer):
    # the browser sends the edited weights and the "custom" label together
    edited = [0.0, 0.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0]
    explorer.set_state({"weights": edited, "kernel": "custom"})
    assert explorer.kernel == "custom" and explorer.weights == edited
    np.testing.assert_array_equal(KernelExplorer(kernel="custom", image_size=16).kernel_values(), np.pad([[1.0]], 1))


def test_custom_size_gives_an_editable_5x5_identity(explorer):
    explorer.size = 5
    assert explorer.kernel == "custom" and explorer.view.kernel.shape == (5, 5)
    np.testing.assert_allclose(explorer.view.output, explorer.view.image[2:-2, 2:-2])
    explorer.weights = [1.0] + explorer.weights[1:]
    assert explorer.view.kernel[0, 0] == 1.0 and explorer.view.kernel[2, 2] == 1.0
    explorer.size = 3
    assert explorer.view.kernel.shape == (3, 3)
    explorer.kernel = "emboss"
    explorer.kernel = "custom"  # chosen from the list: a fresh identity
    np.testing.assert_array_equal(explorer.view.kernel, np.pad([[1.0]], 1))


def test_every_control_value_renders(explorer):
    for name in kernels.names() + ["custom"]:
        explorer.kernel = name
        for mode in ("cross-correlation", "convolution"):
            explorer.mode = mode
            explorer.row, explorer.col = 63, 63  # past the end: clamped to the last pixel
            assert explorer.view.total == pytest.approx(explorer.view.output[-1, -1])


def test_widget_state_stays_small_and_rejects_bad_settings():
    explorer = KernelExplorer()
    state = explorer.get_state()
    size = sum(len(p["data"]) for p in state["photos"].values()) + len(state["_esm"])
    assert size < 300_000, f"{size} bytes of widget state"
    with pytest.raises(ValueError, match="image_size must be >= 8"):
        KernelExplorer(image_size=4)
    with pytest.raises(ValueError, match="image_size must be <= 256"):
        KernelExplorer(image_size=512)
    with pytest.raises(ValueError, match="unknown photo name 'eagle'"):
        KernelExplorer(photo="eagle")
    with pytest.raises(ValueError, match="unknown kernel name 'blurry'"):
        KernelExplorer(kernel="blurry")
    for trait, value, words in [("mode", "conv", "mode must be one of"), ("size", 4, "size must be one of 3, 5"),
                                ("weights", [1.0, 2.0], "weights must hold k\\*k numbers")]:
        with pytest.raises(ValueError, match=words):
            setattr(explorer, trait, value)
