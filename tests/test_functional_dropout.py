"""cnncourse.functional.dropout and dropout2d: inverted scaling as in torch, identity at evaluation,
determinism given a seed, the backward pass, and errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnncourse.functional import dropout, dropout2d, dropout_backward
from cnncourse.gradcheck import numerical_gradient, relative_error


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_kept_values_are_scaled_like_torch(p):
    x = np.random.default_rng(0).uniform(1, 2, size=(200, 50))
    out, keep = dropout(x, p, rng=1, return_mask=True)
    torch.manual_seed(0)
    theirs = F.dropout(torch.tensor(x), p, training=True).numpy()
    # torch draws other random numbers, but scales the kept values the same way
    np.testing.assert_allclose(np.unique(np.round(out / x, 9)), np.unique(np.round(theirs / x, 9)))
    np.testing.assert_allclose(out[keep], x[keep] / (1 - p))
    assert np.all(out[~keep] == 0)
    assert abs(keep.mean() - (1 - p)) < 0.02 and abs(out.mean() / x.mean() - 1) < 0.03


def test_evaluation_is_the_identity_and_p_zero_keeps_everything():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(dropout(x, 0.5, training=False), x)
    np.testing.assert_array_equal(dropout2d(x[None, None], 0.9, training=False), x[None, None])
    np.testing.assert_array_equal(dropout(x, 0.0, rng=3), x)
    np.testing.assert_array_equal(F.dropout(torch.tensor(x), 0.5, training=False).numpy(), x)


def test_same_seed_same_mask_other_seed_other_mask():
    x = np.ones((10, 10))
    np.testing.assert_array_equal(dropout(x, 0.5, rng=4), dropout(x, 0.5, rng=4))
    assert not np.array_equal(dropout(x, 0.5, rng=4), dropout(x, 0.5, rng=5))
    generator = np.random.default_rng(6)
    assert not np.array_equal(dropout(x, 0.5, rng=generator), dropout(x, 0.5, rng=generator))


def test_dropout2d_drops_whole_channels():
    x = np.random.default_rng(1).uniform(1, 2, size=(8, 16, 5, 5))
    out, keep = dropout2d(x, 0.5, rng=2, return_mask=True)
    assert keep.shape == (8, 16, 1, 1)
    per_channel = out.reshape(8, 16, -1)
    assert np.all((per_channel == 0).all(axis=2) | (per_channel != 0).all(axis=2))
    np.testing.assert_allclose(out, x * keep * 2)
    torch.manual_seed(0)
    theirs = F.dropout2d(torch.tensor(x), 0.5, training=True).numpy().reshape(8, 16, -1)
    assert np.all((theirs == 0).all(axis=2) | (theirs != 0).all(axis=2))  # torch agrees: channels
    assert dropout2d(x[0], 0.5, rng=2).shape == (16, 5, 5)


@pytest.mark.parametrize("drop, shape", [(dropout, (4, 6)), (dropout2d, (2, 3, 4, 4))])
def test_backward_matches_a_numerical_gradient(drop, shape):
    x = np.random.default_rng(3).normal(size=shape)
    grad_output = np.random.default_rng(4).normal(size=shape)
    _, keep = drop(x, 0.4, rng=9, return_mask=True)
    grad = dropout_backward(grad_output, keep, 0.4)
    assert relative_error(grad, numerical_gradient(lambda v: drop(v, 0.4, rng=9), x, grad_output)) < 1e-7
    t = torch.tensor(x, requires_grad=True)
    (t * torch.tensor(keep) / 0.6).backward(torch.tensor(grad_output))
    np.testing.assert_allclose(grad, t.grad.numpy())


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_p_outside_zero_one_is_refused(p):
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\)"):
        dropout(np.ones(3), p)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\)"):
        dropout2d(np.ones((1, 2, 3, 3)), p)


def test_other_bad_arguments_are_named():
    with pytest.raises(TypeError, match="p must be a number"):
        dropout(np.ones(3), "0.5")
    with pytest.raises(TypeError, match="rng must be"):
        dropout(np.ones(3), 0.5, rng="seed")
    with pytest.raises(TypeError, match="training must be"):
        dropout(np.ones(3), 0.5, training="no")
    with pytest.raises(ValueError, match="x must have 3 or 4 dimensions"):
        dropout2d(np.ones((2, 3)), 0.5)
    with pytest.raises(ValueError, match="does not fit grad_output"):
        dropout_backward(np.ones((2, 3)), np.ones((3, 2), dtype=bool), 0.5)
    with pytest.raises(TypeError, match="mask must be the boolean"):
        dropout_backward(np.ones((2, 3)), np.ones((2, 3)), 0.5)
