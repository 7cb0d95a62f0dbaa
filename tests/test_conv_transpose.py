"""conv_transpose2d and its output-size rule against torch.nn.functional.conv_transpose2d."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings, strategies as st

from cnncourse.functional import conv2d, conv_output_size, conv_transpose2d, conv_transpose_output_size


def torch_conv_transpose2d(x, weight, bias=None, **kwargs):
    to_t = lambda a: None if a is None else torch.from_numpy(np.ascontiguousarray(a))
    return F.conv_transpose2d(to_t(x), to_t(weight), to_t(bias), **kwargs).numpy()


@st.composite
def transposed_cases(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    oph, opw = draw(st.integers(0, max(sh, dh) - 1)), draw(st.integers(0, max(sw, dw) - 1))
    return dict(shape_x=(draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 6)),
                         draw(st.integers(1, 6))),
                c_out=draw(st.integers(1, 3)), kernel=(kh, kw), stride=(sh, sw), dilation=(dh, dw),
                padding=(draw(st.integers(0, 3)), draw(st.integers(0, 3))), output_padding=(oph, opw),
                bias=draw(st.booleans()), seed=draw(st.integers(0, 2**31)))


@settings(max_examples=150, deadline=None)
@given(transposed_cases())
def test_conv_transpose2d_equals_torch(case):
    (n, c_in, h, w), (kh, kw) = case["shape_x"], case["kernel"]
    kwargs = {k: case[k] for k in ("stride", "padding", "output_padding", "dilation")}
    sizes = [(hw - 1) * s - 2 * p + d * (k - 1) + op + 1 for hw, k, s, p, d, op in
             zip((h, w), (kh, kw), *(kwargs[k] for k in ("stride", "padding", "dilation", "output_padding")))]
    assume(min(sizes) >= 1)
    rng = np.random.default_rng(case["seed"])
    x, weight = rng.normal(size=(n, c_in, h, w)), rng.normal(size=(c_in, case["c_out"], kh, kw))
    bias = rng.normal(size=case["c_out"]) if case["bias"] else None
    expected = torch_conv_transpose2d(x, weight, bias, **kwargs)
    got = conv_transpose2d(x, weight, bias, **kwargs)
    assert got.shape == expected.shape == (n, case["c_out"], *sizes)
    np.testing.assert_allclose(got, expected, atol=1e-9, rtol=0)
    assert conv_transpose_output_size((h, w), (kh, kw), **kwargs) == tuple(sizes)


def test_it_is_the_adjoint_of_conv2d():
    # <conv2d(x, w), y> = <x, conv_transpose2d(y, w)>: the transposed convolution is conv2d's transpose.
    rng = np.random.default_rng(0)
    x, weight = rng.normal(size=(2, 3, 9, 8)), rng.normal(size=(4, 3, 3, 2))
    options = dict(stride=2, padding=1, dilation=(1, 2))
    y = rng.normal(size=conv2d(x, weight, **options).shape)
    back = conv_transpose2d(y, weight, output_padding=(0, 1), **options)  # weight (4, 3, ...) = (C_in, C_out)
    assert back.shape == x.shape
    assert np.isclose(np.sum(conv2d(x, weight, **options) * y), np.sum(x * back))


def test_output_padding_picks_among_the_sizes_a_strided_conv_merges():
    assert conv_output_size(7, 3, 2, 1) == conv_output_size(8, 3, 2, 1) == 4
    assert conv_transpose_output_size(4, 3, 2, 1) == 7
    assert conv_transpose_output_size(4, 3, 2, 1, output_padding=1) == 8


def test_upsampling_by_two_and_unbatched_input():
    x = np.arange(4.0).reshape(1, 2, 2)
    out = conv_transpose2d(x, np.ones((1, 1, 2, 2)), stride=2)
    np.testing.assert_array_equal(out[0], np.kron(x[0], np.ones((2, 2))))
    np.testing.assert_allclose(conv_transpose2d(x, np.ones((1, 2, 3, 3)), bias=[1.0, -1.0])[1],
                               torch_conv_transpose2d(x[None], np.ones((1, 2, 3, 3)), np.array([1.0, -1.0]))[0, 1])


X = np.zeros((1, 2, 3, 3))
W = np.zeros((2, 4, 3, 3))


@pytest.mark.parametrize("call, error, words", [
    (lambda: conv_transpose2d(X, np.zeros((4, 2, 3, 3))), ValueError, "channel mismatch"),
    (lambda: conv_transpose2d(X, W, bias=np.zeros(2)), ValueError, "bias must have shape (4,)"),
    (lambda: conv_transpose2d(X, W, stride=0), ValueError, "stride must be >= 1"),
    (lambda: conv_transpose2d(X, W, output_padding=1), ValueError,
     "output_padding height must be smaller than the stride or the dilation: got output_padding 1"),
    (lambda: conv_transpose2d(X, W, padding=3), ValueError, "no output"),
    (lambda: conv_transpose2d(np.zeros((3, 3)), W), ValueError, "x must have 3 or 4 dimensions"),
    (lambda: conv_transpose2d(X, np.zeros((2, 3, 3))), ValueError, "weight must have 4 dimensions"),
    (lambda: conv_transpose2d(X, W, dilation=1.0), TypeError, "dilation must be an int"),
    (lambda: conv_transpose_output_size(1, 1, padding=1), ValueError,
     "(1-1)*1 - 2*1 + 1*(1-1) + 0 + 1 = -1"),
    (lambda: conv_transpose_output_size((4, 4), 3, (2, 1), output_padding=(0, 1)), ValueError,
     "output_padding width must be smaller"),
    (lambda: conv_transpose_output_size(4, 3, output_padding=-1), ValueError, "output_padding must be >= 0"),
])
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
