"""Survivors of mutation testing in cnncourse.functional's convolution, padding, pooling and
transposed convolution: boundary cases, rectangular inputs and errors, against torch."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnncourse.functional import (adaptive_avg_pool2d, avg_pool2d, avg_pool2d_backward, conv2d,
                                  conv2d_backward, conv2d_naive, conv_output_size, conv_transpose2d,
                                  conv_transpose_output_size, convolve2d, corr2d, max_pool2d,
                                  max_pool2d_backward, pad2d, same_padding)
from test_survivors_functional import raises


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def raises_exactly(error, message, call, *args, **kwargs):
    """call(*args, **kwargs) raises ``error`` with exactly this message."""
    with pytest.raises(error) as info:
        call(*args, **kwargs)
    assert str(info.value) == message


# --- convolution -------------------------------------------------------------------------------

@pytest.mark.parametrize("conv", [conv2d, conv2d_naive])
def test_a_kernel_that_exactly_fills_the_padded_input_is_accepted(conv):
    # height: 3 + 2 * 1 = 5 rows for a 5-row kernel; width: 4 columns for 2 taps 3 apart
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(1, 3, 3, 4)), rng.normal(size=(3, 3, 5, 2))
    got = conv(x, w, padding=(1, 0), dilation=(1, 3))
    expected = F.conv2d(t(x), t(w), padding=(1, 0), dilation=(1, 3)).numpy()
    assert got.shape == expected.shape == (1, 3, 1, 1)
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize("conv", [conv2d, conv2d_naive])
def test_same_padding_of_an_even_kernel_on_a_one_pixel_wide_input(conv):
    # 'same' pads (0, 1) columns: the padded width 2 just fits the 2-wide kernel
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(1, 1, 3, 1)), rng.normal(size=(2, 1, 2, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns that even kernels need an extra copy
        expected = F.conv2d(t(x), t(w), padding="same").numpy()
    np.testing.assert_allclose(conv(x, w, padding="same"), expected, atol=1e-12)


def test_an_empty_input_is_refused_even_with_same_padding():
    # 'same' pads an even kernel (0, 1): one padded row, too few for a 2-row kernel
    raises_exactly(ValueError, "kernel height 2 (spanning 2 with dilation 1) is larger than the padded "
                   "input height 1", conv2d, np.zeros((1, 1, 0, 3)), np.ones((1, 1, 2, 1)), padding="same")


def test_corr2d_accepts_a_kernel_as_large_as_the_input_and_names_a_taller_one():
    x = np.arange(6.0).reshape(2, 3)
    raises(ValueError, ["k must have 2 dimensions"], convolve2d, x, np.ones(3))
    assert corr2d(x, np.ones((2, 3))) == [[15.0]]
    raises(ValueError, ["kernel k (3, 1) is larger than the input x (2, 3)"], corr2d, x, np.ones((3, 1)))
    raises(ValueError, ["kernel k (1, 4) is larger than the input x (2, 3)"], corr2d, x, np.ones((1, 4)))


def test_conv2d_naive_keeps_float32_and_unbatched_input():
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(2, 4, 5)).astype(np.float32), rng.normal(size=(3, 2, 2, 3)).astype(np.float32)
    b = np.array([1.0, -2.0, 0.5], np.float32)
    got = conv2d_naive(x, w, b, stride=(2, 1))
    assert got.dtype == np.float32 and got.shape == (3, 2, 3)
    np.testing.assert_allclose(got, F.conv2d(t(x[None]), t(w), t(b), stride=(2, 1))[0].numpy(), atol=1e-5)


@pytest.mark.parametrize("conv", [conv2d, conv2d_naive])
def test_mixed_float32_and_float64_give_float64_as_numpy_promotes(conv):
    x, w = np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))
    assert conv(x.astype(np.float32), w).dtype == np.float64
    assert conv(x, w.astype(np.float32)).dtype == np.float64


@pytest.mark.parametrize("call, error, words", [
    # only the input channels fail to divide (3 by 2): the groups message, not a channel mismatch
    (lambda: conv2d(np.zeros((1, 3, 4, 4)), np.zeros((4, 1, 2, 2)), groups=2), ValueError,
     ["groups=2 must divide both the input channels (3) and the output channels (4)"]),
    (lambda: conv2d(np.zeros((1, 2, 4, 4)), np.zeros((4, 2, 2, 2)), groups=2), ValueError,
     ["channel mismatch: x has 2 channels but weight (4, 2, 2, 2) expects 2 x groups=2 = 4"]),
    (lambda: conv2d(np.zeros((1, 2, 4, 4)), np.zeros((3, 2, 2, 5))), ValueError,
     ["kernel width 5 (spanning 5 with dilation 1) is larger than the padded input width 4"]),
    (lambda: conv2d(np.zeros((1, 2, 4, 4)), np.zeros((3, 2, 2, 2)), bias=np.zeros((3, 1))), ValueError,
     ["bias must have 1 dimensions"]),
    (lambda: conv2d(np.zeros((1, 2, 4, 4)), np.zeros((3, 2, 2, 2)), bias=np.zeros(2)), ValueError,
     ["bias must have shape (3,), one per filter, got (2,)"]),
    (lambda: conv2d(np.zeros((1, 2, 4, 4)), np.zeros((3, 2, 2, 2)), padding="full"), ValueError,
     ["padding must be an int, a pair, 'valid' or 'same', got 'full'"]),
    (lambda: conv2d(np.zeros((1, 2, 4, 4)), np.zeros((3, 2, 2, 2)), padding="same", stride=(1, 2)),
     ValueError, ["padding='same' needs stride=1 (as in torch); use an int padding"]),
])
def test_conv2d_errors_name_what_is_wrong(call, error, words):
    raises(error, words, call)


# --- padding -----------------------------------------------------------------------------------

def test_output_size_takes_lists_and_names_the_axis_with_no_output():
    assert conv_output_size([7, 9], 3) == (5, 7)
    assert conv_output_size(7, [3, 5], [1, 2]) == (5, 2)
    raises_exactly(ValueError, "no output: the kernel spans d(k-1)+1 = 7 cells (kernel_size 7, dilation 1) "
                   "but the padded input has only n + 2p = 5 (n=3, padding 1)", conv_output_size, 3, 7, padding=1)
    raises(ValueError, ["no output: the kernel height spans d(k-1)+1 = 5 cells", "padded input height has only"],
           conv_output_size, (3, 8), 5)


@pytest.mark.parametrize("args, error, words", [
    ((5, 0), ValueError, ["kernel_size must be >= 1"]),
    ((5, 3, 1, 0), ValueError, ["dilation must be >= 1"]),
    ((5, 3, 1, 1.0), TypeError, ["dilation must be an int"]),
    ((5, (3, 3, 3)), ValueError, ["kernel_size must be an int or a pair"]),
])
def test_same_padding_names_its_bad_arguments(args, error, words):
    raises(error, words, same_padding, *args)


def test_same_padding_defaults_to_stride_1_and_dilation_1():
    # a 3-wide kernel at stride 1 needs k - 1 = 2 cells, one on each side (stride 2 would need 1)
    assert same_padding(6, 3) == (1, 1, 1, 1) and same_padding((6, 5), (3, 2)) == (0, 1, 1, 1)


def test_same_padding_with_no_padding_needed_and_odd_totals():
    # stride 4 over 9 rows: 3 outputs need (3 - 1) 4 + 1 = 9 rows with a 1-tall kernel, no padding;
    # over 10 columns with a 3-wide kernel they need 11: one column, on the right
    assert same_padding((9, 10), (1, 3), 4) == (0, 1, 0, 0)
    x = np.ones((1, 1, 9, 10))
    out = conv2d(pad2d(x, same_padding((9, 10), (1, 3), 4)), np.ones((1, 1, 1, 3)), stride=4)
    assert out.shape[2:] == (3, 3)


@pytest.mark.parametrize("call, error, words", [
    (lambda: pad2d(np.zeros((3, 5)), (0, 5, 0, 0), mode="reflect"), ValueError,
     ["mode='reflect' needs each padding smaller than the input side: padding right=5 but the input width is 5"]),
    (lambda: pad2d(np.zeros((3, 5)), (0, 0, 3, 0), mode="reflect"), ValueError,
     ["mode='reflect' needs each padding smaller", "padding top=3 but the input height is 3"]),
    (lambda: pad2d(np.zeros((2, 2)), (1, -1, 0, 0)), ValueError, ["padding must be >= 0"]),
    (lambda: pad2d(np.zeros((2, 2)), [1, 1, 1]), ValueError,
     ["padding must be an int or 4 ints (left, right, top, bottom), got [1, 1, 1]"]),
    (lambda: pad2d(np.zeros((2, 2)), 1, value=True), TypeError, ["value must be a real number, got bool True"]),
    (lambda: pad2d(np.zeros((2, 2)), 1, mode="edge"), ValueError,
     ["mode must be one of ('constant', 'reflect', 'replicate'), got 'edge'"]),
])
def test_pad2d_errors_name_the_side_and_the_parameter(call, error, words):
    raises(error, words, call)


def test_pad2d_reflects_up_to_one_less_than_the_side_and_pads_lists_like_tuples():
    x = np.arange(12.0).reshape(1, 3, 4)
    expected = F.pad(t(x), (3, 3, 2, 2), mode="reflect").numpy()
    np.testing.assert_array_equal(pad2d(x, [3, 3, 2, 2], mode="reflect"), expected)
    np.testing.assert_array_equal(pad2d(x, (0, 1, 2, 0), value=np.float32(2.5)),
                                  F.pad(t(x), (0, 1, 2, 0), value=2.5).numpy())


# --- pooling -----------------------------------------------------------------------------------

@pytest.mark.parametrize("pool, torch_pool", [(max_pool2d, F.max_pool2d), (avg_pool2d, F.avg_pool2d)])
def test_a_pooling_window_as_large_as_the_padded_input_is_accepted(pool, torch_pool):
    x = np.random.default_rng(1).normal(size=(1, 2, 3, 4))
    got = pool(x, (5, 4), padding=(2, 0))  # padding 2 = kernel 5 // 2: the largest torch allows
    np.testing.assert_allclose(got, torch_pool(t(x), (5, 4), padding=(2, 0)).numpy(), atol=1e-12)


def test_unbatched_max_pool_indices_and_default_average_divisor():
    x = np.random.default_rng(3).normal(size=(2, 5, 6))
    values, indices = max_pool2d(x, (3, 2), stride=(2, 1), padding=(1, 1), return_indices=True)
    theirs, their_indices = F.max_pool2d(t(x), (3, 2), stride=(2, 1), padding=(1, 1), return_indices=True)
    np.testing.assert_array_equal(values, theirs.numpy())
    np.testing.assert_array_equal(indices, their_indices.numpy())
    # default padding 0: a 3 x 3 window fits 3 x 4 times into 5 x 6
    np.testing.assert_allclose(avg_pool2d(x, 3), F.avg_pool2d(t(x), 3).numpy(), atol=1e-12)
    raises(ValueError, ["kernel_size must be >= 1"], max_pool2d, x, (2, 0))
    raises(ValueError, ["kernel_size must be >= 1"], avg_pool2d, x, 0)
    # torch's default count_include_pad=True: the zeros of the padding count in the mean
    tx = t(x).requires_grad_()
    out = F.avg_pool2d(tx, 3, stride=2, padding=1)
    np.testing.assert_allclose(avg_pool2d(x, 3, stride=2, padding=1), out.detach().numpy(), atol=1e-12)
    grad = np.random.default_rng(4).normal(size=out.shape)
    out.backward(t(grad))
    np.testing.assert_allclose(avg_pool2d_backward(grad, x, 3, stride=2, padding=1), tx.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("backward", [max_pool2d_backward, avg_pool2d_backward])
def test_pooling_backward_gives_the_promoted_dtype_of_gradient_and_input(backward):
    x = np.random.default_rng(5).normal(size=(1, 1, 4, 4))
    grad = np.ones((1, 1, 2, 2))
    assert backward(grad.astype(np.float32), x, 2).dtype == np.float64
    assert backward(grad, x.astype(np.float32), 2).dtype == np.float64
    assert backward(grad.astype(np.float32), x.astype(np.float32), 2).dtype == np.float32


def test_pooling_size_errors_give_the_numbers_of_the_right_axis():
    x = np.zeros((1, 3, 5))  # rectangular, and 1 channel: no number can stand in for another
    raises_exactly(ValueError, "padding height 3 is more than half the window height 4: torch allows "
                   "at most kernel_size // 2 = 2", avg_pool2d, x, (4, 2), padding=(3, 0))
    raises_exactly(ValueError, "padding width 2 is more than half the window width 2: torch allows "
                   "at most kernel_size // 2 = 1", max_pool2d, x, (1, 2), padding=(0, 2))
    raises_exactly(ValueError, "kernel_size width 8 is larger than the padded input width 7 "
                   "(input 5 + 2 x padding 1)", max_pool2d, x, (1, 8), padding=(0, 1))
    raises_exactly(ValueError, "kernel_size height 6 is larger than the padded input height 5 "
                   "(input 3 + 2 x padding 1)", avg_pool2d, x, (6, 1), padding=(1, 0))


@pytest.mark.parametrize("call, error, words", [
    (lambda: max_pool2d(np.zeros((1, 4, 4)), (2, 3), padding=(0, 2)), ValueError,
     ["padding width 2 is more than half the window width 3: torch allows at most kernel_size // 2 = 1"]),
    (lambda: avg_pool2d(np.zeros((1, 4, 4)), (4, 2), padding=(3, 0)), ValueError,
     ["padding height 3 is more than half the window height 4"]),
    (lambda: max_pool2d(np.zeros((1, 4, 4)), (5, 1)), ValueError,
     ["kernel_size height 5 is larger than the padded input height 4 (input 4 + 2 x padding 0)"]),
    (lambda: adaptive_avg_pool2d([[["a"]]], 1), TypeError, ["x must be an array of numbers"]),
    (lambda: adaptive_avg_pool2d(np.zeros((4, 4)), 1), ValueError, ["x must have 3 or 4 dimensions"]),
    (lambda: avg_pool2d(np.zeros((1, 4, 4)), 2, stride=(1, 0)), ValueError, ["stride must be >= 1"]),
    (lambda: avg_pool2d(np.zeros((1, 4, 4)), 2, padding=(0, -1)), ValueError, ["padding must be >= 0"]),
    (lambda: avg_pool2d_backward(np.ones((1, 3, 3)), np.zeros((1, 4, 4)), 2), ValueError,
     ["grad_output must have the shape of the pooling output (1, 2, 2), got (1, 3, 3)"]),
    (lambda: max_pool2d_backward(np.ones((2, 2)), np.zeros((1, 4, 4)), 2), ValueError,
     ["grad_output must have 3 dimensions"]),
])
def test_pooling_errors_name_the_axis_and_the_parameter(call, error, words):
    raises(error, words, call)


# --- transposed convolution --------------------------------------------------------------------

def test_transposed_output_size_defaults_and_dtypes():
    # stride 1, no padding, dilation 1: every input cell adds k - 1 cells
    assert conv_transpose_output_size(4, 3) == 6 and conv_transpose_output_size((4, 2), (1, 3)) == (4, 4)
    x, w = np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2))
    assert conv_transpose2d(x.astype(np.float32), w).dtype == np.float64
    assert conv_transpose2d(x, w.astype(np.float32)).dtype == np.float64
    assert conv_transpose2d(x.astype(np.float32), w.astype(np.float32)).dtype == np.float32


def test_transposed_output_sizes_of_one_and_lists():
    assert conv_transpose_output_size(1, 1) == 1
    assert conv_transpose_output_size(2, 3, 2, 2) == 1
    assert conv_transpose_output_size([2, 3], 2, [1, 2]) == (3, 6)
    x, w = np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))
    np.testing.assert_allclose(conv_transpose2d(x, w, stride=2, padding=2),
                               F.conv_transpose2d(t(x), t(w), stride=2, padding=2).numpy())


@pytest.mark.parametrize("call, error, words", [
    (lambda: conv_transpose_output_size(0, 3), ValueError, ["n must be >= 1"]),
    (lambda: conv_transpose_output_size(3, 0), ValueError, ["kernel_size must be >= 1"]),
    (lambda: conv_transpose_output_size(3, 3, padding=-1), ValueError, ["padding must be >= 0"]),
    (lambda: conv_transpose_output_size(3, 3, dilation=0), ValueError, ["dilation must be >= 1"]),
    (lambda: conv_transpose_output_size(3, 3, 2, output_padding=2), ValueError,
     ["output_padding must be smaller than the stride or the dilation: got output_padding 2, stride 2, "
      "dilation 1"]),
    (lambda: conv_transpose_output_size((1, 4), 1, padding=(1, 0)), ValueError,
     ["no output: (n-1)s - 2p", "= -1 height cells; padding 1 crops more than the full result has"]),
    (lambda: conv_transpose_output_size((4, 1), 1, padding=(0, 1)), ValueError, ["no output", "= -1 width cells"]),
    (lambda: conv_transpose2d(np.zeros((1, 2, 3, 3)), np.zeros((2, 4, 3, 3)), bias=np.zeros((4, 1))),
     ValueError, ["bias must have 1 dimensions"]),
    (lambda: conv_transpose2d(np.zeros((1, 2, 3, 3)), np.zeros((2, 4, 3, 3)), bias=np.zeros(3)),
     ValueError, ["bias must have shape (4,), one per output channel, got (3,)"]),
    (lambda: conv_transpose2d(np.zeros((1, 2, 3, 3)), np.zeros((3, 4, 3, 3))), ValueError,
     ["channel mismatch: x has 2 channels but weight (3, 4, 3, 3) expects 3 (a transposed convolution's "
      "weight is (C_in, C_out, kH, kW))"]),
])
def test_transposed_errors_name_the_parameter_and_axis(call, error, words):
    raises(error, words, call)


# --- convolution backward ----------------------------------------------------------------------

def test_conv2d_backward_of_an_unbatched_input_checks_the_unbatched_shape():
    x, w = np.ones((1, 3, 3)), np.ones((2, 1, 2, 2))
    raises(ValueError, ["grad_output must have the shape of conv2d's output (2, 2, 2), got (2, 3, 3)"],
           conv2d_backward, np.ones((2, 3, 3)), x, w)
    raises(ValueError, ["grad_output must have 3 dimensions"], conv2d_backward, np.ones((1, 2, 2, 2)), x, w)


@pytest.mark.parametrize("dtypes", [(np.float64, np.float32, np.float32), (np.float32, np.float64, np.float32),
                                    (np.float32, np.float32, np.float64)])
def test_conv2d_backward_gives_the_promoted_dtype_of_all_three_inputs(dtypes):
    grad, x, w = (np.ones(shape, dtype) for shape, dtype in zip(((1, 1, 2, 2), (1, 1, 3, 3), (1, 1, 2, 2)), dtypes))
    assert [g.dtype for g in conv2d_backward(grad, x, w)] == [np.float64] * 3


def test_conv2d_backward_with_dilation_keeps_float32():
    x, w = np.ones((1, 1, 5, 5), np.float32), np.ones((1, 1, 2, 2), np.float32)
    grads = conv2d_backward(np.ones((1, 1, 3, 4), np.float32), x, w, dilation=(2, 1))
    assert [g.dtype for g in grads] == [np.float32] * 3
