"""The kernel library, offline photos, the device helper and parameter counts."""

import re

import numpy as np
import pytest
import torch

from cnncourse import data, kernels
from cnncourse.device import get_device
from cnncourse.functional import corr2d
from cnncourse.shapes import conv2d_param_count, linear_param_count

REQUIRED = ["identity", "box_blur", "gaussian_3x3", "gaussian_7x7", "sharpen", "emboss",
            "laplacian_4", "laplacian_8", "log_5x5", "sobel_top", "sobel_bottom", "sobel_left",
            "sobel_right", "vertical_edge", "horizontal_edge", "line_0", "line_45", "line_90",
            "line_135"]


def test_every_required_kernel_is_there_with_a_description():
    assert set(REQUIRED) <= set(kernels.names())
    for name in kernels.names():
        k = kernels.get(name)
        assert k.ndim == 2 and k.shape[0] == k.shape[1] and k.shape[0] % 2 == 1
        assert len(kernels.describe(name)) > 15


def test_smoothing_kernels_keep_brightness_and_edge_kernels_ignore_it():
    for name in ["identity", "box_blur", "gaussian_3x3", "gaussian_7x7", "sharpen"]:
        assert kernels.get(name).sum() == pytest.approx(1.0)
    for name in ["laplacian_4", "laplacian_8", "log_5x5", "sobel_top", "vertical_edge", "line_45"]:
        assert kernels.get(name).sum() == pytest.approx(0.0)
    g = kernels.get("gaussian_7x7")
    assert g[3, 3] == g.max() and np.allclose(g, g.T) and np.allclose(g, g[::-1])


def test_kernels_respond_to_what_their_names_say():
    left_bright = np.zeros((5, 5)); left_bright[:, :2] = 1.0
    assert corr2d(left_bright, kernels.get("sobel_left"))[1, 0] > 0
    assert corr2d(left_bright, kernels.get("sobel_right"))[1, 0] < 0
    top_bright = left_bright.T
    assert corr2d(top_bright, kernels.get("sobel_top"))[0, 1] > 0
    assert corr2d(top_bright, kernels.get("horizontal_edge"))[0, 1] > 0
    image = np.zeros((5, 5)); image[2, :] = 1  # one horizontal line
    responses = {a: corr2d(image, kernels.get(f"line_{a}"))[1, 1] for a in (0, 45, 90, 135)}
    assert max(responses, key=responses.get) == 0
    rising = np.fliplr(np.eye(5))  # a line rising to the right
    responses = {a: corr2d(rising, kernels.get(f"line_{a}"))[1, 1] for a in (0, 45, 90, 135)}
    assert max(responses, key=responses.get) == 45
    identity = corr2d(image, kernels.get("identity"))
    np.testing.assert_array_equal(identity, image[1:-1, 1:-1])


def test_get_returns_a_fresh_copy():
    k = kernels.get("sharpen"); k[:] = 0
    assert kernels.get("sharpen")[1, 1] == 5


def test_kernel_bad_names():
    with pytest.raises(ValueError, match="unknown kernel name 'blurr'"):
        kernels.get("blurr")
    with pytest.raises(TypeError, match="name must be a str"):
        kernels.describe(3)


@pytest.mark.parametrize("name", data.PHOTOS)
def test_every_photo_loads_offline_in_unit_range(name):
    image = data.load_image(name)
    assert image.dtype == np.float64 and image.ndim in (2, 3)
    assert 0.0 <= image.min() and image.max() <= 1.0 and image.max() > image.min()
    grey = data.load_image(name, grey=True, size=64)
    assert grey.ndim == 2 and max(grey.shape) == 64


def test_colour_photos_have_three_channels():
    assert data.load_image("astronaut").shape == (512, 512, 3)
    assert data.load_image("camera", size=100).shape == (100, 100)


def test_photo_bad_input():
    with pytest.raises(ValueError, match="unknown photo name 'eagle'"):
        data.load_image("eagle")  # needs a download: not offered
    with pytest.raises(TypeError, match="size must be an int"):
        data.load_image("camera", size=12.5)
    with pytest.raises(ValueError, match="size must be >= 8"):
        data.load_image("camera", size=2)


def test_device_follows_the_environment(monkeypatch):
    monkeypatch.delenv("CNNCOURSE_DEVICE", raising=False)
    assert get_device().type == ("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setenv("CNNCOURSE_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")
    monkeypatch.setenv("CNNCOURSE_DEVICE", "banana")
    with pytest.raises(ValueError, match="CNNCOURSE_DEVICE='banana'"):
        get_device()
    if not torch.cuda.is_available():
        monkeypatch.setenv("CNNCOURSE_DEVICE", "cuda")
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            get_device()


@pytest.mark.parametrize("c_in, c_out, k, groups, bias", [
    (3, 2, 3, 1, True), (1, 256, 3, 1, True), (3, 96, 11, 1, True), (96, 256, 5, 1, False),
    (6, 4, (3, 2), 2, True), (8, 8, 3, 8, True),
])
def test_conv_param_count_equals_torch(c_in, c_out, k, groups, bias):
    layer = torch.nn.Conv2d(c_in, c_out, k, groups=groups, bias=bias)
    expected = sum(p.numel() for p in layer.parameters())
    assert conv2d_param_count(c_in, c_out, k, bias=bias, groups=groups) == expected


def test_slide_parameter_counts():
    assert conv2d_param_count(3, 2, 3) == 56
    assert conv2d_param_count(1, 256, 3) == 2_560
    assert linear_param_count(32 * 32, 256) == 262_400
    assert linear_param_count(32 * 32, 256) == sum(p.numel() for p in torch.nn.Linear(1024, 256).parameters())


def test_param_count_bad_input():
    with pytest.raises(ValueError, match="in_channels must be >= 1"):
        conv2d_param_count(0, 2, 3)
    with pytest.raises(TypeError, match="kernel_size must be an int"):
        conv2d_param_count(3, 2, "3")
    with pytest.raises(TypeError, match="bias must be True or False"):
        linear_param_count(3, 2, bias=1)
    with pytest.raises(ValueError, match="groups=2 must divide"):
        conv2d_param_count(3, 2, 3, groups=2)


def test_the_lectures_edge_kernel_and_integer_gaussian():
    assert kernels.get("edge_corners").tolist() == [[1, 0, -1], [0, 0, 0], [1, 0, -1]]
    g = kernels.get("gaussian_7x7_integer")
    # the slide's weights, typed row by row: they sum to 5 + 78 + 264 + 374 + 264 + 78 + 5 = 1068
    rows = [[0, 0, 0, 5, 0, 0, 0], [0, 5, 18, 32, 18, 5, 0], [0, 18, 64, 100, 64, 18, 0],
            [5, 32, 100, 100, 100, 32, 5]]
    slide = np.array(rows + rows[2::-1], dtype=float)
    assert np.allclose(g * 1068, slide) and g.sum() == pytest.approx(1.0)
    assert np.allclose(g, g.T) and g[3, 3] == g.max()
    left_bright = np.zeros((5, 5)); left_bright[:, :2] = 1.0
    assert corr2d(left_bright, kernels.get("edge_corners"))[1, 0] == 2.0   # 1 + 1 from the two outer rows
    assert np.allclose(corr2d(np.ones((5, 5)), kernels.get("edge_corners")), 0)


def test_descriptions_do_not_repeat_the_kernel_name():
    # the kernel explorer shows "name: description"; "sharpen: sharpen: ..." reads as a stutter
    for name in kernels.names():
        first_words = re.findall(r"[a-z0-9]+", kernels.describe(name).lower())[:2]
        assert name.split("_")[0] not in first_words, (name, kernels.describe(name))
