"""parameter_groups gives each named module its own rate, whatever the order of the names; a random
crop draws every offset from 0 to 2 * padding (issue 17's surviving mutants)."""

from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

from cnncourse.data.augment import RandomCrop
from cnncourse.transfer import parameter_groups

# names neither sorted nor in the model's order; rates neither rising nor falling with either
RATES = {"middle": 1e-2, "head": 1e-4, "base": 1e-3}


def three_parts():
    torch.manual_seed(0)
    return nn.Sequential(OrderedDict(base=nn.Linear(3, 4), middle=nn.Linear(4, 4), head=nn.Linear(4, 2)))


def test_each_group_holds_its_modules_parameters_at_the_rate_given_for_that_name():
    model = three_parts()
    groups = parameter_groups(model, RATES)
    assert [g["name"] for g in groups] == list(RATES)
    for group in groups:
        assert group["lr"] == RATES[group["name"]]
        assert [id(p) for p in group["params"]] == [id(p) for p in model.get_submodule(group["name"]).parameters()]


def test_one_sgd_step_moves_each_module_by_its_own_rate_times_its_gradient():
    model = three_parts()
    x, y = torch.randn(5, 3), torch.tensor([0, 1, 1, 0, 1])
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    nn.functional.cross_entropy(model(x), y).backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()}
    torch.optim.SGD(parameter_groups(model, RATES), lr=1.0).step()
    for name, p in model.named_parameters():
        rate = RATES[name.split(".")[0]]
        torch.testing.assert_close(p.detach(), before[name] - rate * grads[name], rtol=1e-6, atol=1e-7)


def crop_offsets(image, padding, draws, rng):
    """The (top, left) corner, in the zero-padded image, of each of ``draws`` random crops."""
    padded = np.pad(image, padding)
    h, w = image.shape
    corners = {(t, l): padded[t:t + h, l:l + w] for t in range(2 * padding + 1) for l in range(2 * padding + 1)}
    seen = []
    for _ in range(draws):
        crop = RandomCrop(padding)(image, rng, layout="HW")
        found = [corner for corner, window in corners.items() if np.array_equal(crop, window)]
        assert len(found) == 1, "a crop is not a window of the padded image"
        seen.append(found[0])
    return seen


@pytest.mark.parametrize("padding", [0, 1, 2, 3])
def test_every_crop_offset_from_0_to_2p_is_drawn_and_nothing_else(padding):
    image = (np.arange(1, 6 * 7 + 1).reshape(6, 7)) / 43  # all pixels distinct and above 0: windows differ
    sides = 2 * padding + 1
    seen = crop_offsets(image, padding, draws=12 * sides * sides, rng=np.random.default_rng(padding))
    assert set(seen) == {(t, l) for t in range(sides) for l in range(sides)}
    # uniform: each of the sides^2 corners about 12 times (a count under 2 has probability < 1e-3 each)
    counts = np.bincount([t * sides + l for t, l in seen], minlength=sides * sides)
    assert counts.min() >= 2
