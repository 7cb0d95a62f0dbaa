"""Chapter 2: the output-size rule, zero padding, a strided padded convolution."""

_STRIDED = """def my_strided_conv(x, k, stride, padding):
    padded = {pad}
    kh, kw = k.shape
    rows, cols = {size}
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = (padded[{top}:{top} + kh, {left}:{left} + kw] * {kernel}).sum()
    return out"""
_PAD = "np.pad(x, padding)"
_SIZE = "(padded.shape[0] - kh) // stride + 1, (padded.shape[1] - kw) // stride + 1"


def _strided(pad=_PAD, size=_SIZE, top="i * stride", left="j * stride", kernel="k"):
    return _STRIDED.format(pad=pad, size=size, top=top, left=left, kernel=kernel)


CATALOGUE = {
    "check_output_size": dict(names=("my_output_size",), right=[
        """def my_output_size(n, f, s, p):
    return int(np.floor((n + 2 * p - f) / s)) + 1""",
        """def my_output_size(n, f, s, p):
    count, start = 0, 0
    while start + f <= n + 2 * p:
        count, start = count + 1, start + s
    return count""",
    ], wrong=[
        ("def my_output_size(n, f, s, p):\n    return (n + 2 * p - f) // s", "The +1 is missing"),
        ("def my_output_size(n, f, s, p):\n    return (n - f) // s + 1", "The padding is missing"),
        ("def my_output_size(n, f, s, p):\n    return (n + p - f) // s + 1", "Only one side is padded"),
        ("def my_output_size(n, f, s, p):\n    return -(-(n + 2 * p - f) // s) + 1", "rounds up"),
        ("def my_output_size(n, f, s, p):\n    return round((n + 2 * p - f) / s) + 1", None),
        ("def my_output_size(n, f, s, p):\n    return (n + 2 * p - f) / s + 1", "a float"),
        ("def my_output_size(n, f, s, p):\n    return (n + 2 * p - f + 1) // s", "outside the division"),
        ("def my_output_size(n, f, s, p):\n    return (n + 2 * p - f) // s + 1 if s > 1 else n", None),
    ]),
    "check_zero_pad": dict(names=("my_zero_pad",), right=[
        """def my_zero_pad(x, p):
    return np.pad(x, p)""",
        """def my_zero_pad(x, p):
    rows = np.zeros((p, x.shape[1]))
    tall = np.concatenate([rows, x, rows], axis=0)
    cols = np.zeros((tall.shape[0], p))
    return np.concatenate([cols, tall, cols], axis=1)""",
    ], wrong=[
        ("def my_zero_pad(x, p):\n    return np.pad(x, p, mode='edge')", "repeats the edge"),
        ("def my_zero_pad(x, p):\n    return np.pad(x, ((0, 2 * p), (0, 2 * p)))", "top-left corner"),
        ("def my_zero_pad(x, p):\n    return np.pad(x, ((p, p), (0, 0)))", "Only the rows"),
        ("""def my_zero_pad(x, p):
    out = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p))
    out[p:-p, p:-p] = x
    return out""", None),
        ("""def my_zero_pad(x, p):
    out = np.zeros((x.shape[0] + 2 * p, x.shape[0] + 2 * p))
    out[p:p + x.shape[0], p:p + x.shape[0]] = x[:, :x.shape[0]]
    return out""", None),
        ("def my_zero_pad(x, p):\n    return np.pad(x, p, constant_values=1)", None),
        ("def my_zero_pad(x, p):\n    return np.pad(x, p, mode='reflect')", "mirrors"),
    ]),
    "check_strided_conv": dict(names=("my_strided_conv",), right=[
        _strided(),
        """def my_strided_conv(x, k, stride, padding):
    padded = np.pad(x, padding)
    kh, kw = k.shape
    full = np.array([[(padded[i:i + kh, j:j + kw] * k).sum() for j in range(padded.shape[1] - kw + 1)]
                     for i in range(padded.shape[0] - kh + 1)])
    return full[::stride, ::stride]""",
    ], wrong=[
        (_strided(kernel="k[::-1, ::-1]"), "flipped"),
        (_strided(size="padded.shape[0] - kh + 1, padded.shape[1] - kw + 1", top="i", left="j"),
         "stride-1 output"),
        (_strided(pad="np.pad(x, ((0, 2 * padding), (0, 2 * padding)))"), "bottom/right"),
        (_strided(pad="x"), "without padding"),
        (_strided(size="-(-(padded.shape[0] - kh) // stride) + 1, -(-(padded.shape[1] - kw) // stride) + 1",
                  pad="np.pad(x, ((padding, padding + stride), (padding, padding + stride)))"), None),
        (_strided(top="i * stride", left="j"), None),
        (_strided(size="(padded.shape[0] - kh) // stride + 1, (padded.shape[0] - kh) // stride + 1",
                  pad="np.pad(x, ((padding, padding), (padding, padding + x.shape[0])))"), None),
    ]),
}
