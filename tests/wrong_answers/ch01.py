"""Chapter 1: corr2d, a multi-channel convolution, a conv layer's parameter count."""

CATALOGUE = {
    "check_corr2d": dict(names=("my_corr2d",), right=[
        """def my_corr2d(x, k):
    h, w = x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1
    return np.array([[(x[i:i + k.shape[0], j:j + k.shape[1]] * k).sum() for j in range(w)]
                     for i in range(h)])""",
        """def my_corr2d(x, k):
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for a in range(kh):
        for b in range(kw):
            out += k[a, b] * x[a:a + out.shape[0], b:b + out.shape[1]]
    return out""",
    ], wrong=[
        ("""def my_corr2d(x, k):
    k = k[::-1, ::-1]
    h, w = x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1
    return np.array([[(x[i:i + k.shape[0], j:j + k.shape[1]] * k).sum() for j in range(w)]
                     for i in range(h)])""", "flipped"),
        ("""def my_corr2d(x, k):
    h, w = x.shape[0] - k.shape[0], x.shape[1] - k.shape[1]
    return np.array([[(x[i:i + k.shape[0], j:j + k.shape[1]] * k).sum() for j in range(w)]
                     for i in range(h)])""", "range(n - k + 1)"),
        ("""def my_corr2d(x, k):
    kw, kh = k.shape
    out = np.zeros((x.shape[1] - kh + 1, x.shape[0] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (x[j:j + kw, i:i + kh] * k).sum()
    return out""", "Height and width are swapped"),
        ("""def my_corr2d(x, k):
    n, m = x.shape[0], k.shape[0]
    out = np.zeros((n - m + 1, n - m + 1))
    for i in range(n - m + 1):
        for j in range(n - m + 1):
            out[i, j] = (x[i:i + m, j:j + m] * k).sum()
    return out""", None),
        ("""def my_corr2d(x, k):
    return np.zeros((x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1))""", None),
        ("""def my_corr2d(x, k):
    h, w = x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1
    return np.array([[(x[i:i + k.shape[0], j:j + k.shape[1]] * k).sum() for j in range(w)]
                     for i in range(h)]).round(-1)""", None),
    ]),
    "check_multichannel_conv": dict(names=("my_conv",), right=[
        """def my_conv(x, weight, bias):
    o, c, kh, kw = weight.shape
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    out = np.zeros((o, h, w))
    for f in range(o):
        for i in range(h):
            for j in range(w):
                out[f, i, j] = (x[:, i:i + kh, j:j + kw] * weight[f]).sum() + bias[f]
    return out""",
        """def my_conv(x, weight, bias):
    o, c, kh, kw = weight.shape
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    windows = np.stack([x[:, a:a + h, b:b + w] for a in range(kh) for b in range(kw)], axis=1)
    return np.einsum("ocl,clhw->ohw", weight.reshape(o, c, kh * kw), windows) + bias[:, None, None]""",
    ], wrong=[
        ("""def my_conv(x, weight, bias):
    o, c, kh, kw = weight.shape
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    return np.array([[[(x[:, i:i + kh, j:j + kw] * weight[f]).sum() for j in range(w)] for i in range(h)]
                     for f in range(o)])""", "add each filter's bias"),
        ("""def my_conv(x, weight, bias):
    o, c, kh, kw = weight.shape
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    return np.array([[[(x[:, i:i + kh, j:j + kw] * weight[f]).sum() + bias[0] for j in range(w)]
                      for i in range(h)] for f in range(o)])""", None),
        ("""def my_conv(x, weight, bias):
    weight = weight[:, :, ::-1, ::-1]
    o, c, kh, kw = weight.shape
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    return np.array([[[(x[:, i:i + kh, j:j + kw] * weight[f]).sum() + bias[f] for j in range(w)]
                      for i in range(h)] for f in range(o)])""", "flipped"),
        ("""def my_conv(x, weight, bias):
    o, c, kh, kw = weight.shape
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    return np.array([[[(x[0, i:i + kh, j:j + kw] * weight[f, 0]).sum() + bias[f] for j in range(w)]
                      for i in range(h)] for f in range(o)])""", None),
        ("""def my_conv(x, weight, bias):
    o, c, kh, kw = weight.shape
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    return np.array([[[[(x[ch, i:i + kh, j:j + kw] * weight[f, ch]).sum() + bias[f] for j in range(w)]
                       for i in range(h)] for ch in range(c)] for f in range(o)])""", "ONE map"),
        ("""def my_conv(x, weight, bias):
    o, c, kh, kw = weight.shape
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    return np.array([[[(x[:, i:i + kh, j:j + kw] * weight[f]).mean() + bias[f] for j in range(w)]
                      for i in range(h)] for f in range(o)])""", None),
    ]),
    "check_conv_layer_params": dict(names=("my_param_count",), right=[
        """def my_param_count(in_channels, out_channels, kernel_size):
    return in_channels * out_channels * kernel_size ** 2 + out_channels""",
        """def my_param_count(in_channels, out_channels, kernel_size):
    total = 0
    for _ in range(out_channels):
        total += in_channels * kernel_size * kernel_size + 1
    return total""",
    ], wrong=[
        ("""def my_param_count(in_channels, out_channels, kernel_size):
    return in_channels * out_channels * kernel_size ** 2""", "each filter also has one bias"),
        ("""def my_param_count(in_channels, out_channels, kernel_size):
    return in_channels * out_channels * kernel_size ** 2 + 1""", "Each filter has its own bias"),
        ("""def my_param_count(in_channels, out_channels, kernel_size):
    return (in_channels * kernel_size + 1) * out_channels""", "k * k weights"),
        ("""def my_param_count(in_channels, out_channels, kernel_size):
    return (kernel_size * kernel_size + 1) * out_channels""", "in_channels * k * k"),
        ("""def my_param_count(in_channels, out_channels, kernel_size):
    return (in_channels * 9 + 1) * out_channels""", "not a fixed 9"),
        ("""def my_param_count(in_channels, out_channels, kernel_size):
    return (in_channels * kernel_size ** kernel_size + 1) * out_channels""", None),
        ("""def my_param_count(in_channels, out_channels, kernel_size):
    return (out_channels * kernel_size ** 2 + 1) * in_channels""", None),
        ("""def my_param_count(in_channels, out_channels, kernel_size):
    return float((in_channels * kernel_size ** 2 + 1) * out_channels)""", "expected an int"),
    ]),
}
