"""Chapter 5: cross-entropy and its gradient, a convolution's weight gradient, SGD with momentum."""

_CE = """def my_cross_entropy(logits, target):
    n = len(target)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = {loss}
    grad = np.exp(log_p)
    grad[np.arange(n), target] -= {one}
    return loss, {grad}"""


def _ce(loss="-log_p[np.arange(n), target].mean()", one="1", grad="grad / n"):
    return _CE.format(loss=loss, one=one, grad=grad)


_GW = """def my_conv2d_grad_weight(x, grad_output, k):
    h_out, w_out = grad_output.shape[2:]
    grad = np.zeros(({channels}, k, k))
    for a in range(k):
        for b in range(k):
            window = x[{batch}, :, {rows}, {cols}]
            grad[:, :, {at}] = np.einsum("nohw,nchw->{order}", grad_output{gbatch}, window){scale}
    return grad"""


def _gw(batch=":", rows="a:a + h_out", cols="b:b + w_out", gbatch="", scale="", at="a, b",
        channels="grad_output.shape[1], x.shape[1]", order="oc"):
    return _GW.format(batch=batch, rows=rows, cols=cols, gbatch=gbatch, scale=scale, at=at, channels=channels,
                      order=order)


def _step(velocity, param):
    return (f"def my_momentum_step(param, grad, velocity, lr, momentum):\n    velocity_new = {velocity}\n"
            f"    return {param}, velocity_new")


CATALOGUE = {
    "check_cross_entropy": dict(names=("my_cross_entropy",), right=[
        """def my_cross_entropy(logits, target):
    t = torch.tensor(logits, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(t, torch.as_tensor(target))
    loss.backward()
    return loss.item(), t.grad.numpy()""",
        """def my_cross_entropy(logits, target):
    n, c = logits.shape
    one_hot = np.eye(c)[target]
    m = logits.max(axis=1, keepdims=True)
    log_z = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    loss = np.mean(log_z - (logits * one_hot).sum(axis=1))
    probabilities = np.exp(logits - log_z[:, None])
    return float(loss), (probabilities - one_hot) / n""",
    ], wrong=[
        (_ce(loss="-log_p[np.arange(n), target].sum()", grad="grad"), "sum over the batch"),
        (_ce(loss="log_p[np.arange(n), target].mean()"), "sign is flipped"),
        (_ce(grad="grad"), "Divide by N"),
        (_ce(one="0"), "Subtract 1 at the true class"),
        ("""def my_cross_entropy(logits, target):
    n = len(target)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), target]).mean()
    grad = p.copy()
    grad[np.arange(n), target] -= 1
    return loss, grad / n""", None),
        (_ce(loss="-log_p[np.arange(n), target].mean()", grad="-grad / n"), "sign is flipped"),
        (_ce(loss="-log_p[:, target].mean()"), None),
    ]),
    "check_conv2d_grad_weight": dict(names=("my_conv2d_grad_weight",), right=[
        """def my_conv2d_grad_weight(x, grad_output, k):
    weight = torch.zeros(grad_output.shape[1], x.shape[1], k, k, dtype=torch.float64, requires_grad=True)
    out = torch.nn.functional.conv2d(torch.from_numpy(x), weight)
    out.backward(torch.from_numpy(grad_output))
    return weight.grad.numpy()""",
        """def my_conv2d_grad_weight(x, grad_output, k):
    windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))  # (N, C_in, H', W', k, k)
    return np.einsum("nohw,nchwab->ocab", grad_output, windows)""",
    ], wrong=[
        (_gw(at="k - 1 - a, k - 1 - b"), "flipped"),
        (_gw(scale=" / x.shape[0]"), "Don't divide by N"),
        (_gw(batch=":1", gbatch="[:1]"), "first image"),
        (_gw(channels="x.shape[1], grad_output.shape[1]", order="co"), "output channels first"),
        (_gw(rows="b:b + h_out", cols="a:a + w_out"), None),
        (_gw(scale=" / (h_out * w_out)"), None),
    ]),
    "check_momentum_step": dict(names=("my_momentum_step",), right=[
        _step("momentum * velocity + grad", "param - lr * velocity_new"),
        """def my_momentum_step(param, grad, velocity, lr, momentum):
    velocity *= momentum
    velocity += grad
    param -= lr * velocity
    return param, velocity""",
    ], wrong=[
        (_step("momentum * velocity - lr * grad", "param + velocity_new"), "other formulation"),
        (_step("momentum * velocity + (1 - momentum) * grad", "param - lr * velocity_new"), "moving average"),
        (_step("momentum * velocity + grad", "param - lr * grad"), "plain SGD"),
        (_step("momentum * velocity + grad", "param - lr * velocity"), "velocity first"),
        (_step("momentum * velocity + grad", "param + lr * velocity_new"), "Subtract"),
        (_step("0.9 * velocity + grad", "param - lr * velocity_new"), "momentum argument"),
        (_step("momentum * velocity + grad", "param - 0.1 * velocity_new"), "lr argument"),
    ]),
}
