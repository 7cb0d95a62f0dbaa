"""cnncourse.functional convolution vs torch.nn.functional.conv2d, and its error messages."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from cnncourse.functional import conv2d, conv2d_naive, convolve2d, corr2d


def torch_conv2d(x, weight, bias=None, **kwargs):
    to_t = lambda a: None if a is None else torch.from_numpy(np.ascontiguousarray(a))
    return F.conv2d(to_t(x), to_t(weight), to_t(bias), **kwargs).numpy()


def test_corr2d_reproduces_the_slide_example():
    x = np.arange(1, 17).reshape(4, 4)
    k = np.array([[-1, 1], [0, 1]])
    np.testing.assert_array_equal(corr2d(x, k), [[7, 8, 9], [11, 12, 13], [15, 16, 17]])


def test_convolve2d_flips_the_kernel():
    rng = np.random.default_rng(0)
    x, k = rng.normal(size=(6, 5)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(convolve2d(x, k), corr2d(x, k[::-1, ::-1]))
    # A symmetric kernel cannot tell the two apart; an asymmetric one can.
    assert not np.allclose(convolve2d(x, k), corr2d(x, k))
    import scipy.signal
    np.testing.assert_allclose(convolve2d(x, k), scipy.signal.convolve2d(x, k, mode="valid"))


@st.composite
def conv_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    c_in = groups * draw(st.integers(1, 3))
    c_out = groups * draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 12))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 12))
    n = draw(st.integers(1, 3))
    return dict(shape_x=(n, c_in, h, w), shape_w=(c_out, c_in // groups, kh, kw),
                stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw), groups=groups,
                bias=draw(st.booleans()), seed=draw(st.integers(0, 2**31)))


@settings(max_examples=150, deadline=None)
@given(conv_cases())
def test_conv2d_equals_torch(case):
    rng = np.random.default_rng(case["seed"])
    x, w = rng.normal(size=case["shape_x"]), rng.normal(size=case["shape_w"])
    b = rng.normal(size=case["shape_w"][0]) if case["bias"] else None
    kwargs = {k: case[k] for k in ("stride", "padding", "dilation", "groups")}
    expected = torch_conv2d(x, w, b, **kwargs)
    np.testing.assert_allclose(conv2d(x, w, b, **kwargs), expected, atol=1e-6, rtol=0)
    np.testing.assert_allclose(conv2d_naive(x, w, b, **kwargs), expected, atol=1e-6, rtol=0)


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("kernel, dilation", [((3, 3), 1), ((2, 4), 1), ((3, 2), (2, 3)), ((1, 1), 1)])
def test_string_padding_equals_torch(padding, kernel, dilation):
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(2, 3, 9, 10)), rng.normal(size=(4, 3) + kernel), rng.normal(size=4)
    expected = torch_conv2d(x, w, b, padding=padding, dilation=dilation)
    np.testing.assert_allclose(conv2d(x, w, b, padding=padding, dilation=dilation), expected, atol=1e-6)
    np.testing.assert_allclose(conv2d_naive(x, w, b, padding=padding, dilation=dilation), expected, atol=1e-6)
    if padding == "same":
        assert conv2d(x, w, padding="same", dilation=dilation).shape[2:] == x.shape[2:]


def test_unbatched_input_and_dtypes():
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(3, 7, 7)), rng.normal(size=(2, 3, 3, 3))
    np.testing.assert_allclose(conv2d(x, w), conv2d(x[None], w)[0])
    assert conv2d(x, w).dtype == np.float64
    assert conv2d(x.astype(np.float32), w.astype(np.float32)).dtype == np.float32
    assert conv2d(np.ones((1, 4, 4), dtype=int), np.ones((1, 1, 2, 2), dtype=int)).dtype == np.float64
    assert corr2d([[1, 2], [3, 4]], [[1]]).dtype == np.float64


def test_multichannel_is_a_sum_of_2d_correlations():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(3, 6, 6)), rng.normal(size=(2, 3, 3, 3))
    by_hand = np.stack([sum(corr2d(x[c], w[o, c]) for c in range(3)) for o in range(2)])
    np.testing.assert_allclose(conv2d(x, w), by_hand)


X4 = np.zeros((1, 2, 5, 5))
W4 = np.zeros((3, 2, 3, 3))


@pytest.mark.parametrize("call, error, words", [
    (lambda: corr2d(np.zeros((2, 2)), np.zeros((3, 3))), ValueError, "larger than the input"),
    (lambda: corr2d(np.zeros((2, 2, 2)), np.zeros((1, 1))), ValueError, "x must have 2 dimensions"),
    (lambda: corr2d(np.zeros((2, 2)), np.zeros(3)), ValueError, "k must have 2 dimensions"),
    (lambda: corr2d([["a", "b"]], np.zeros((1, 1))), TypeError, "x must be an array of numbers"),
    (lambda: corr2d([[1, 2], [3]], np.zeros((1, 1))), ValueError, "x must be a rectangular array"),
    (lambda: convolve2d(np.zeros((3, 3)), [[1j]]), TypeError, "k must hold real numbers"),
    (lambda: conv2d(X4, W4, stride=0), ValueError, "stride must be >= 1"),
    (lambda: conv2d(X4, W4, dilation=(1, 0)), ValueError, "dilation must be >= 1"),
    (lambda: conv2d(X4, W4, padding=-1), ValueError, "padding must be >= 0"),
    (lambda: conv2d(X4, W4, padding="full"), ValueError, "padding must be an int, a pair, 'valid' or 'same'"),
    (lambda: conv2d(X4, W4, padding="same", stride=2), ValueError, "padding='same' needs stride=1"),
    (lambda: conv2d(X4, W4, stride=1.5), TypeError, "stride must be an int"),
    (lambda: conv2d(X4, W4, stride=(1, 2, 3)), ValueError, "stride must be an int or a pair"),
    (lambda: conv2d(X4, np.zeros((3, 3, 3, 3))), ValueError, "channel mismatch"),
    (lambda: conv2d(X4, np.zeros((3, 1, 3, 3)), groups=2), ValueError, "groups=2 must divide"),
    (lambda: conv2d(X4, W4, groups=0), ValueError, "groups must be >= 1"),
    (lambda: conv2d(X4, W4, bias=np.zeros(2)), ValueError, "bias must have shape (3,)"),
    (lambda: conv2d(X4, np.zeros((3, 2, 6, 3))), ValueError, "kernel height 6"),
    (lambda: conv2d(X4, W4, dilation=3), ValueError, "larger than the padded input height 5"),
    (lambda: conv2d(np.zeros((5, 5)), W4), ValueError, "x must have 3 or 4 dimensions"),
    (lambda: conv2d(X4, np.zeros((3, 3))), ValueError, "weight must have 4 dimensions"),
    (lambda: conv2d_naive(X4, W4, stride=0), ValueError, "stride must be >= 1"),
    (lambda: conv2d(X4.astype(object), W4), TypeError, "x must be an array of numbers"),
])
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
