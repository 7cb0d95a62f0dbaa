"""conv2d_backward equals torch autograd, and passes the numerical gradient check."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncourse.functional import conv2d, conv2d_backward
from cnncourse.gradcheck import numerical_gradient, relative_error


def torch_gradients(grad_output, x, weight, bias, **settings):
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, weight, bias))
    F.conv2d(tx, tw, tb, **settings).backward(torch.tensor(grad_output))
    return tx.grad.numpy(), tw.grad.numpy(), tb.grad.numpy()


@st.composite
def conv_cases(draw):
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    h = draw(st.integers(max(1, dilation[0] * (kh - 1) + 1 - 2 * padding[0]), 7))
    w = draw(st.integers(max(1, dilation[1] * (kw - 1) + 1 - 2 * padding[1]), 7))
    n, seed = draw(st.integers(1, 2)), draw(st.integers(0, 2**16))
    return dict(n=n, c_in=c_in, c_out=c_out, h=h, w=w, kernel=(kh, kw), seed=seed,
                settings=dict(stride=stride, padding=padding, dilation=dilation, groups=groups))


@settings(max_examples=100, deadline=None)
@given(conv_cases())
def test_conv2d_backward_equals_torch_autograd(case):
    rng = np.random.default_rng(case["seed"])
    groups = case["settings"]["groups"]
    x = rng.normal(size=(case["n"], case["c_in"], case["h"], case["w"]))
    weight = rng.normal(size=(case["c_out"], case["c_in"] // groups) + case["kernel"])
    bias = rng.normal(size=case["c_out"])
    grad_output = rng.normal(size=conv2d(x, weight, bias, **case["settings"]).shape)
    ours = conv2d_backward(grad_output, x, weight, **case["settings"])
    for got, expected in zip(ours, torch_gradients(grad_output, x, weight, bias, **case["settings"])):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, atol=1e-6, rtol=1e-6)


def test_conv2d_backward_passes_the_numerical_check():
    rng = np.random.default_rng(0)
    x, weight = rng.normal(size=(2, 4, 6, 5)), rng.normal(size=(4, 2, 3, 2))
    settings = dict(stride=(2, 1), padding=1, dilation=(1, 2), groups=2)
    grad_output = rng.normal(size=conv2d(x, weight, **settings).shape)
    grad_x, grad_weight, _ = conv2d_backward(grad_output, x, weight, **settings)
    numeric_x = numerical_gradient(lambda v: conv2d(v, weight, **settings), x, grad_output)
    numeric_weight = numerical_gradient(lambda v: conv2d(x, v, **settings), weight, grad_output)
    assert relative_error(grad_x, numeric_x) < 1e-7
    assert relative_error(grad_weight, numeric_weight) < 1e-7


def test_unbatched_input_and_same_padding():
    rng = np.random.default_rng(1)
    x, weight = rng.normal(size=(3, 5, 5)), rng.normal(size=(2, 3, 3, 3))
    grad_output = rng.normal(size=(2, 5, 5))
    grad_x, grad_weight, grad_bias = conv2d_backward(grad_output, x, weight, padding="same")
    batched = conv2d_backward(grad_output[None], x[None], weight, padding=1)
    np.testing.assert_allclose(grad_x, batched[0][0])
    np.testing.assert_allclose(grad_weight, batched[1])
    np.testing.assert_allclose(grad_bias, batched[2])


def test_float32_stays_float32():
    x, weight = np.ones((1, 1, 4, 4), np.float32), np.ones((1, 1, 3, 3), np.float32)
    grads = conv2d_backward(np.ones((1, 1, 2, 2), np.float32), x, weight)
    assert all(g.dtype == np.float32 for g in grads)


@pytest.mark.parametrize("grad_output, words", [
    (np.ones((1, 2, 3, 3)), "grad_output must have the shape of conv2d's output (1, 2, 2, 2)"),
    (np.ones((2, 2)), "grad_output must have 4 dimensions"),
    ([["a"]], "grad_output must be an array of numbers"),
])
def test_bad_grad_output_is_named(grad_output, words):
    with pytest.raises((ValueError, TypeError), match=words.replace("(", r"\(").replace(")", r"\)")):
        conv2d_backward(grad_output, np.ones((1, 1, 3, 3)), np.ones((2, 1, 2, 2)))


def test_bad_conv_settings_are_named():
    with pytest.raises(ValueError, match="stride must be >= 1"):
        conv2d_backward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), stride=0)
    with pytest.raises(ValueError, match="groups=2 must divide"):
        conv2d_backward(np.ones((1, 1, 2, 2)), np.ones((1, 3, 3, 3)), np.ones((1, 3, 2, 2)), groups=2)
