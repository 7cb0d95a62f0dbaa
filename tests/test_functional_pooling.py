"""cnncourse.functional pooling vs torch.nn.functional and torch autograd, gradient checks, errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from cnncourse.functional import (adaptive_avg_pool2d, avg_pool2d, avg_pool2d_backward, max_pool2d,
                                  max_pool2d_backward)
from cnncourse.gradcheck import numerical_gradient, relative_error

SLIDE_4X4 = {
    "i": ([[4, 6, 1, 3], [0, 8, 12, 9], [2, 3, 16, 100], [1, 46, 74, 27]], [[8, 12], [46, 100]]),
    "ii": ([[9, 7, 3, 2], [26, 37, 14, 1], [15, 29, 16, 0], [8, 6, 54, 2]], [[37, 14], [29, 54]]),
    "iii": ([[35, 19, 25, 6], [13, 22, 16, 63], [4, 3, 7, 10], [9, 8, 1, 3]], [[35, 63], [9, 10]]),
}
SLIDE_5X5 = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]


@pytest.mark.parametrize("name", SLIDE_4X4)
def test_slide_tables_2x2_stride_2(name):
    grid, expected = SLIDE_4X4[name]
    np.testing.assert_array_equal(max_pool2d(np.array(grid)[None], 2)[0], expected)


def test_slide_tables_with_stride_1_and_a_3x3_window():
    grid = np.array(SLIDE_4X4["iii"][0])[None]
    np.testing.assert_array_equal(max_pool2d(grid, 2, stride=1)[0], [[35, 25, 63], [22, 22, 63], [9, 8, 10]])
    np.testing.assert_array_equal(max_pool2d(np.array(SLIDE_5X5)[None], 3, stride=1)[0],
                                  [[3, 3, 3], [3, 3, 3], [3, 2, 3]])


def torch_pool(x, grad_output, pool, **kwargs):
    """torch's pooling of x and, by autograd, the gradient of sum(output * grad_output)."""
    t = torch.tensor(x, requires_grad=True)
    out = pool(t, **kwargs)
    values = out[0] if isinstance(out, tuple) else out
    if grad_output is not None:
        values.backward(torch.tensor(grad_output))
    extras = out[1].numpy() if isinstance(out, tuple) else None
    return values.detach().numpy(), extras, None if t.grad is None else t.grad.numpy()


@st.composite
def pool_cases(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    ph, pw = draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    h = draw(st.integers(max(1, kh - 2 * ph), 9))
    w = draw(st.integers(max(1, kw - 2 * pw), 9))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w)
    return dict(shape=shape, kernel_size=(kh, kw), stride=stride, padding=(ph, pw),
                seed=draw(st.integers(0, 2**31)), integers=draw(st.booleans()))


def random_input(case):
    rng = np.random.default_rng(case["seed"])
    if case["integers"]:  # small integers: many ties, where torch picks the first maximum
        return rng.integers(-3, 4, size=case["shape"]).astype(float), rng
    return rng.normal(size=case["shape"]), rng


@settings(max_examples=80, deadline=None)
@given(pool_cases())
def test_max_pool2d_forward_indices_and_backward_equal_torch(case):
    x, rng = random_input(case)
    args = dict(kernel_size=case["kernel_size"], stride=case["stride"], padding=case["padding"])
    values, indices = max_pool2d(x, **args, return_indices=True)
    grad_output = rng.normal(size=values.shape)
    expected, expected_indices, expected_grad = torch_pool(x, grad_output, F.max_pool2d,
                                                           return_indices=True, **args)
    np.testing.assert_allclose(values, expected, atol=1e-6, rtol=0)
    np.testing.assert_array_equal(indices, expected_indices)
    assert indices.dtype == np.int64
    np.testing.assert_allclose(max_pool2d_backward(grad_output, x, **args), expected_grad, atol=1e-6, rtol=0)


@settings(max_examples=80, deadline=None)
@given(pool_cases(), st.booleans())
def test_avg_pool2d_forward_and_backward_equal_torch(case, count_include_pad):
    x, rng = random_input(case)
    args = dict(kernel_size=case["kernel_size"], stride=case["stride"], padding=case["padding"],
                count_include_pad=count_include_pad)
    values = avg_pool2d(x, **args)
    grad_output = rng.normal(size=values.shape)
    expected, _, expected_grad = torch_pool(x, grad_output, F.avg_pool2d, **args)
    np.testing.assert_allclose(values, expected, atol=1e-6, rtol=0)
    np.testing.assert_allclose(avg_pool2d_backward(grad_output, x, **args), expected_grad, atol=1e-6, rtol=0)


@pytest.mark.parametrize("backward, forward", [(max_pool2d_backward, max_pool2d),
                                               (avg_pool2d_backward, avg_pool2d)])
@pytest.mark.parametrize("kernel_size, stride, padding", [(2, None, 0), (3, 2, 1), (3, 1, 1), ((2, 3), (1, 2), (1, 0))])
def test_backward_passes_the_numerical_gradient_check(backward, forward, kernel_size, stride, padding):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 2, 6, 5))
    args = dict(kernel_size=kernel_size, stride=stride, padding=padding)
    grad_output = rng.normal(size=forward(x, **args).shape)
    numeric = numerical_gradient(lambda v: forward(v, **args), x, grad_output)
    assert relative_error(backward(grad_output, x, **args), numeric) < 1e-7


def test_max_pooling_pads_with_minus_infinity():
    x = -np.arange(1, 10, dtype=float).reshape(1, 3, 3)  # all negative: a zero pad would win
    values, indices = max_pool2d(x, 2, stride=2, padding=1, return_indices=True)
    np.testing.assert_array_equal(values[0], [[-1, -2], [-4, -5]])
    np.testing.assert_array_equal(indices[0], [[0, 1], [3, 4]])
    assert (values < 0).all()


def test_gradient_goes_to_the_maximum_and_overlapping_windows_add_up():
    x = np.array(SLIDE_5X5, dtype=float)[None]
    grad = max_pool2d_backward(np.ones((1, 3, 3)), x, 3, stride=1)
    # Each window's first maximum in row-major order wins: the 3 at (1, 3) is first in three
    # windows, the 3 at (2, 0) in two; (0, 0), (0, 1), (2, 2) and (2, 4) win one each.
    expected = np.zeros((5, 5))
    expected[1, 3], expected[2, 0] = 3, 2
    expected[0, 0] = expected[0, 1] = expected[2, 2] = expected[2, 4] = 1
    np.testing.assert_array_equal(grad[0], expected)
    assert grad.sum() == 9  # every output sends its whole gradient somewhere


def test_average_pooling_spreads_the_gradient_evenly():
    grad = avg_pool2d_backward(np.array([[[4.0]]]), np.zeros((1, 2, 2)), 2)
    np.testing.assert_array_equal(grad, np.ones((1, 2, 2)))


@pytest.mark.parametrize("output_size", [1, 2, 3, (2, 4), (7, 1), 9])
def test_adaptive_avg_pool2d_equals_torch(output_size):
    x = np.random.default_rng(3).normal(size=(2, 3, 7, 6))
    expected = F.adaptive_avg_pool2d(torch.tensor(x), output_size).numpy()
    np.testing.assert_allclose(adaptive_avg_pool2d(x, output_size), expected, atol=1e-6, rtol=0)
    np.testing.assert_allclose(adaptive_avg_pool2d(x[0], output_size), expected[0], atol=1e-6, rtol=0)


def test_global_average_pooling_is_the_mean_of_each_channel():
    x = np.random.default_rng(4).normal(size=(2, 5, 7, 7))
    np.testing.assert_allclose(adaptive_avg_pool2d(x, 1)[..., 0, 0], x.mean(axis=(2, 3)))


def test_unbatched_input_default_stride_and_dtypes():
    x = np.random.default_rng(5).normal(size=(3, 8, 8))
    np.testing.assert_array_equal(max_pool2d(x, 2), max_pool2d(x[None], 2, stride=2)[0])
    np.testing.assert_array_equal(avg_pool2d(x, 2), avg_pool2d(x[None], 2, stride=2)[0])
    assert max_pool2d(x, 2).shape == (3, 4, 4)
    for function in (max_pool2d, avg_pool2d, adaptive_avg_pool2d):
        assert function(x.astype(np.float32), 2).dtype == np.float32
        assert function(np.ones((1, 4, 4), dtype=int), 2).dtype == np.float64
    grad = max_pool2d_backward(np.ones((3, 4, 4), dtype=np.float32), x.astype(np.float32), 2)
    assert grad.shape == x.shape and grad.dtype == np.float32


def test_pooling_has_no_parameters_and_acts_per_channel():
    x = np.random.default_rng(6).normal(size=(1, 3, 6, 6))
    by_channel = np.concatenate([max_pool2d(x[:, c:c + 1], 3, 2) for c in range(3)], axis=1)
    np.testing.assert_array_equal(max_pool2d(x, 3, 2), by_channel)
    assert sum(p.numel() for p in torch.nn.MaxPool2d(3, 2).parameters()) == 0


X = np.zeros((1, 1, 4, 4))


@pytest.mark.parametrize("call, error, words", [
    (lambda: max_pool2d(X, 5), ValueError, "kernel_size height 5 is larger than the padded input height 4"),
    (lambda: avg_pool2d(X, (2, 7), padding=(0, 1)), ValueError, "width 7 is larger than the padded input width 6"),
    (lambda: max_pool2d(X, 2, stride=0), ValueError, "stride must be >= 1"),
    (lambda: avg_pool2d(X, 3, padding=2), ValueError, "padding height 2 is more than half the window"),
    (lambda: max_pool2d(X, 2, padding=-1), ValueError, "padding must be >= 0"),
    (lambda: max_pool2d(X, 2.5), TypeError, "kernel_size must be an int"),
    (lambda: max_pool2d(np.zeros((4, 4)), 2), ValueError, "x must have 3 or 4 dimensions"),
    (lambda: avg_pool2d([[["a"]]], 1), TypeError, "x must be an array of numbers"),
    (lambda: max_pool2d(X, "same"), TypeError, "kernel_size must be an int"),
    (lambda: adaptive_avg_pool2d(X, 0), ValueError, "output_size must be >= 1"),
    (lambda: max_pool2d_backward(np.ones((1, 1, 3, 3)), X, 2), ValueError,
     "grad_output must have the shape of the pooling output (1, 1, 2, 2)"),
    (lambda: avg_pool2d_backward(np.ones((1, 2, 2)), X, 2), ValueError, "grad_output must have 4 dimensions"),
    (lambda: max_pool2d_backward(np.ones((1, 1, 2, 2)), X, 2, stride=(1, 0)), ValueError, "stride must be >= 1"),
])
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
