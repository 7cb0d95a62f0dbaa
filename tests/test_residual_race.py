"""The residual twin of a deep plain stack trains, where the plain one does not (seeded)."""

import numpy as np
import pytest
import torch

from cnncourse.demos.residual_race import deep_stack, train_plain_and_residual


def test_twins_have_the_same_parameters():
    plain, residual = deep_stack(10, False), deep_stack(10, True)
    assert sum(p.numel() for p in plain.parameters()) == sum(p.numel() for p in residual.parameters())


def test_residual_stack_trains_better_and_runs_are_repeatable():
    threads = torch.get_num_threads()
    curves = train_plain_and_residual(steps=120, seed=0)
    assert curves.plain.shape == curves.residual.shape == (120,)
    assert curves.final("residual", 30) < 0.6 * curves.final("plain", 30)
    assert curves.final("plain", 30) > 2.0  # ln 10 = 2.30: the plain stack is still guessing
    again = train_plain_and_residual(steps=120, seed=0)
    np.testing.assert_array_equal(again.residual, curves.residual)
    assert torch.get_num_threads() == threads  # restored after training on one thread


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="steps must be >= 1"):
        train_plain_and_residual(steps=0)
