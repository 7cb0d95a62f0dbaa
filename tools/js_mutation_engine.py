"""Cases for the in-page trainer's engine, functional.js and optim.js, answered by
cnncourse.functional and cnncourse.optim (float64; linear by NumPy's matrix product).

Tensors travel as ``{"shape", "data": {"f64": [...]}}`` (tests/js/harness.mjs makes the typed array)
and come back as ``{"shape", "data"}``. Shapes are rectangular with several channels and images,
so a swapped axis or a dropped image shows; pooling windows hold ties (the first one wins, as in
torch) and rows or columns that no window covers.
"""

import numpy as np

from cnncourse.functional import (conv2d, conv2d_backward, cross_entropy, cross_entropy_backward, log_softmax,
                                  max_pool2d, max_pool2d_backward, relu, relu_grad)
from cnncourse.optim import SGD, Adam


def f64(array):
    return {"f64": np.ravel(array).tolist()}


def tensor_arg(array):
    """A tensor argument: {shape, data} with a Float64Array."""
    return {"shape": list(np.shape(array)), "data": f64(array)}


def tensor_out(array):
    """An expected tensor: its shape and its values."""
    return {"shape": list(np.shape(array)), "data": np.ravel(array).tolist()}


def refused(function, *args):
    """Whether the reference refuses these arguments with a ValueError (the JavaScript must throw too)."""
    try:
        function(*args)
    except ValueError:
        return True
    return False


def conv_cases(rng):
    conv, backward = [], []
    for x_shape, w_shape, padding, with_bias in [((2, 3, 5, 4), (4, 3, 3, 2), 0, True),
                                                 ((1, 2, 4, 6), (3, 2, 3, 3), 1, True),
                                                 ((2, 1, 3, 5), (2, 1, 2, 3), 2, False)]:
        x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
        y = conv2d(x, w, b if with_bias else None, padding=padding)
        g = rng.normal(size=y.shape)
        g.flat[::5] = 1.0   # exact ones: the matrix products skip zeros, and must not skip anything else
        conv.append({"args": [tensor_arg(x), tensor_arg(w), tensor_arg(b) if with_bias else None, padding],
                     "expected": tensor_out(y)})
        backward.append({"args": [tensor_arg(g), tensor_arg(x), tensor_arg(w), padding],
                         "expected": [tensor_out(a) for a in conv2d_backward(g, x, w, padding=padding)]})
    x, w, b = rng.normal(size=(1, 2, 4, 3)), rng.normal(size=(2, 2, 3, 2)), rng.normal(size=2)
    g = rng.normal(size=(1, 2, 2, 2))   # padding left at its default, 0
    conv.append({"args": [tensor_arg(x), tensor_arg(w), tensor_arg(b)], "expected": tensor_out(conv2d(x, w, b))})
    backward.append({"args": [tensor_arg(g), tensor_arg(x), tensor_arg(w)],
                     "expected": [tensor_out(a) for a in conv2d_backward(g, x, w)]})
    x, w = rng.normal(size=(1, 2, 4, 4)), rng.normal(size=(3, 1, 3, 3))   # 2 channels against 1
    assert refused(conv2d, x, w)
    conv.append({"args": [tensor_arg(x), tensor_arg(w), None, 0], "throws": True})
    return conv, backward


def tied(rng, shape):
    """Values with ties inside pooling windows: each a multiple of 0.5 from -2 to 2."""
    return rng.integers(-4, 5, size=shape) / 2.0


def pool_cases(rng):
    forward, backward = [], []
    for shape, k in [((2, 3, 5, 7), 2), ((1, 2, 7, 6), 3), ((1, 1, 4, 4), 2)]:
        x = tied(rng, shape)
        y = max_pool2d(x, k)
        g = rng.normal(size=y.shape)
        forward.append({"args": [tensor_arg(x), k], "expected": tensor_out(y)})
        backward.append({"args": [tensor_arg(g), tensor_arg(x), k],
                         "expected": tensor_out(max_pool2d_backward(g, x, k))})
    x = tied(rng, (2, 1, 4, 4))
    forward.append({"args": [tensor_arg(x)], "expected": tensor_out(max_pool2d(x, 2))})  # the default 2
    g = rng.normal(size=(2, 1, 2, 2))
    backward.append({"args": [tensor_arg(g), tensor_arg(x)], "expected": tensor_out(max_pool2d_backward(g, x, 2))})
    return forward, backward


def elementwise_cases(rng):
    x = tied(rng, (2, 3, 3, 2))   # zeros among them: ReLU's kink, where torch's gradient is 0
    x.flat[0] = 1.5               # and a positive first value
    y = rng.normal(size=x.shape)
    return ([{"args": [tensor_arg(x)], "expected": tensor_out(relu(x))}],
            [{"args": [tensor_arg(x)], "expected": tensor_out(relu_grad(x))}],
            [{"args": [tensor_arg(x), tensor_arg(y)], "expected": tensor_out(x * y)}],
            [{"args": [tensor_arg(x)], "expected": tensor_out(x.reshape(2, -1))}])


def linear_cases(rng):
    forward, backward = [], []
    for n, f, o in [(3, 5, 4), (1, 2, 3)]:
        x, w, b, g = rng.normal(size=(n, f)), rng.normal(size=(o, f)), rng.normal(size=o), rng.normal(size=(n, o))
        g.flat[::2] = 1.0   # exact ones, as in conv_cases
        forward.append({"args": [tensor_arg(x), tensor_arg(w), tensor_arg(b)], "expected": tensor_out(x @ w.T + b)})
        backward.append({"args": [tensor_arg(g), tensor_arg(x), tensor_arg(w)],
                         "expected": [tensor_out(g @ w), tensor_out(g.T @ x), tensor_out(g.sum(axis=0))]})
    return forward, backward


def loss_cases(rng):
    log_p, loss, grad = [], [], []
    for n, c, scale in [(4, 10, 3.0), (3, 5, 1.0)]:
        logits = rng.normal(scale=scale, size=(n, c))
        logits[0, 1] = 800.0    # exp(800) overflows a double: only the shift by the row's maximum copes
        target = rng.integers(0, c, size=n)
        log_p.append({"args": [tensor_arg(logits)], "expected": tensor_out(log_softmax(logits))})
        loss.append({"args": [tensor_arg(logits), target.tolist()], "expected": cross_entropy(logits, target)})
        grad.append({"args": [tensor_arg(logits), target.tolist()],
                     "expected": tensor_out(cross_entropy_backward(logits, target))})
    return log_p, loss, grad


def tensor_cases():
    return [{"args": [[2, 3]], "expected": {"shape": [2, 3], "data": [0.0] * 6}},
            {"args": [[3, 1], f64([1.0, 2.0, 3.0])], "expected": {"shape": [3, 1], "data": [1.0, 2.0, 3.0]}},
            {"args": [[2, 2], f64([1.0, 2.0, 3.0])], "throws": True}]


def functional_fixtures(rng):
    """functional.js, every exported op (its private helpers are mutated through them)."""
    conv, conv_back = conv_cases(rng)
    pool, pool_back = pool_cases(rng)
    relu_c, relu_grad_c, mul_c, flatten_c = elementwise_cases(rng)
    lin, lin_back = linear_cases(rng)
    log_p, loss, loss_grad = loss_cases(rng)
    named = {"tensor": tensor_cases(), "conv2d": conv, "conv2d_backward": conv_back, "relu": relu_c,
             "relu_grad": relu_grad_c, "mul": mul_c, "max_pool2d": pool, "max_pool2d_backward": pool_back,
             "flatten": flatten_c, "linear": lin, "linear_backward": lin_back, "log_softmax": log_p,
             "cross_entropy": loss, "cross_entropy_backward": loss_grad}
    helpers = {"conv2d": ["like", "matmul_transpose_b", "window_indices", "im2col", "convShapes"],
               "conv2d_backward": ["matmul", "matmul_transpose_a", "col2im"], "max_pool2d": ["window_maxima"]}
    return [{"parts": ["functional"], "function": name, "mutate": helpers.get(name, []), "atol": 1e-10,
             "rtol": 1e-10, "cases": cases} for name, cases in named.items()]


def optimizer_run(make, rng, shapes=((2, 3), (4,)), steps=3):
    """Parameters and gradients for ``steps`` steps, and the parameters after each step by ``make``."""
    start = [rng.normal(size=s) for s in shapes]
    grads = [[rng.normal(size=s) for s in shapes] for _ in range(steps)]
    params = [p.copy() for p in start]
    optimizer, after = make(params), []
    for g in grads:
        optimizer.step(g)
        after.append([p.ravel().tolist() for p in params])
    return [tensor_arg(p) for p in start], [[tensor_arg(g) for g in step] for step in grads], after


def optim_fixtures(rng):
    """optim.js: SGD (with and without momentum), Adam, and the trainer's table of them by name."""
    sgd, adam, table = [], [], []
    for lr, momentum in [(0.1, 0.0), (0.05, 0.9), (0.2, 0.5)]:
        params, grads, after = optimizer_run(lambda p: SGD(p, lr=lr, momentum=momentum), rng)
        sgd.append({"args": ["SGD", params, grads, [lr, momentum]], "expected": after})
    for options, settings in [([], {}), ([0.01], {"lr": 0.01}),   # the defaults of lr, betas and eps
                              ([0.1, [0.8, 0.9], 1e-3], {"lr": 0.1, "betas": (0.8, 0.9), "eps": 1e-3}),
                              ([0.05, [0.5, 0.99], 0.5], {"lr": 0.05, "betas": (0.5, 0.99), "eps": 0.5})]:
        params, grads, after = optimizer_run(lambda p: Adam(p, **settings), rng)
        adam.append({"args": ["Adam", params, grads, options], "expected": after})
    for key, make in [("sgd", lambda p: SGD(p, lr=0.3)), ("momentum", lambda p: SGD(p, lr=0.3, momentum=0.9)),
                      ("adam", lambda p: Adam(p, lr=0.3))]:
        params, grads, after = optimizer_run(make, rng)
        table.append({"args": [key, params, grads, 0.3], "expected": after})
    common = {"parts": ["optim"], "atol": 1e-12, "rtol": 1e-10}
    return [{**common, "function": "SGD", "driver": "optimizer_steps", "cases": sgd},
            {**common, "function": "Adam", "driver": "optimizer_steps", "cases": adam},
            {**common, "function": "OPTIMIZERS", "driver": "optimizer_by_name", "cases": table}]
