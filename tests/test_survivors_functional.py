"""Survivors of mutation testing in cnncourse.functional's activations, dropout, losses,
normalization and regularization: boundary cases and errors, against torch or by hand."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnncourse.functional import batch_norm


@pytest.mark.parametrize("momentum", [0, 0.0, 1.0, np.float32(0.5)])
def test_batch_norm_accepts_momentum_at_both_ends_like_torch(momentum):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 1, 1))  # two values per channel: the fewest training accepts
    mean, var = rng.normal(size=3), rng.uniform(1, 2, size=3)
    t_mean, t_var = torch.tensor(mean), torch.tensor(var)
    out = batch_norm(x, mean, var, training=True, momentum=momentum)
    expected = F.batch_norm(torch.tensor(x), t_mean, t_var, training=True, momentum=float(momentum))
    np.testing.assert_allclose(out, expected.numpy(), atol=1e-12)
    np.testing.assert_allclose(mean, t_mean.numpy(), atol=1e-12)
    np.testing.assert_allclose(var, t_var.numpy(), atol=1e-12)
