"""The live widgets' shared base: their scripts, and arrays packed for the browser (and back in it)."""

import base64

import numpy as np
import pytest

from browser import js_call
from cnncourse.widgets.live import esm, esm_source, pack, unpack


def test_pack_keeps_shape_and_values_and_is_compact():
    array = np.random.default_rng(0).normal(size=(3, 40, 50))
    packed = pack(array)
    assert packed["dtype"] == "float32" and packed["shape"] == [3, 40, 50]
    assert len(base64.b64decode(packed["data"])) == 4 * array.size  # 4 bytes a value, no JSON numbers
    np.testing.assert_array_equal(unpack(packed), array.astype(np.float32))
    image = np.arange(256).reshape(16, 16)
    assert len(base64.b64decode(pack(image, "uint8")["data"])) == 256
    np.testing.assert_array_equal(unpack(pack(image, "uint8")), image)


@pytest.mark.parametrize("array, dtype, error, words", [
    (np.zeros(3), "float64", ValueError, "dtype must be one of"),
    ([[1, 2], [3]], "float32", ValueError, "array must be a rectangular array"),
    (np.array(["a"]), "float32", TypeError, "array must be an array of numbers"),
    (np.array([0.5, 3]), "uint8", ValueError, "whole numbers from 0 to 255"),
    (np.array([256]), "uint8", ValueError, "whole numbers from 0 to 255"),
])
def test_pack_rejects_bad_input(array, dtype, error, words):
    with pytest.raises(error, match=words):
        pack(array, dtype)


def test_unpack_and_esm_reject_bad_input():
    with pytest.raises(ValueError, match="packed must be a dict"):
        unpack({"data": ""})
    with pytest.raises(ValueError, match="packed\\['dtype'\\] must be one of"):
        unpack({"dtype": "int64", "shape": [0], "data": ""})
    with pytest.raises(ValueError, match="no cnncourse/widgets/js/nothing_here.js"):
        esm("nothing_here")
    with pytest.raises(ValueError, match="name must be a widget script's name"):
        esm("../live")


def test_esm_puts_the_shared_helpers_first():
    source = esm("_live")
    assert source.startswith(esm_source("_live")) and "export function unpack" in source


def test_the_browser_unpacks_what_python_packed(browser):
    rng = np.random.default_rng(1)
    floats = rng.normal(size=(2, 3, 5)) * 1e3
    got = js_call(browser, esm_source("_live"), "unpack", pack(floats))
    np.testing.assert_array_equal(np.array(got), floats.astype(np.float32).ravel())
    pixels = rng.integers(0, 256, size=(7, 9))
    assert js_call(browser, esm_source("_live"), "unpack", pack(pixels, "uint8")) == pixels.ravel().tolist()
