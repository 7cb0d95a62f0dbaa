"""conv_output_size, same_padding and pad2d against what torch actually does, and their errors."""

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from cnncourse.functional import conv2d, conv_output_size, pad2d, same_padding


def torch_output_shape(h, w, kernel_size, **kwargs):
    x = torch.zeros(1, 1, h, w)
    weight = torch.zeros((1, 1) + tuple(kernel_size))
    return tuple(F.conv2d(x, weight, **kwargs).shape[2:])


@pytest.mark.parametrize("n, k, s, p, d", [
    (n, k, s, p, d) for n, k, s, p, d in itertools.product(range(1, 9), range(1, 5), range(1, 4), range(3), range(1, 3))
    if d * (k - 1) + 1 <= n + 2 * p
])
def test_output_size_equals_torch_on_a_grid(n, k, s, p, d):
    size = conv_output_size(n, k, s, p, d)
    assert isinstance(size, int)
    assert (size, size) == torch_output_shape(n, n, (k, k), stride=s, padding=p, dilation=d)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(1, 6), st.integers(1, 6), st.integers(1, 4),
       st.integers(1, 4), st.integers(0, 4), st.integers(0, 4), st.integers(1, 3), st.integers(1, 3))
def test_output_size_pairs_equal_torch(h, w, kh, kw, sh, sw, ph, pw, dh, dw):
    fits = dh * (kh - 1) + 1 <= h + 2 * ph and dw * (kw - 1) + 1 <= w + 2 * pw
    args = ((h, w), (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    if not fits:
        with pytest.raises(ValueError, match="no output"):
            conv_output_size(*args)
        with pytest.raises(RuntimeError):
            torch_output_shape(h, w, (kh, kw), stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw))
        return
    assert conv_output_size(*args) == torch_output_shape(h, w, (kh, kw), stride=(sh, sw),
                                                         padding=(ph, pw), dilation=(dh, dw))


def test_output_size_of_the_slides_examples():
    assert conv_output_size(7, 3, stride=2, padding=1) == 4
    assert conv_output_size(25, 5, stride=2) == 11 and conv_output_size(11, 3, 2, 1) == 6
    assert conv_output_size(227, 11, stride=4) == 55
    assert [conv_output_size(7, 3), conv_output_size(7, 3, 2), conv_output_size(7, 3, padding=1)] == [5, 3, 7]
    assert conv_output_size((227, 100), 11, 4) == (55, 23)  # one pair makes the result a pair


@pytest.mark.parametrize("args, error, words", [
    ((3, 5), ValueError, "no output: the kernel spans d(k-1)+1 = 5 cells (kernel_size 5, dilation 1) "
                         "but the padded input has only n + 2p = 3 (n=3, padding 0)"),
    ((5, 3, 1, 0, 3), ValueError, "spans d(k-1)+1 = 7 cells"),
    (((8, 3), 5), ValueError, "the kernel width spans"),
    ((0, 3), ValueError, "n must be >= 1"),
    ((5, 0), ValueError, "kernel_size must be >= 1"),
    ((5, 3, 0), ValueError, "stride must be >= 1"),
    ((5, 3, 1, -1), ValueError, "padding must be >= 0"),
    ((5, 3, 1, 0, 0), ValueError, "dilation must be >= 1"),
    ((5.0, 3), TypeError, "n must be an int"),
    ((5, 3, 1, "same"), TypeError, "padding must be an int"),
    ((5, (3, 3, 3)), ValueError, "kernel_size must be an int or a pair"),
])
def test_output_size_bad_input(args, error, words):
    with pytest.raises(error) as info:
        conv_output_size(*args)
    assert words in str(info.value)


@pytest.mark.parametrize("n", range(1, 30))
@pytest.mark.parametrize("k, s, d", [(3, 2, 1), (3, 1, 1), (2, 2, 1), (5, 3, 1), (3, 2, 2), (1, 4, 1), (4, 1, 1)])
def test_same_padding_keeps_ceil_n_over_s_with_the_extra_last(n, k, s, d):
    left, right, top, bottom = same_padding(n, k, s, d)
    assert (left, right) == (top, bottom) and right - left in (0, 1)
    x = np.ones((1, 1, n, n))
    out = conv2d(pad2d(x, (left, right, top, bottom)), np.ones((1, 1, k, k)), stride=s, dilation=d)
    assert out.shape[2:] == (math.ceil(n / s),) * 2


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("kernel, dilation", [((3, 3), 1), ((2, 4), 1), ((4, 3), (2, 1)), ((1, 1), 1)])
def test_same_padding_at_stride_1_matches_torch_same(kernel, dilation):
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(1, 2, 9, 8)), rng.normal(size=(3, 2) + kernel)
    padded = pad2d(x, same_padding((9, 8), kernel, 1, dilation))
    expected = F.conv2d(torch.tensor(x), torch.tensor(w), padding="same", dilation=dilation).numpy()
    np.testing.assert_allclose(conv2d(padded, w, dilation=dilation), expected, atol=1e-12)


def test_keras_same_with_stride_example():
    # Conv2D(16, 3, strides=2, padding='same') on 28x28: 14x14, one row of zeros at the bottom only.
    assert same_padding(28, 3, 2) == (0, 1, 0, 1)
    assert same_padding((28, 27), (3, 5), 2) == (2, 2, 0, 1)
    assert same_padding(7, 3, 2) == (1, 1, 1, 1) and same_padding(6, 1, 2) == (0, 0, 0, 0)


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate"])
@pytest.mark.parametrize("padding", [1, (0, 2, 1, 0), (3, 1, 2, 2), (0, 0, 0, 0)])
@pytest.mark.parametrize("shape", [(2, 3, 5, 6), (3, 4, 4)])
def test_pad2d_equals_torch(mode, padding, shape):
    x = np.random.default_rng(1).normal(size=shape)
    torch_pad = (padding,) * 4 if isinstance(padding, int) else padding
    expected = F.pad(torch.tensor(x), torch_pad, mode=mode).numpy()
    np.testing.assert_array_equal(pad2d(x, padding, mode=mode), expected)


def test_pad2d_value_and_plain_2d_input():
    x = np.arange(6.0).reshape(2, 3)
    out = pad2d(x, (1, 0, 0, 2), value=-1)
    np.testing.assert_array_equal(out, F.pad(torch.tensor(x), (1, 0, 0, 2), value=-1).numpy())
    assert out.shape == (4, 4) and out[0, 0] == -1 and out[0, 1] == 0
    np.testing.assert_array_equal(pad2d(x, 1, mode="reflect"), F.pad(torch.tensor(x)[None], (1,) * 4, mode="reflect")[0].numpy())
    assert pad2d([[1, 2]], 1).dtype == np.float64


@pytest.mark.parametrize("call, error, words", [
    (lambda: pad2d(np.zeros(3), 1), ValueError, "x must have at least 2 dimensions"),
    (lambda: pad2d(np.zeros((2, 2)), -1), ValueError, "padding must be >= 0"),
    (lambda: pad2d(np.zeros((2, 2)), (1, 2)), ValueError, "4 ints (left, right, top, bottom)"),
    (lambda: pad2d(np.zeros((2, 2)), 1.5), TypeError, "padding must be an int"),
    (lambda: pad2d(np.zeros((2, 2)), 1, mode="circular"), ValueError, "mode must be one of"),
    (lambda: pad2d(np.zeros((2, 2)), 1, value="0"), TypeError, "value must be a real number"),
    (lambda: pad2d(np.zeros((3, 2)), (2, 0, 0, 0), mode="reflect"), ValueError,
     "padding left=2 but the input width is 2"),
    (lambda: pad2d(np.zeros((3, 5)), (0, 0, 1, 3), mode="reflect"), ValueError,
     "padding bottom=3 but the input height is 3"),
    (lambda: pad2d([["a"]], 1), TypeError, "x must be an array of numbers"),
    (lambda: same_padding(0, 3), ValueError, "input_size must be >= 1"),
    (lambda: same_padding(5, 3, 0), ValueError, "stride must be >= 1"),
])
def test_pad2d_and_same_padding_bad_input(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
