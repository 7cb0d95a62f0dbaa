"""Module answers and the notebook glue (cnncourse.exercises.modules, notebook), pinned by behaviour: the
layers that come back from a learner's block and the forward pass rebuilt from them (torch's own
layers as the oracle), the outputs in both modes, and the one clean line a test cell run before its
solution cell gets in a Jupyter kernel."""

import copy

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional

from cnncourse.exercises import modules, notebook
from cnncourse.exercises.feedback import ExerciseFailed


# ----- module answers: the layers that come back, the outputs in both modes, the rebuilt forward pass



def test_close_means_float32_round_off_absolute_and_relative():
    a = np.array([0.0, 1000.0])
    assert modules.allclose(a, a + [9e-5, 0.09])  # 1e-4 + 1e-4 * 1000 = 0.1001 at 1000
    assert not modules.allclose(a, a + [2e-4, 0.0]) and not modules.allclose(a, a + [0.0, 0.2])
    assert not modules.allclose(a, 2 * a) and not modules.allclose(a, a[:1])
    assert modules.allclose(a, a + 0.5, atol=0.6)


class TwoConvs(nn.Module):
    """conv (2 -> 3, 3x3, stride (2, 1), no bias), batch norm, conv 1x1 (3 -> 4); ``use_last``: whether
    forward uses the second conv."""

    def __init__(self, use_last=True, scale=1.0):
        super().__init__()
        torch.manual_seed(0)
        self.first = nn.Conv2d(2, 3, 3, stride=(2, 1), padding=1, bias=False)
        self.norm = nn.BatchNorm2d(3)
        self.last = nn.Conv2d(3, 4, 1)
        self.use_last, self.scale = use_last, scale

    def forward(self, x):
        y = self.norm(self.first(x)) * self.scale
        return self.last(y) if self.use_last else y


def test_the_layers_come_back_in_registration_order_with_their_settings():
    block = TwoConvs()
    block.norm.eps = 0.01
    out = modules.layers_of(block, "f.")
    assert (out["f.convs"], out["f.norms"]) == (2, 1)
    assert out["f.conv0.weight"].shape == (3, 2, 3, 3) and out["f.conv0.bias"] is None
    assert out["f.conv1.weight"].shape == (4, 3, 1, 1) and out["f.conv1.bias"].tolist() == block.last.bias.tolist()
    assert (out["f.conv0.stride"], out["f.conv1.stride"]) == (2, 1)  # the stride along the height
    assert [out[f"f.norm0.{k}"].tolist() for k in ("weight", "bias", "mean", "var")] == [
        [1.0] * 3, [0.0] * 3, [0.0] * 3, [1.0] * 3]
    assert out["f.norm0.eps"] == 0.01 and type(out["f.norm0.eps"]) is float
    plain = modules.layers_of(nn.BatchNorm2d(2, affine=False), "")
    assert plain["norm0.weight"] is None and plain["norm0.bias"] is None and plain["norm0.mean"].tolist() == [0, 0]


def test_scrambled_statistics_are_far_from_a_batch_s_and_follow_the_seed():
    def scrambled(seed):
        block = nn.Sequential(nn.BatchNorm2d(200), nn.BatchNorm2d(3))
        torch.manual_seed(seed)  # the global generator must not matter
        modules.scramble_statistics(block, seed=5)
        return block[0].running_mean.clone(), block[0].running_var.clone(), block[1].running_mean.clone()
    mean, var, other = scrambled(1)
    assert -2 <= mean.min() < -1.8 and 1.8 < mean.max() < 2  # uniform on [-2, 2)
    assert 0.5 <= var.min() < 0.6 and 2.9 < var.max() < 3  # uniform on [0.5, 3)
    again = scrambled(2)
    assert torch.equal(again[0], mean) and torch.equal(again[1], var) and torch.equal(again[2], other)
    block = nn.Sequential(nn.BatchNorm2d(200))
    modules.scramble_statistics(block, seed=6)
    assert not torch.equal(block[0].running_mean, mean)


X = np.random.default_rng(0).normal(size=(2, 2, 5, 4)).astype(np.float32)


def test_outputs_in_eval_and_train_mode_and_the_convs_a_gradient_reached():
    block = TwoConvs()
    block.norm.running_mean.fill_(3.0)
    with torch.no_grad():
        expected_eval = copy.deepcopy(block).eval()(torch.from_numpy(X)).numpy()
        expected_train = copy.deepcopy(block).train()(torch.from_numpy(X)).numpy()
    out = {}
    modules.outputs_of(block, X, "blk(x)", out)
    assert sorted(out) == ["eval", "grads", "train"] and out["grads"].dtype == np.int64
    assert np.allclose(out["eval"], expected_eval) and np.allclose(out["train"], expected_train)
    assert not np.allclose(out["eval"], out["train"], atol=0.1)
    assert out["grads"].tolist() == [1, 1]
    out = {}
    modules.outputs_of(TwoConvs(use_last=False), X, "blk(x)", out)
    assert out["grads"].tolist() == [1, 0]  # the last conv is never used
    out = {}
    modules.outputs_of(TwoConvs(scale=1e-7), X, "blk(x)", out)
    assert out["grads"].tolist() == [1, 1]  # a tiny gradient still reached it
    out = {}
    modules.outputs_of(TwoConvs(scale=0.0), X, "blk(x)", out)
    assert out["grads"].tolist() == [0, 0]  # gradients of zeros only: none reached them


class Listing(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 1)

    def forward(self, x):
        return [1, "a"]


class Raising(Listing):
    def forward(self, x):
        raise ValueError("channels do not match")


def test_a_forward_that_raises_or_returns_no_tensor_is_reported_not_raised():
    out = {}
    modules.outputs_of(Raising(), X, "blk(x)", out)
    assert out == {"error": "blk(x) stopped with ValueError: channels do not match. Try your function on this "
                            "input in a cell of its own to see where."}
    with pytest.raises(ExerciseFailed, match=r"^blk\(x\) stopped with ValueError: channels do not match\."):
        modules.forward_error(out)
    assert modules.forward_error({"eval": 1}) is None
    out = {}
    modules.outputs_of(Listing(), X, "blk(x)", out)
    assert "error" not in out and out["train"].type_name == "list" and out["grads"].tolist() == [0]


def test_a_weight_of_the_wrong_shape_and_a_bias_are_named():
    out = modules.layers_of(TwoConvs(), "")
    weight = modules.weight_of(out, "conv0.weight", (3, 2, 3, 3), "blk", "the first conv")
    assert weight.dtype == torch.float64 and weight.shape == (3, 2, 3, 3)
    with pytest.raises(ExerciseFailed) as info:
        modules.weight_of(out, "conv0.weight", (3, 2, 1, 1), "blk", "the first conv")
    assert str(info.value) == "blk: the first conv has weights of shape (3, 2, 3, 3), expected (3, 2, 1, 1)."
    with pytest.raises(ExerciseFailed, match=r"^blk: the first conv returned None"):
        modules.weight_of({"w": None}, "w", (1,), "blk", "the first conv")
    modules.no_biases(out, "", 1, "blk")  # conv0 has none; conv1's is not counted
    with pytest.raises(ExerciseFailed) as info:
        modules.no_biases(out, "", 2, "blk")
    assert str(info.value) == "blk: leave out the convolutions' biases (bias=False), as the exercise says."


def test_the_rebuilt_layers_equal_torch_s_own_forward():
    block = TwoConvs()
    block.first.weight.data = torch.randn(6, 1, 3, 3)  # groups of one channel: 2 in, 6 out
    block.first.groups, block.first.in_channels, block.first.out_channels = 2, 2, 6
    out = modules.layers_of(block, "")
    x = torch.from_numpy(X.astype(np.float64))
    with torch.no_grad():
        want = functional.conv2d(torch.from_numpy(X), block.first.weight, stride=(2, 2), padding=1, groups=2)
    got = modules.conv(out, "conv0", x, stride=2, padding=1, groups=2)
    assert got.dtype == torch.float64 and np.allclose(got.numpy(), want.numpy(), atol=1e-5)
    with torch.no_grad():
        want = block.last(torch.from_numpy(X[:, :1].repeat(3, axis=1))).numpy()
    assert np.allclose(modules.conv(out, "conv1", x[:, :1].repeat(1, 3, 1, 1)).numpy(), want, atol=1e-5)
    norm = nn.BatchNorm2d(2, eps=0.2)
    with torch.no_grad():
        norm.weight.copy_(torch.tensor([2.0, 0.5]))
        norm.bias.copy_(torch.tensor([1.0, -1.0]))
        norm.running_mean.copy_(torch.tensor([0.5, -0.5]))
        norm.running_var.copy_(torch.tensor([2.0, 3.0]))
        stats = modules.layers_of(norm, "")
        for training in (False, True):
            want = norm.train(training)(torch.from_numpy(X)).numpy()
            assert np.allclose(modules.norm(stats, "norm0", x, training, "Block()").numpy(), want, atol=1e-5)
        plain = nn.BatchNorm2d(2, affine=False)  # no weight, no bias: nothing to scale by
        want = plain.train()(torch.from_numpy(X)).numpy()
        rebuilt = modules.norm(modules.layers_of(plain, ""), "norm0", x, True, "Block()")
        assert np.allclose(rebuilt.numpy(), want, atol=1e-5)


def test_both_modes_are_compared_with_the_formula_named():
    def expected(training):
        return torch.full((1, 2), 2.0 if training else 1.0, dtype=torch.float64)
    modules.compare_modes({"eval": np.ones((1, 2)), "train": np.full((1, 2), 2.0)}, expected, "blk", "f(x)")
    for out, text in [
        ({"eval": np.ones((1, 2)), "train": np.ones((1, 2))}, "blk: in train mode the output differs from f(x), "
         "computed with your block's own weights."),
        ({"eval": np.full((1, 2), 2.0), "train": np.full((1, 2), 2.0)}, "blk: in eval mode the output differs"),
        ({"eval": np.ones((2, 1)), "train": np.full((1, 2), 2.0)}, "blk: output shape (2, 1) in eval mode, "
         "expected (1, 2)."),
        ({"eval": np.ones((1, 2)), "train": None}, "blk(x) returned None"),
    ]:
        with pytest.raises(ExerciseFailed) as info:
            modules.compare_modes(out, expected, "blk", "f(x)")
        assert str(info.value).startswith(text)


# ----- the notebook glue: one clean line for a test cell run before its solution cell



def test_the_names_a_cell_passes_to_a_check():
    source = ("check_dropout(my_dropout)\nprint(check_relu)\nx.check_relu(a)\ncheck_relu(r, g, hidden=True)\n"
              "check_corr2d(f(x))\nother(b)")
    assert notebook.checked_names(source, {"check_dropout", "check_relu", "check_corr2d"}) == {"my_dropout", "r", "g"}
    assert notebook.checked_names("check_dropout(", {"check_dropout"}) == set()
    assert notebook.checked_names("check_dropout(a)\0", {"check_dropout"}) == set()


class KernelShell:
    """What install needs of a Jupyter kernel's shell (its class name is the kernel's)."""

    def __init__(self, custom=()):
        self.custom_exceptions, self.handlers = custom, []

    def set_custom_exc(self, exceptions, handler):
        self.handlers.append((exceptions, handler))


def test_in_a_jupyter_kernel_the_handler_is_added_once(monkeypatch):
    import IPython
    kernel = type("ZMQInteractiveShell", (KernelShell,), {})()
    monkeypatch.setattr(IPython, "get_ipython", lambda: kernel)
    assert notebook.install() is True and kernel.handlers == [((NameError,), notebook.name_error_handler)]
    taken = type("ZMQInteractiveShell", (KernelShell,), {})((ValueError,))
    monkeypatch.setattr(IPython, "get_ipython", lambda: taken)
    assert notebook.install() is False and taken.handlers == []
    monkeypatch.setattr(IPython, "get_ipython", lambda: KernelShell())  # a terminal's shell
    assert notebook.install() is False
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert notebook.install() is False
    monkeypatch.delitem(__import__("sys").modules, "IPython")
    assert notebook.install() is False


class RecordingShell:
    def __init__(self):
        self.shown = []

    def showtraceback(self, exc_tuple=None, tb_offset=None):
        self.shown.append((exc_tuple, tb_offset))


def cell_error(source, monkeypatch):
    """The NameError and traceback of running ``source`` as a notebook cell (kept in linecache, as IPython
    does, for the test's duration)."""
    import linecache
    filename = f"<cell {abs(hash(source))}>"
    monkeypatch.setitem(linecache.cache, filename, (len(source), None, source.splitlines(True), filename))
    try:
        exec(compile(source, filename, "exec"), {"check_corr2d": print})
    except NameError as error:
        return error, error.__traceback__


def test_the_handler_shows_one_line_for_a_checked_name_and_the_usual_traceback_otherwise(monkeypatch):
    source = "x = 1\ncheck_corr2d(my_corr2d)\n"
    error, tb = cell_error(source, monkeypatch)
    shell = RecordingShell()
    notebook.name_error_handler(shell, NameError, error, tb, tb_offset=2)
    ((shown, offset),) = shell.shown
    assert shown[0] is ExerciseFailed and shown[2] is None and offset is None
    assert str(shown[1]) == ("my_corr2d is not defined: run the solution cell above first (and the imports at the "
                             "top).")
    error, tb = cell_error("y = 1\nprint(not_checked)\n", monkeypatch)
    notebook.name_error_handler(shell, NameError, error, tb, tb_offset=2)
    assert shell.shown[1] == ((NameError, error, tb), 2)


def test_the_cell_s_source_is_that_of_its_module_level_frame(monkeypatch):
    source = "a = 1\ncheck_corr2d(my_corr2d)\n"
    _, tb = cell_error(source, monkeypatch)
    assert notebook._cell_source(tb) == source  # the test's own frame comes first, then the cell's

    def inner():
        raise NameError("no cell here")
    try:
        inner()
    except NameError as error:
        assert notebook._cell_source(error.__traceback__) == ""  # no module-level frame at all
