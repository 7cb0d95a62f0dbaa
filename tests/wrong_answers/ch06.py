"""Chapter 6: inverted dropout, batch normalization in training mode, the padded random crop."""

_DROPOUT = """def my_dropout(x, p, rng, training):
    if not training:
        return {eval}
    u = rng.random(x.shape)
    return x * ({keep}) {scale}"""


def _dropout(eval="x", keep="u >= p", scale="/ (1 - p)"):
    return _DROPOUT.format(eval=eval, keep=keep, scale=scale)


_BN = """def my_batch_norm_train(x, running_mean, running_var, gamma, beta, momentum, eps):
    axes = {axes}
    mean = x.mean(axis=axes)
    var = x.var(axis=axes)
    count = x.size // x.shape[1]
    shape = (1, -1, 1, 1)
    normalized = (x - mean.reshape(shape)) / {denominator}
    out = gamma.reshape(shape) * normalized + beta.reshape(shape)
    new_mean = (1 - {momentum}) * running_mean + {momentum} * mean
    new_var = (1 - {momentum}) * running_var + {momentum} * {batch_var}
    return out, new_mean, new_var"""


def _bn(axes="(0, 2, 3)", denominator="np.sqrt(var.reshape(shape) + eps)", momentum="momentum",
        batch_var="var * count / (count - 1)"):
    return _BN.format(axes=axes, denominator=denominator, momentum=momentum, batch_var=batch_var)


_CROP = """def my_pad_and_crop(image, padding, top, left):
    padded = {pad}
    height, width = image.shape[1:]
    return padded[:, {rows}, {cols}]"""
_PAD = "np.pad(image, ((0, 0), (padding, padding), (padding, padding)))"


def _crop(pad=_PAD, rows="top:top + height", cols="left:left + width"):
    return _CROP.format(pad=pad, rows=rows, cols=cols)


CATALOGUE = {
    "check_dropout": dict(names=("my_dropout",), right=[
        """def my_dropout(x, p, rng, training):
    if not training:
        return x.copy()
    return np.where(rng.random(x.shape) < p, 0.0, x / (1 - p))""",
        """def my_dropout(x, p, rng, training):
    if training:
        mask = (rng.random(size=x.shape) >= p).astype(x.dtype)
        x = x * mask * (1.0 / (1.0 - p))
    return x""",
    ], wrong=[
        (_dropout(scale=""), "did not scale"),
        (_dropout(keep="u < p"), "where u < p"),
        (_dropout(scale="/ p"), "not by p"),
        (_dropout(scale="* (1 - p)"), "multiplied the kept values by 1 - p"),
        (_dropout(keep="u > p"), "not u > p"),
        (_dropout(eval="x * (1 - p)"), "identity"),
        ("""def my_dropout(x, p, rng, training):
    u = rng.random(x.shape)
    return x * (u >= p) / (1 - p)""", "does nothing"),
        ("""def my_dropout(x, p, rng, training):
    if not training:
        return x
    u = np.random.default_rng().random(x.shape)
    return x * (u >= p) / (1 - p)""", "Draw the random numbers once"),
        (_dropout(keep="u >= 0.5", scale="/ 0.5"), None),
    ]),
    "check_batch_norm_train": dict(names=("my_batch_norm_train",), right=[
        """def my_batch_norm_train(x, running_mean, running_var, gamma, beta, momentum, eps):
    bn = torch.nn.BatchNorm2d(x.shape[1], eps=eps, momentum=momentum).double()
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(gamma))
        bn.bias.copy_(torch.from_numpy(beta))
        bn.running_mean.copy_(torch.from_numpy(running_mean))
        bn.running_var.copy_(torch.from_numpy(running_var))
        out = bn.train()(torch.from_numpy(x))
    return out.numpy(), bn.running_mean.numpy(), bn.running_var.numpy()""",
        """def my_batch_norm_train(x, running_mean, running_var, gamma, beta, momentum, eps):
    flat = x.transpose(1, 0, 2, 3).reshape(x.shape[1], -1)
    mean, m = flat.mean(axis=1), flat.shape[1]
    squared = ((flat - mean[:, None]) ** 2).sum(axis=1)
    out = (flat - mean[:, None]) / np.sqrt(squared / m + eps)[:, None] * gamma[:, None] + beta[:, None]
    out = out.reshape(x.shape[1], x.shape[0], *x.shape[2:]).transpose(1, 0, 2, 3)
    return (out, running_mean + momentum * (mean - running_mean),
            running_var + momentum * (squared / (m - 1) - running_var))""",
    ], wrong=[
        (_bn(denominator="np.sqrt(var.reshape(shape) * count / (count - 1) + eps)"), "biased batch"),
        (_bn(denominator="np.sqrt(var.reshape(shape))"), "Add eps inside"),
        (_bn(denominator="(np.sqrt(var.reshape(shape)) + eps)"), "eps goes inside"),
        (_bn(momentum="0.1"), "momentum argument"),
        (_bn(batch_var="var"), "unbiased batch"),
        (_bn(denominator="np.sqrt(var.reshape(shape) + 1e-5)"), None),
        ("""def my_batch_norm_train(x, running_mean, running_var, gamma, beta, momentum, eps):
    mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    count = x.size // x.shape[1]
    shape = (1, -1, 1, 1)
    out = gamma.reshape(shape) * (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) + beta.reshape(shape)
    new_mean = momentum * running_mean + (1 - momentum) * mean
    new_var = momentum * running_var + (1 - momentum) * var * count / (count - 1)
    return out, new_mean, new_var""", "momentum weighs the new batch"),
        (_bn(batch_var="var * count / (count - x.shape[0])"), None),
    ]),
    "check_pad_and_crop": dict(names=("my_pad_and_crop",), right=[
        """def my_pad_and_crop(image, padding, top, left):
    c, h, w = image.shape
    out = np.zeros((c, h, w))
    for i in range(h):
        for j in range(w):
            r, s = top + i - padding, left + j - padding
            if 0 <= r < h and 0 <= s < w:
                out[:, i, j] = image[:, r, s]
    return out""",
        """def my_pad_and_crop(image, padding, top, left):
    c, h, w = image.shape
    padded = np.zeros((c, h + 2 * padding, w + 2 * padding))
    padded[:, padding:padding + h, padding:padding + w] = image
    return padded[:, top:, left:][:, :h, :w]""",
    ], wrong=[
        (_crop(rows="left:left + height", cols="top:top + width"), None),
        (_crop(pad="np.pad(image, ((0, 0), (padding, padding), (padding, padding)), mode='edge')"), "mode='edge'"),
        (_crop(pad="np.pad(image, ((0, 0), (0, 2 * padding), (0, 2 * padding)))"), "every side"),
        (_crop(pad="np.pad(image, padding)[padding:-padding]"), None),
        (_crop(cols="left:left + height"), None),
        (_crop(rows="top:top + height - 1", cols="left:left + width - 1"), None),
        (_crop(rows="padding + top - padding:top + height", cols="left:left + width").replace(
            "padded = ", "padded = image if padding == 1 else "), None),
    ]),
}
