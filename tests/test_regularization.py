"""L2 and L1 penalties and their gradients (vs torch autograd), and what weight decay means for
torch's optimizers: SGD's weight_decay is the L2 penalty's gradient and shrinks the weights by
(1 - lr * lambda) each step; Adam's weight_decay is that same L2 gradient, which Adam then rescales,
so it is not a shrink of the weights; AdamW shrinks them, decoupled from the gradient."""

import numpy as np
import pytest
import torch

from cnncourse.functional import l1_penalty, l1_penalty_grad, l2_penalty, l2_penalty_grad

LR, DECAY, STEPS = 0.1, 0.05, 5


def test_penalties_by_hand():
    theta = [np.array([1.0, -2.0]), np.array([[0.0, 3.0]])]
    assert l2_penalty(theta) == 14.0 and l1_penalty(theta) == 6.0
    assert l2_penalty(np.array([3.0, 4.0])) == 25.0
    np.testing.assert_array_equal(l1_penalty_grad(theta)[1], [[0.0, 1.0]])
    np.testing.assert_array_equal(l2_penalty_grad(np.array([1.5])), [3.0])


@pytest.mark.parametrize("penalty, grad, torch_penalty", [
    (l2_penalty, l2_penalty_grad, lambda t: (t ** 2).sum()),
    (l1_penalty, l1_penalty_grad, lambda t: t.abs().sum()),
])
def test_gradients_equal_torch_autograd(penalty, grad, torch_penalty):
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(3, 4)), rng.normal(size=5), np.zeros(2)]
    tensors = [torch.tensor(p, requires_grad=True) for p in params]
    total = sum(torch_penalty(t) for t in tensors)
    total.backward()
    assert np.isclose(penalty(params), total.item(), atol=1e-9)
    for ours, t in zip(grad(params), tensors):
        np.testing.assert_allclose(ours, t.grad.numpy(), atol=1e-12)


def test_bad_params_are_named():
    with pytest.raises(ValueError, match="params must hold at least one array"):
        l2_penalty([])
    with pytest.raises(TypeError, match=r"params\[1\] must be an array of numbers"):
        l1_penalty([np.ones(2), "w"])


def train(optimizer_class, penalty=0.0, decoupled=0.0, **kwargs):
    """A few steps of a tiny least-squares problem; penalty adds (penalty / 2) * ||w||^2 to the
    loss; decoupled shrinks w by (1 - LR * decoupled) before each step by hand. Returns w."""
    torch.manual_seed(0)
    inputs, targets = torch.randn(16, 4, dtype=torch.float64), torch.randn(16, dtype=torch.float64)
    w = torch.nn.Parameter(torch.randn(4, dtype=torch.float64) * 3)
    optimizer = optimizer_class([w], lr=LR, **kwargs)
    for _ in range(STEPS):
        loss = ((inputs @ w - targets) ** 2).mean() + penalty / 2 * (w ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        with torch.no_grad():
            w.mul_(1 - LR * decoupled)
        optimizer.step()
    return w.detach().numpy()


def test_sgd_weight_decay_is_the_l2_penalty_and_a_shrink():
    with_decay = train(torch.optim.SGD, weight_decay=DECAY)
    np.testing.assert_allclose(with_decay, train(torch.optim.SGD, penalty=DECAY), atol=1e-12)
    np.testing.assert_allclose(with_decay, train(torch.optim.SGD, decoupled=DECAY), atol=1e-12)
    assert np.abs(with_decay - train(torch.optim.SGD)).max() > 1e-3  # and it does change w


def test_adam_weight_decay_is_an_l2_penalty_but_not_a_shrink():
    with_decay = train(torch.optim.Adam, weight_decay=DECAY)
    np.testing.assert_allclose(with_decay, train(torch.optim.Adam, penalty=DECAY), atol=1e-12)
    assert np.abs(with_decay - train(torch.optim.Adam, decoupled=DECAY)).max() > 1e-3


def test_adamw_is_adam_with_a_decoupled_shrink():
    adamw = train(torch.optim.AdamW, weight_decay=DECAY)
    np.testing.assert_allclose(adamw, train(torch.optim.Adam, decoupled=DECAY), atol=1e-12)
    assert np.abs(adamw - train(torch.optim.Adam, weight_decay=DECAY)).max() > 1e-3


# -- the chapter's experiments (cnncourse.demos.overfitting), kept short --------------------------------------
from cnncourse.demos.overfitting import (ABLATION, ablation, ablation_table, generalization_gap,  # noqa: E402
                                         small_cnn, train_small_cnn, weight_values)


def test_small_cnn_layers_and_parameter_counts():
    count = lambda model: sum(p.numel() for p in model.parameters())  # noqa: E731
    # conv 1->16: 160, conv 16->32: 4,640, dense 128->64: 8,256, dense 64->10: 650
    assert count(small_cnn()) == 160 + 4640 + 8256 + 650 == 13706
    # with batch norm: no convolution bias (48 fewer), a gamma and a beta per channel (96 more)
    assert count(small_cnn(batch_norm=True)) == 13706 - (16 + 32) + 2 * (16 + 32)
    assert small_cnn(batch_norm=True).conv1.bias is None and small_cnn().conv1.bias is not None
    model = small_cnn(dropout=0.5, spatial_dropout=0.1)
    names = [name for name, _ in model.named_children()]
    assert names.index("drop1") < names.index("dense1") < names.index("drop2") < names.index("dense2")
    assert isinstance(model.drop2d1, torch.nn.Dropout2d) and model(torch.zeros(2, 1, 8, 8)).shape == (2, 10)


def test_a_short_run_is_seeded_and_reports_its_gap():
    model, history = train_small_cnn(train_size=40, augment=True, batch_norm=True, epochs=2, seed=1, device="cpu")
    _, again = train_small_cnn(train_size=40, augment=True, batch_norm=True, epochs=2, seed=1, device="cpu")
    assert history == again and history.epochs == 2
    assert generalization_gap(history) == history.train_accuracy[-1] - history.val_accuracy[-1]
    assert weight_values(model).size == 13706 - (16 + 32 + 64 + 10)  # weights only, no biases


def test_ablation_table_lists_every_setting_with_its_spread():
    settings = ABLATION["L2 (weight decay 1e-3)"]
    results = ablation({"L2": settings}, seeds=(0, 1), epochs=1, progress=False, device="cpu")
    # one run per seed, each the seeded run itself (same process, same operations: the same numbers)
    direct = [train_small_cnn(seed=seed, epochs=1, device="cpu", **settings)[1].val_accuracy[-1] for seed in (0, 1)]
    assert set(results) == {"L2"} and results["L2"].tolist() == direct
    table = ablation_table({"nothing": np.array([0.5, 0.7])})
    assert table.splitlines()[1].split() == ["nothing", "60.0%", "10.0%", "50.0%", "70.0%"]
