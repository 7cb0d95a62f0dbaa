"""The NumPy optimizers and schedules follow torch.optim's trajectories to 1e-10 (float64)."""

import numpy as np
import pytest
import torch

from cnncourse.optim import SGD, Adam, CosineAnnealingLR, StepLR

TARGET = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])


def gradient(p):
    """Gradient of a small non-quadratic problem: sum((p - TARGET)**2) + sum(p**4) / 4."""
    return 2 * (p - TARGET) + p ** 3


def trajectories(make_ours, make_torch, make_schedules=None, steps=25):
    start = np.random.default_rng(0).normal(size=TARGET.shape)
    ours, theirs = start.copy(), torch.tensor(start, requires_grad=True)
    our_opt, torch_opt = make_ours([ours]), make_torch([theirs])
    schedules = make_schedules(our_opt, torch_opt) if make_schedules else None
    path = []
    for _ in range(steps):
        our_opt.step([gradient(ours)])
        torch_opt.zero_grad()
        theirs.grad = torch.tensor(gradient(theirs.detach().numpy()))
        torch_opt.step()
        if schedules:
            schedules[0].step(), schedules[1].step()
            assert abs(our_opt.lr - torch_opt.param_groups[0]["lr"]) < 1e-12
        path.append((ours.copy(), theirs.detach().numpy().copy()))
    return path


@pytest.mark.parametrize("name, ours, theirs", [
    ("sgd", lambda p: SGD(p, lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
    ("momentum", lambda p: SGD(p, lr=0.02, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9)),
    ("adam", lambda p: Adam(p, lr=0.1), lambda p: torch.optim.Adam(p, lr=0.1)),
    ("adam betas", lambda p: Adam(p, lr=0.03, betas=(0.8, 0.99), eps=1e-6),
     lambda p: torch.optim.Adam(p, lr=0.03, betas=(0.8, 0.99), eps=1e-6)),
])
def test_optimizers_follow_torch(name, ours, theirs):
    path = trajectories(ours, theirs)
    for mine, torch_value in path:
        np.testing.assert_allclose(mine, torch_value, atol=1e-10, rtol=0)
    assert np.abs(gradient(path[-1][0])).max() < np.abs(gradient(np.zeros_like(TARGET))).max()


@pytest.mark.parametrize("name, schedules", [
    ("step", lambda o, t: (StepLR(o, 4, gamma=0.5), torch.optim.lr_scheduler.StepLR(t, 4, gamma=0.5))),
    ("cosine", lambda o, t: (CosineAnnealingLR(o, 20, eta_min=0.001),
                             torch.optim.lr_scheduler.CosineAnnealingLR(t, 20, eta_min=0.001))),
])
def test_schedules_follow_torch(name, schedules):
    path = trajectories(lambda p: SGD(p, lr=0.05, momentum=0.5), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.5),
                        schedules, steps=20)
    for mine, torch_value in path:
        np.testing.assert_allclose(mine, torch_value, atol=1e-10, rtol=0)


def test_parameters_are_updated_in_place():
    p = np.zeros(3)
    SGD([p], lr=0.5).step([np.ones(3)])
    np.testing.assert_array_equal(p, -0.5 * np.ones(3))


@pytest.mark.parametrize("make, error, words", [
    (lambda: SGD([np.zeros(2)], lr=0), ValueError, "lr must be a number > 0"),
    (lambda: SGD([np.zeros(2)], lr=0.1, momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
    (lambda: SGD([[0.0, 1.0]], lr=0.1), TypeError, r"params\[0\] must be a floating NumPy array"),
    (lambda: SGD([], lr=0.1), ValueError, "params must hold at least one array"),
    (lambda: Adam([np.zeros(2)], betas=(0.9, 1.0)), ValueError, "betas must be two numbers"),
    (lambda: StepLR(SGD([np.zeros(2)], lr=0.1), 0), ValueError, "step_size must be >= 1"),
    (lambda: CosineAnnealingLR(SGD([np.zeros(2)], lr=0.1), 10, eta_min=-1), ValueError, "eta_min must be >= 0"),
    (lambda: SGD([np.zeros(2)], lr=0.1).step([np.zeros(3)]), ValueError, r"grads\[0\] has shape \(3,\)"),
    (lambda: SGD([np.zeros(2)], lr=0.1).step([]), ValueError, "grads must hold one gradient per parameter"),
])
def test_bad_arguments_are_named(make, error, words):
    with pytest.raises(error, match=words):
        make()
