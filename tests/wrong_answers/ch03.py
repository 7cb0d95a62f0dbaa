"""Chapter 3: max pooling forward and backward, global average pooling."""

_POOL = """def my_max_pool(x, k, s):
    rows, cols = {size}
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = x[{top}:{top} + k, {left}:{left} + k].{reduce}()
    return out"""
_SIZE = "(x.shape[0] - k) // s + 1, (x.shape[1] - k) // s + 1"


def _pool(size=_SIZE, top="i * s", left="j * s", reduce="max"):
    return _POOL.format(size=size, top=top, left=left, reduce=reduce)


_BACKWARD = """def my_max_pool_backward(grad_output, x, k, s):
    grad = np.zeros(x.shape)
    for i in range(grad_output.shape[0]):
        for j in range(grad_output.shape[1]):
            window = x[i * s:i * s + k, j * s:j * s + k]
            target = grad[i * s:i * s + k, j * s:j * s + k]
            {body}
    return grad"""
_FIRST = ("a, b = np.unravel_index(np.argmax(window), window.shape)\n"
          "            target[a, b] += grad_output[i, j]")


def _backward(body=_FIRST):
    return _BACKWARD.format(body=body)


CATALOGUE = {
    "check_max_pool": dict(names=("my_max_pool",), right=[
        _pool(),
        """def my_max_pool(x, k, s):
    rows, cols = (x.shape[0] - k) // s + 1, (x.shape[1] - k) // s + 1
    out = np.full((rows, cols), -np.inf)
    for a in range(k):
        for b in range(k):
            out = np.maximum(out, x[a:a + s * (rows - 1) + 1:s, b:b + s * (cols - 1) + 1:s])
    return out""",
    ], wrong=[
        (_pool(reduce="mean"), "average"),
        (_pool(reduce="min"), "minimum"),
        (_pool(size="x.shape[0] - k + 1, x.shape[1] - k + 1", top="i", left="j"), "stride"),
        (_pool(size="x.shape[0] // k, x.shape[1] // k", top="i * k", left="j * k"), "stride differs"),
        (_pool(size="(x.shape[1] - k) // s + 1, (x.shape[0] - k) // s + 1", top="j * s", left="i * s"),
         "Height and width are swapped"),
        (_pool(size="(x.shape[0] - k) // s + 1, (x.shape[0] - k) // s + 1"), None),
        (_pool(top="i * s", left="j * k"), None),
    ]),
    "check_max_pool_backward": dict(names=("my_max_pool_backward",), right=[
        _backward(),
        """def my_max_pool_backward(grad_output, x, k, s):
    grad = np.zeros(x.shape)
    for i in range(grad_output.shape[0]):
        for j in range(grad_output.shape[1]):
            window = x[i * s:i * s + k, j * s:j * s + k]
            flat = window.reshape(-1)
            index = next(n for n in range(flat.size) if flat[n] == flat.max())
            grad[i * s + index // k, j * s + index % k] += grad_output[i, j]
    return grad""",
    ], wrong=[
        (_backward("target += grad_output[i, j] / (k * k)"), "average pooling's gradient"),
        (_backward("target += (window == window.max()) * grad_output[i, j]"), "first one only"),
        (_backward("a, b = np.unravel_index(np.argmax(window), window.shape)\n"
                   "            target[a, b] = grad_output[i, j]"), "add up the gradients"),
        (_backward("a, b = np.unravel_index(np.argmax(window), window.shape)\n"
                   "            target[a, b] += 1"), "marked the maxima with 1"),
        (_backward("a, b = np.unravel_index(window.size - 1 - np.argmax(window.reshape(-1)[::-1]), window.shape)\n"
                   "            target[a, b] += grad_output[i, j]"), "not the last"),
        (_backward("a, b = np.unravel_index(np.argmax(window), window.shape)\n"
                   "            target[b, a] += grad_output[i, j]"), None),
    ]),
    "check_global_avg_pool": dict(names=("my_global_avg_pool",), right=[
        "def my_global_avg_pool(x):\n    return x.mean(axis=3).mean(axis=2)",
        "def my_global_avg_pool(x):\n"
        "    return x.reshape(x.shape[0], x.shape[1], -1).sum(axis=2) / (x.shape[2] * x.shape[3])",
    ], wrong=[
        ("def my_global_avg_pool(x):\n    return x.sum(axis=(2, 3))", "divide by the number"),
        ("def my_global_avg_pool(x):\n    return x.max(axis=(2, 3))", "global max pooling"),
        ("def my_global_avg_pool(x):\n    return x.mean(axis=(2, 3), keepdims=True)", "drop the two axes"),
        ("def my_global_avg_pool(x):\n    return x.mean(axis=1)", "over the channels"),
        ("def my_global_avg_pool(x):\n    return x.sum(axis=(2, 3)) / x.shape[2] ** 2", None),
        ("def my_global_avg_pool(x):\n    return x.mean(axis=(0, 2, 3))", None),
        ("def my_global_avg_pool(x):\n    return x[:, :, 0, 0]", None),
    ]),
}
