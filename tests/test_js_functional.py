"""The live trainer's JavaScript engine in headless Chromium, against independent references:
every op forward and backward against cnncourse.functional (or torch, for linear) in float64 on
random rectangular, multi-channel batches; one training step of the default network against the
course's NumPy CNN and torch; the losses of 50 float32 steps against the float64 NumPy CNN."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from browser import js_call, js_calls
from cnncourse.demos.numpy_cnn import PARAMETER_NAMES, TinyCNN
from cnncourse.functional import (conv2d, conv2d_backward, cross_entropy, cross_entropy_backward, max_pool2d,
                                  max_pool2d_backward, relu, relu_grad)
from cnncourse.optim import SGD, Adam
from cnncourse.widgets.live import pack
from cnncourse.widgets.live_trainer import LiveTrainer, torch_network, trainer_digits

RNG = np.random.default_rng(20)

# The engine (the widget's module) plus glue that turns JSON into tensors: "f64" arrays become
# Float64Array tensors, "f32" Float32Array ones.
GLUE = """
const typed = (a) => (a && a.kind ? tensor(a.shape, (a.kind === "f64" ? Float64Array : Float32Array).from(a.data)) : a);
const OPS = {conv2d, conv2d_backward, relu, relu_grad, max_pool2d, max_pool2d_backward, flatten, linear,
             linear_backward, cross_entropy, cross_entropy_backward};
export function op(name, ...args) { return OPS[name](...args.map(typed)); }

// A TinyCNN with the given weights ({name: typed}); its optimizer takes one step per batch of
// example indices; returns the loss of each step and the final weights.
// data: the digits as the widget carries them (uint8, packed)
export function train_steps(filters, weights, data, batches, optimizer, lr, kind) {
  const Type = kind === "f64" ? Float64Array : Float32Array, {images, labels} = digits_from(data);
  const net = new TinyCNN(filters, 0, Type);
  for (const name of net.names) net.params[name].data.set(typed(weights[name]).data);
  const opt = OPTIMIZERS[optimizer](net.names.map((n) => net.params[n]), lr);
  const losses = batches.map((batch) => {
    const x = tensor([batch.length, 1, 8, 8], Type.from(batch.flatMap((i) => Array.from(images.subarray(i * 64, i * 64 + 64)))));
    const [loss, grads] = net.loss_and_gradients(x, batch.map((i) => labels[i]));
    opt.step(net.names.map((n) => grads[n]));
    return loss;
  });
  return {losses, weights: Object.fromEntries(net.names.map((n) => [n, net.params[n].data]))};
}
"""
SOURCE = LiveTrainer._esm + GLUE


def t(array, kind="f64"):
    return {"kind": kind, "shape": list(array.shape), "data": np.ravel(array).tolist()}


def arr(result):
    return np.reshape(result["data"], result["shape"])


def test_conv2d_forward_and_backward_equal_functional(browser):
    cases = [((3, 2, 7, 5), (4, 2, 3, 3), 0), ((2, 3, 6, 9), (5, 3, 3, 3), 1), ((2, 1, 5, 4), (3, 1, 3, 2), 2)]
    calls, expected = [], []
    for x_shape, w_shape, padding in cases:
        x, w, b = RNG.normal(size=x_shape), RNG.normal(size=w_shape), RNG.normal(size=w_shape[0])
        y = conv2d(x, w, b, padding=padding)
        g = RNG.normal(size=y.shape)
        calls += [("conv2d", t(x), t(w), t(b), padding), ("conv2d_backward", t(g), t(x), t(w), padding)]
        expected += [y, conv2d_backward(g, x, w, padding=padding)]
    got = js_calls(browser, SOURCE, "op", calls)
    for i in range(0, len(got), 2):
        np.testing.assert_allclose(arr(got[i]), expected[i], rtol=1e-12, atol=1e-12)
        for ours, reference in zip(got[i + 1], expected[i + 1]):
            np.testing.assert_allclose(arr(ours), reference, rtol=1e-12, atol=1e-12)


def test_relu_pool_and_flatten_equal_functional(browser):
    x = RNG.normal(size=(3, 4, 7, 6))
    x[0, 0, 0, :3] = 0.0  # ReLU's kink: torch's gradient there is 0
    g = RNG.normal(size=(3, 4, 3, 3))
    got = js_calls(browser, SOURCE, "op", [("relu", t(x)), ("relu_grad", t(x)), ("max_pool2d", t(x), 2),
                                           ("max_pool2d_backward", t(g), t(x), 2), ("flatten", t(x))])
    np.testing.assert_array_equal(arr(got[0]), relu(x))
    np.testing.assert_array_equal(arr(got[1]), relu_grad(x))
    np.testing.assert_array_equal(arr(got[2]), max_pool2d(x, 2))
    np.testing.assert_array_equal(arr(got[3]), max_pool2d_backward(g, x, 2))
    assert got[4]["shape"] == [3, 4 * 7 * 6] and got[4]["data"] == x.ravel().tolist()


def test_linear_and_cross_entropy_equal_torch_and_functional(browser):
    x, w, b = RNG.normal(size=(5, 7)), RNG.normal(size=(3, 7)), RNG.normal(size=3)
    g = RNG.normal(size=(5, 3))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.linear(tx, tw, tb)
    y.backward(torch.tensor(g))
    logits = RNG.normal(scale=3, size=(6, 10))
    logits[0, 4] = 1000.0  # no overflow
    target = RNG.integers(0, 10, size=6)
    got = js_calls(browser, SOURCE, "op", [("linear", t(x), t(w), t(b)), ("linear_backward", t(g), t(x), t(w)),
                                           ("cross_entropy", t(logits), target.tolist()),
                                           ("cross_entropy_backward", t(logits), target.tolist())])
    np.testing.assert_allclose(arr(got[0]), y.detach().numpy(), rtol=1e-12, atol=1e-12)
    for ours, reference in zip(got[1], (tx, tw, tb)):
        np.testing.assert_allclose(arr(ours), reference.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert got[2] == pytest.approx(cross_entropy(logits, target), rel=1e-12)
    np.testing.assert_allclose(arr(got[3]), cross_entropy_backward(logits, target), rtol=1e-12, atol=1e-15)


@pytest.fixture(scope="module")
def digits():
    """The training digits as the NumPy side sees them, and packed as the widget carries them."""
    images, labels = trainer_digits()["train"]
    packed = {"images": pack(images, "uint8"), "labels": pack(labels, "uint8")}
    return images.reshape(len(images), 64) / 16.0, labels.astype(np.int64), packed


def numpy_steps(model, images, labels, batches, make_optimizer):
    """TinyCNN trained by cnncourse.optim, one step per batch: the loss of each step."""
    params = [model.params[name] for name in PARAMETER_NAMES]
    opt, losses = make_optimizer(params), []
    for batch in batches:
        loss, grads = model.loss_and_gradients(images[batch].reshape(-1, 1, 8, 8), labels[batch])
        opt.step([grads[name] for name in PARAMETER_NAMES])
        losses.append(loss)
    return losses


def torch_step(architecture, weights, x, y, make_optimizer):
    """One step of the same network in torch (float64) from ``weights``: the updated weights."""
    net = torch_network(architecture).double()
    convs = [m for m in net if isinstance(m, torch.nn.Conv2d)]
    names = ["conv"] if len(convs) == 1 else [f"conv{i + 1}" for i in range(len(convs))]
    modules = dict(zip(names, convs), linear=net[-1])
    with torch.no_grad():
        for name, module in modules.items():
            module.weight.copy_(torch.tensor(weights[f"{name}_weight"]))
            module.bias.copy_(torch.tensor(weights[f"{name}_bias"]))
    opt = make_optimizer(net.parameters())
    F.cross_entropy(net(torch.tensor(x.reshape(-1, 1, 8, 8))), torch.tensor(y)).backward()
    opt.step()
    return {f"{name}_{kind}": getattr(m, kind).detach().numpy() for name, m in modules.items()
            for kind in ("weight", "bias")}


OPTIMIZERS = {  # name -> (cnncourse.optim, torch.optim), as the trainer's OPTIMIZERS in optim.js
    "adam": (lambda p: Adam(p, lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
    "momentum": (lambda p: SGD(p, lr=0.01, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)),
    "sgd": (lambda p: SGD(p, lr=0.01), lambda p: torch.optim.SGD(p, lr=0.01)),
}


def test_one_training_step_of_the_default_network_equals_numpy_cnn_and_torch(browser, digits):
    images, labels, packed = digits
    batch = RNG.choice(len(labels), 32, replace=False)
    start = TinyCNN(seed=3).params
    calls = [([8], {n: t(p) for n, p in start.items()}, packed, [batch.tolist()],
              name, 0.01, "f64") for name in OPTIMIZERS]
    for got, (name, (ours, theirs)) in zip(js_calls(browser, SOURCE, "train_steps", calls), OPTIMIZERS.items()):
        model = TinyCNN(seed=3)
        numpy_loss = numpy_steps(model, images, labels, [batch], ours)[0]
        torch_weights = torch_step("conv8", start, images[batch], labels[batch], theirs)
        assert got["losses"][0] == pytest.approx(numpy_loss, rel=1e-12)
        for param in PARAMETER_NAMES:
            updated = np.reshape(got["weights"][param], start[param].shape)
            assert not np.allclose(updated, start[param]), (name, param)  # the step moved it
            np.testing.assert_allclose(updated, model.params[param], rtol=1e-10, atol=1e-12, err_msg=f"{name} {param}")
            np.testing.assert_allclose(updated, torch_weights[param], rtol=1e-10, atol=1e-12, err_msg=f"{name} {param}")


def test_one_step_of_a_two_conv_network_equals_torch(browser, digits):
    images, labels, packed = digits
    batch = RNG.choice(len(labels), 16, replace=False)
    net = torch_network("conv4-conv8").double()
    start = {f"{name}_{kind}": getattr(m, kind).detach().numpy().copy()
             for name, m in (("conv1", net[0]), ("conv2", net[3]), ("linear", net[-1])) for kind in ("weight", "bias")}
    got = js_call(browser, SOURCE, "train_steps", [4, 8], {n: t(p) for n, p in start.items()}, packed,
                  [batch.tolist()], "adam", 0.01, "f64")
    expected = torch_step("conv4-conv8", start, images[batch], labels[batch], OPTIMIZERS["adam"][1])
    for name, value in expected.items():
        np.testing.assert_allclose(np.reshape(got["weights"][name], value.shape), value, rtol=1e-10, atol=1e-12,
                                   err_msg=name)


def test_fifty_float32_steps_follow_the_float64_numpy_cnn(browser, digits):
    images, labels, packed = digits
    rng = np.random.default_rng(0)
    batches = [rng.choice(len(labels), 32, replace=False) for _ in range(50)]
    model = TinyCNN(seed=0, dtype=np.float32)   # the page's float32 weights, given to both
    model.params = {name: p.astype(np.float64) for name, p in model.params.items()}
    start = {name: t(p, "f32") for name, p in model.params.items()}
    got = js_call(browser, SOURCE, "train_steps", [8], start, packed, [b.tolist() for b in batches], "adam", 0.01,
                  "f32")
    expected = numpy_steps(model, images, labels, batches, OPTIMIZERS["adam"][0])
    assert len(got["losses"]) == 50 and expected[-1] < expected[0] / 2  # it learned over these steps
    np.testing.assert_allclose(got["losses"], expected, rtol=0, atol=1e-4)
