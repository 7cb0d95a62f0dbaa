"""Latency measurement: a positive median, on one thread, and the thread count restored afterwards."""

import pytest
import torch

from cnncourse.models import lenet5
from cnncourse.models.latency import forward_latency
from cnncourse.threads import one_thread


def test_latency_is_positive_and_threads_are_restored():
    before = torch.get_num_threads()
    seconds = forward_latency(lenet5(), (1, 32, 32), repeat=3)
    assert 0 < seconds < 1 and torch.get_num_threads() == before


def test_one_thread_restores_even_after_an_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError), one_thread():
        assert torch.get_num_threads() == 1
        raise RuntimeError("inside")
    assert torch.get_num_threads() == before


def test_bad_repeat_is_named():
    with pytest.raises(ValueError, match="repeat must be >= 1"):
        forward_latency(lenet5(), (1, 32, 32), repeat=0)
