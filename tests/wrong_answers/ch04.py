"""Chapter 4: ReLU and its derivative, a stable softmax, softmax's backward pass."""

_RELU = "def my_relu(x):\n    return np.maximum(x, 0)\n\n\n"
_GRAD = "def my_relu_grad(x):\n    return (x > 0).astype(float)\n"

CATALOGUE = {
    "check_relu": dict(names=("my_relu", "my_relu_grad"), right=[
        "def my_relu(x):\n    return x * (x > 0)\n\n\ndef my_relu_grad(x):\n    return np.where(x > 0, 1.0, 0.0)\n",
        "def my_relu(x):\n    return np.where(x > 0, x, 0.0)\n\n\ndef my_relu_grad(x):\n"
        "    return np.heaviside(x, 0.0)\n",
    ], wrong=[
        ("def my_relu(x):\n    return np.abs(x)\n\n\n" + _GRAD, "not |x|"),
        (_RELU + "def my_relu_grad(x):\n    return (x >= 0).astype(float)\n", "x > 0, not x >= 0"),
        (_RELU + "def my_relu_grad(x):\n    return np.maximum(x, 0)\n", "ReLU itself"),
        ("def my_relu(x):\n    x[x < 0] = 0\n    return x\n\n\n" + _GRAD, "in place"),
        (_RELU + "def my_relu_grad(x):\n    return np.sign(x)\n", None),
        (_RELU + "def my_relu_grad(x):\n    return (x < 0).astype(float)\n", "other way round"),
        ("def my_relu(x):\n    return np.maximum(x, 0.01 * x)\n\n\n" + _GRAD, "leaky ReLU"),
    ]),
    "check_softmax": dict(names=("my_softmax",), right=[
        """def my_softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    return np.exp(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))""",
        """def my_softmax(x):
    out = np.empty(x.shape)
    for n in range(x.shape[0]):
        e = np.exp(x[n] - x[n].max())
        out[n] = e / e.sum()
    return out""",
    ], wrong=[
        ("def my_softmax(x):\n    e = np.exp(x)\n    return e / e.sum(axis=1, keepdims=True)", "Overflow"),
        ("def my_softmax(x):\n    e = np.exp(x - x.max())\n    return e / e.sum(axis=1, keepdims=True)", None),
        ("def my_softmax(x):\n    e = np.exp(x - x.max(axis=1, keepdims=True))\n    return e / e.sum()",
         "on its own"),
        ("def my_softmax(x):\n    e = np.exp(x - x.max(axis=0, keepdims=True))\n"
         "    return e / e.sum(axis=0, keepdims=True)",
         "normalised the columns"),
        ("def my_softmax(x):\n    return np.exp(x - x.max(axis=1, keepdims=True))", "add up to 1"),
        ("def my_softmax(x):\n    x -= x.max(axis=1, keepdims=True)\n    e = np.exp(x)\n"
         "    return e / e.sum(axis=1, keepdims=True)", "in place"),
        ("def my_softmax(x):\n    e = np.exp(x - x.max(axis=1, keepdims=True))\n"
         "    return e / e.sum(axis=1, keepdims=True) + 1e-3", None),
    ]),
    "check_softmax_backward": dict(names=("my_softmax_backward",), right=[
        """def my_softmax_backward(grad_output, y):
    jacobians = np.stack([np.diag(row) - np.outer(row, row) for row in y])
    return np.einsum("nij,nj->ni", jacobians, grad_output)""",
        "def my_softmax_backward(grad_output, y):\n"
        "    return y * grad_output - y * (grad_output * y).sum(axis=1)[:, None]",
    ], wrong=[
        ("def my_softmax_backward(grad_output, y):\n    return y * (1 - y) * grad_output", "diagonal"),
        ("def my_softmax_backward(grad_output, y):\n"
         "    return grad_output - np.sum(grad_output * y, axis=1, keepdims=True)", "multiply by y"),
        ("def my_softmax_backward(grad_output, y):\n    return y * (grad_output - np.sum(grad_output * y))",
         "over each row"),
        ("def my_softmax_backward(grad_output, y):\n    return grad_output", "Jacobian"),
        ("def my_softmax_backward(grad_output, y):\n"
         "    return y * (np.sum(grad_output * y, axis=1, keepdims=True) - grad_output)", "sign is flipped"),
        ("def my_softmax_backward(grad_output, y):\n"
         "    return y * (grad_output - np.sum(grad_output * y, axis=0, keepdims=True))", None),
    ]),
}
