"""Survivors of mutation testing in cnncourse.functional's convolution, padding, pooling and
transposed convolution: boundary cases, rectangular inputs and errors, against torch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnncourse.functional import avg_pool2d, conv2d, conv2d_naive, max_pool2d


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


@pytest.mark.parametrize("conv", [conv2d, conv2d_naive])
def test_a_kernel_that_exactly_fills_the_padded_input_is_accepted(conv):
    # span == padded size on both axes (3 + 2*1 = 5 rows, 2 + 2*0 = 2 ... dilated 2 wide): one output
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(1, 2, 3, 4)), rng.normal(size=(3, 2, 5, 2))
    got = conv(x, w, padding=(1, 0), dilation=(1, 3))
    expected = F.conv2d(t(x), t(w), padding=(1, 0), dilation=(1, 3)).numpy()
    assert got.shape == expected.shape == (1, 3, 1, 1)
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize("pool, torch_pool", [(max_pool2d, F.max_pool2d), (avg_pool2d, F.avg_pool2d)])
def test_a_pooling_window_as_large_as_the_padded_input_is_accepted(pool, torch_pool):
    x = np.random.default_rng(1).normal(size=(1, 2, 3, 4))
    got = pool(x, (5, 4), padding=(2, 0))  # padding 2 = kernel 5 // 2: the largest torch allows
    np.testing.assert_allclose(got, torch_pool(t(x), (5, 4), padding=(2, 0)).numpy(), atol=1e-12)
