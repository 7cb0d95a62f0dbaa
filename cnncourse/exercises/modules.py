"""Judging module answers by behaviour: the layers a learner's module holds come back as plain arrays
(weights, biases, batch-norm statistics), and the grader rebuilds the expected forward pass from them
with torch's functional ops, as the exercise specifies it (strides, padding, order of the layers).

The run step (:func:`layers_of`, :func:`outputs_of`) touches the learner's module; the compare step
(:func:`conv`, :func:`norm`) uses only the plain arrays that came back.
"""

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from .exercise import LearnerError, safe_str, to_plain
from .feedback import ExerciseFailed, as_number_array

_isclose = np.isclose


def allclose(a, b, atol=1e-4):
    """Same shape and values within float32 round-off of the layers' arithmetic."""
    return a.shape == b.shape and bool(_isclose(a, b, atol=atol, rtol=1e-4).all())


def layers_of(module, prefix):
    """``{prefix + key: plain}`` for the nn.Conv2d and nn.BatchNorm2d layers inside ``module``, in the
    order they were registered: ``{prefix}convs`` and ``{prefix}norms`` (counts), then per layer
    ``{prefix}conv{i}.weight`` / ``.bias`` (None when absent) / ``.stride`` and ``{prefix}norm{i}.weight``, ``.bias``,
    ``.mean``, ``.var``, ``.eps``."""
    convs = [m for m in module.modules() if isinstance(m, nn.Conv2d)]
    norms = [m for m in module.modules() if isinstance(m, nn.BatchNorm2d)]
    out = {f"{prefix}convs": len(convs), f"{prefix}norms": len(norms)}
    for i, layer in enumerate(convs):
        out[f"{prefix}conv{i}.weight"] = to_plain(layer.weight)
        out[f"{prefix}conv{i}.bias"] = None if layer.bias is None else to_plain(layer.bias)
        out[f"{prefix}conv{i}.stride"] = int(layer.stride[0])
    for i, layer in enumerate(norms):
        for key, value in (("weight", layer.weight), ("bias", layer.bias), ("mean", layer.running_mean),
                           ("var", layer.running_var)):
            out[f"{prefix}norm{i}.{key}"] = None if value is None else to_plain(value)
        out[f"{prefix}norm{i}.eps"] = float(layer.eps)
    return out


def scramble_statistics(module, seed):
    """Give every batch norm of ``module`` running statistics far from any batch's, so that eval mode
    and train mode give clearly different outputs."""
    generator = torch.Generator().manual_seed(int(seed))
    with torch.no_grad():
        for layer in module.modules():
            if isinstance(layer, nn.BatchNorm2d) and layer.track_running_stats:  # else it keeps none
                layer.running_mean.copy_(torch.rand(layer.num_features, generator=generator) * 4 - 2)
                layer.running_var.copy_(torch.rand(layer.num_features, generator=generator) * 2.5 + 0.5)


def outputs_of(module, x, name, outputs):
    """The module's outputs on ``x`` in eval mode (``outputs["eval"]``) and in train mode
    (``outputs["train"]``), and whether a gradient reached each conv weight in train mode
    (``outputs["grads"]``, one 0/1 per conv in registration order). What the forward raised
    goes to ``outputs["error"]``."""
    try:
        with torch.no_grad():
            outputs["eval"] = to_plain(module.eval()(torch.as_tensor(x)))
        module.train()
        y = module(torch.as_tensor(x))
        outputs["train"] = to_plain(y)
        if isinstance(y, torch.Tensor) and y.requires_grad:
            y.sum().backward()
        outputs["grads"] = np.array([m.weight.grad is not None and bool(m.weight.grad.abs().sum() > 0)
                                     for m in module.modules() if isinstance(m, nn.Conv2d)], dtype=np.int64)
    except Exception as error:  # noqa: BLE001 - whatever the learner's forward raised
        outputs.setdefault("error", str(LearnerError(name, type(error).__name__, safe_str(error)).failure()))


def forward_error(out):
    if "error" in out:
        raise ExerciseFailed(out["error"])


def weight_of(out, key, shape, name, what):
    """The weight ``out[key]`` as a float tensor, ExerciseFailed unless it has ``shape``."""
    got = as_number_array(out[key], f"{name}: {what}")
    if got.shape != tuple(shape):
        raise ExerciseFailed(f"{name}: {what} has weights of shape {got.shape}, expected {tuple(shape)}.")
    return torch.from_numpy(got)


def no_biases(out, prefix, count, name):
    if any(out.get(f"{prefix}conv{i}.bias") is not None for i in range(count)):
        raise ExerciseFailed(f"{name}: leave out the convolutions' biases (bias=False), as the exercise says.")


def conv(out, key, x, stride=1, padding=0, groups=1):
    """The learner's conv ``key`` (``prefix + "conv" + i``) applied to x as the exercise specifies it."""
    bias = out.get(f"{key}.bias")
    return functional.conv2d(x, torch.from_numpy(np.asarray(out[f"{key}.weight"], dtype=np.float64)),
                             None if bias is None else torch.from_numpy(np.asarray(bias, dtype=np.float64)),
                             stride=stride, padding=padding, groups=groups)


def norm(out, key, x, training, name):
    """The learner's batch norm ``key`` applied to x: batch statistics in train mode, its running ones in eval
    (ExerciseFailed, naming the learner's call ``name``, when it keeps none)."""
    def tensor(part):
        value = out.get(f"{key}.{part}")
        return None if value is None else torch.from_numpy(np.asarray(value, dtype=np.float64))
    if not training and tensor("mean") is None:
        raise ExerciseFailed(f"{name}: a batch norm keeps no running statistics (track_running_stats=False), "
                             "so in eval mode it still normalises with each batch's own: use "
                             "nn.BatchNorm2d(channels), which keeps them.")
    return functional.batch_norm(x, tensor("mean"), tensor("var"), tensor("weight"), tensor("bias"),
                                 training=training, eps=out[f"{key}.eps"])


def compare_modes(out, expected, name, formula):
    """ExerciseFailed unless the outputs in eval and train mode equal ``expected(training)``."""
    for mode, training in (("eval", False), ("train", True)):
        got = as_number_array(out[mode], f"{name}(x)")
        want = expected(training).numpy()
        if got.shape != want.shape:
            raise ExerciseFailed(f"{name}: output shape {got.shape} in {mode} mode, expected {want.shape}.")
        if not allclose(got, want):
            raise ExerciseFailed(f"{name}: in {mode} mode the output differs from {formula}, computed with "
                                 "your block's own weights.")
